"""What a forecast run keeps besides its paths (forecast/store.py says what): named
artifacts of the run, npz or JSON bytes written by the forecast job.

    forecast_artifacts(run_id, name, payload, saved_at)

Written before the run is marked done (the replay: after, by the same job) and deleted
with the run. A stored artifact does not change, so it is cached per process by state
database, run and name (an artifact not there yet is not cached).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from cachetools import LRUCache
from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Table, delete, select

from app_state.db import metadata, state_engine, state_key
from app_state.forecasts import forecast_runs

forecast_artifacts = Table(
    "forecast_artifacts", metadata,
    Column("run_id", Integer, primary_key=True),
    Column("name", String, primary_key=True),
    Column("payload", LargeBinary, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

_cache: LRUCache[tuple[str, int, str], bytes] = LRUCache(maxsize=16)
_lock = threading.Lock()


def save(run_id: int, name: str, payload: bytes) -> None:
    """Store (or replace) the artifact `name` of run `run_id`."""
    table = forecast_artifacts.c
    with state_engine().begin() as conn:
        conn.execute(delete(forecast_artifacts).where(table.run_id == run_id,
                                                      table.name == name))
        conn.execute(forecast_artifacts.insert().values(
            run_id=run_id, name=name, payload=payload, saved_at=datetime.now(UTC)))
    with _lock:
        _cache.pop((state_key(), run_id, name), None)


def load(run_id: int, name: str) -> bytes | None:
    """The artifact's bytes, or None (an older run, or the replay not computed yet)."""
    key = (state_key(), run_id, name)
    with _lock:
        if key in _cache:
            return _cache[key]
    table = forecast_artifacts.c
    with state_engine().connect() as conn:
        found = conn.execute(select(table.payload).where(table.run_id == run_id,
                                                         table.name == name)).scalar()
    if found is None:
        return None
    with _lock:
        _cache[key] = bytes(found)
    return bytes(found)


def forget_orphans() -> None:
    """Delete the artifacts of runs that no longer exist (app_state/forecasts.py deletes a
    source's older runs when a new one is stored)."""
    with state_engine().begin() as conn:
        conn.execute(delete(forecast_artifacts).where(
            forecast_artifacts.c.run_id.not_in(select(forecast_runs.c.id))))
