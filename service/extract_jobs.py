"""Scheduled extract refreshes: each extract-mode source with `refresh: "<cron>"` is a job
the alert scheduler (alerts/scheduler.py) ticks with its rules, so a due time is claimed
once across every process and server by the same claim rows, caught up after downtime the
same way, and started from the same thread (each refresh then runs in a thread of its
own) — no second scheduler to deploy or keep alive.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from alerts.rules import DEFAULT_TIMEZONE
from data_connectors.source import SourceError
from service import extracts, sources

log = logging.getLogger("stocklens.extracts")
THREAD_PREFIX = "stocklens-extract-"
KEY_PREFIX = "extract-refresh:"  # claim keys of these jobs, apart from alert rules' keys


@dataclass(frozen=True)
class RefreshJob:
    """The scheduler's view of one source's refresh schedule (as of an alert rule:
    key, name, schedule, timezone, enabled) and what to do when it is due."""

    source: str
    schedule: str
    timezone: str = DEFAULT_TIMEZONE
    enabled: bool = True

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.source

    @property
    def name(self) -> str:
        return f"extract refresh of {self.source}"

    def run(self) -> threading.Thread:
        """Start the refresh in a thread of its own, so a refresh of several minutes does not
        hold up the alerts due meanwhile (its lock keeps it single). Not a daemon: a process
        that ends (`worker --once`, a server stopping) lets the refresh finish first."""
        thread = threading.Thread(target=self._refresh, name=THREAD_PREFIX + self.source)
        thread.start()
        return thread

    def _refresh(self) -> None:
        try:
            outcome = extracts.refresh(self.source)
        except Exception:  # the state database or the config: logged, the next due time retries
            log.exception("scheduled %s failed", self.name)
            return
        if outcome.status != "ok":
            log.warning("scheduled %s: %s (%s)", self.name, outcome.status, outcome.error)


def refresh_jobs() -> list[RefreshJob]:
    """The scheduled refreshes of the sources served now (none without a registry)."""
    try:
        configs = sources.registry().configs
    except SourceError:  # no sources configured in this process: nothing to refresh
        return []
    return [RefreshJob(name, cfg.refresh) for name, cfg in configs.items()
            if cfg.is_extract and cfg.refresh]
