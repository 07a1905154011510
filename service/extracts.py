"""Refreshing extract-mode sources, and what the pages say about them.

A refresh takes the source's lock in the state database (two refreshes of one source never
run at once, across processes and servers: the second is refused, not queued), records the
attempt, builds and publishes a new copy (data_connectors/extract_build.py), then makes
this process's registry and query cache move to it; other processes see the new copy
through the registry's pointer check and the new data version. A failure is recorded with
its one-line reason and the previous copy keeps serving.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime

import duckdb
import sqlalchemy as sa

from app_state import extracts as store
from app_state.extracts import ExtractState
from app_state.records import now
from data_connectors.config import SourceConfig
from data_connectors.db_errors import describe_db_error
from data_connectors.extract_build import ExtractResult, build_extract
from data_connectors.progress import Progress, no_progress
from data_connectors.registry import SourceRegistry
from data_connectors.source import SourceError
from service import sources

log = logging.getLogger("stocklens.extracts")
BEAT_S = 2.0  # the state row's progress and the lock's heartbeat: at most this often


@dataclass(frozen=True)
class RefreshOutcome:
    """How one refresh ended: "ok" (result set), "failed" (error set) or "busy" (another
    refresh of the source holds the lock: error says whose)."""

    source: str
    status: str
    result: ExtractResult | None = None
    error: str | None = None


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(holder: str) -> bool:
    """Whether the process named host:pid may still be running (another host's always
    may: its lock goes stale when its heartbeat stops)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def extract_sources(registry: SourceRegistry | None = None) -> list[str]:
    registry = registry or sources.registry()
    return [name for name, cfg in registry.configs.items() if cfg.is_extract]


def refresh(name: str, full: bool = False, progress: Progress = no_progress,
            registry: SourceRegistry | None = None) -> RefreshOutcome:
    """Refresh one extract-mode source (incremental unless `full` or it has no copy yet)."""
    registry = registry or sources.registry()
    if name not in registry.configs:
        raise SourceError(f"unknown source {name!r}; configured: {', '.join(registry.names())}")
    cfg = registry.configs[name]
    if not cfg.is_extract:
        raise SourceError(f"source {name!r} is not in extract mode (mode: {cfg.mode}); "
                          f"extract mode is set with `mode: extract` in its config entry")
    holder = holder_name()
    busy = store.take_lock(name, holder, holder_alive)
    if busy is not None:
        return RefreshOutcome(name, "busy", error=f"a refresh of {name!r} is already running "
                              f"(by {busy.holder} since {busy.claimed_at:%Y-%m-%d %H:%M} UTC)")
    started = time.perf_counter()
    try:
        store.record_attempt(name, now())
        result = build_extract(cfg, full, _beating(name, holder, progress))
    except Exception as exc:  # the source, the mapping or the disk: recorded, not raised
        error = _reason(exc, cfg)
        store.record_failure(name, error, time.perf_counter() - started)
        log.info("extract refresh of %r failed: %s", name, error)
        return RefreshOutcome(name, "failed", error=error)
    finally:
        store.release_lock(name, holder)
    store.record_success(name, result.extracted_at, result.total_rows, result.seconds,
                         "incremental" if result.incremental else "full")
    registry.release(name)  # this process reads the new copy from its next request on
    if registry is _served():
        sources.invalidate(name)
    return RefreshOutcome(name, "ok", result=result)


def _served() -> SourceRegistry | None:
    try:
        return sources.registry()
    except SourceError:
        return None


def _beating(name: str, holder: str, progress: Progress) -> Progress:
    """The caller's progress, plus the lock's heartbeat and the state row's progress."""
    last = [0.0]

    def report(step: str, done: int, total: int) -> None:
        progress(step, done, total)
        if time.monotonic() - last[0] >= BEAT_S:
            last[0] = time.monotonic()
            store.beat(name, holder, f"{step} {done:,}/{total:,}")
    return report


def _reason(exc: Exception, cfg: SourceConfig) -> str:
    """One line saying why, with no password in it."""
    if isinstance(exc, sa.exc.DBAPIError):
        return describe_db_error(exc, cfg.url)
    if isinstance(exc, duckdb.Error | OSError):
        return f"writing the extract failed: {exc}".splitlines()[0]
    return (str(exc) or type(exc).__name__).splitlines()[0]


def state(name: str) -> ExtractState | None:
    """The refresh state of an extract-mode source (None: never refreshed)."""
    return store.state_of(name)


def extracted_at(name: str) -> datetime | None:
    """When the data an extract-mode source serves was read from its database (None for
    a direct source, or an extract not there yet); no query runs."""
    try:
        registry = sources.registry()
        cfg = registry.configs.get(name)
        return registry.get(name).extracted_at if cfg is not None and cfg.is_extract else None
    except SourceError:
        return None
