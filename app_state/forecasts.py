"""Stored demand forecasts, keyed by source name and data key (the source's data version,
or its last date when it has none), in the app-state database.

A run is claimed before it is computed (one row per source and data key, inserted or
taken over atomically), so several server processes — gunicorn workers each start the
job — compute a source's forecasts once, not once each. A run that was claimed and not
finished within STALE_S (its process died) or that failed RETRY_S ago may be claimed
again. When a run is stored, the older runs of its source are deleted: pages read the
latest finished run, and a run's rows never change once written, so they are cached per
process by run id.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from cachetools import LRUCache
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state.db import bump_version, metadata, read_version, state_engine, state_key
from app_state.dialect import NEVER_REUSED_IDS

AREA = "forecasts"
STALE_S = 3600.0
RETRY_S = 600.0
SERIES_COLUMNS = ("sku_id", "location_id", "category", "channel", "method", "sigma",
                  "observed", "history_mean", "forecast_mean")

forecast_runs = Table(
    "forecast_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String, nullable=False),
    Column("data_key", String, nullable=False),
    Column("origin", String, nullable=False),  # ISO date: the data's last day
    Column("status", String, nullable=False),  # running | done | failed
    Column("claimed_by", String, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("seconds", Float),
    Column("series", Integer),
    Column("horizon", Integer),
    Column("message", String),
    UniqueConstraint("source", "data_key", name="forecast_runs_one_per_key"),
    # ids are never reused (a recomputed run must not hit a process's cache of the old)
    **NEVER_REUSED_IDS,
)

forecast_series = Table(
    "forecast_series", metadata,
    Column("run_id", Integer, ForeignKey("forecast_runs.id", ondelete="CASCADE"),
           primary_key=True),
    Column("sku_id", String, primary_key=True),
    Column("location_id", String, primary_key=True),
    Column("category", String),
    Column("channel", String),
    Column("method", String, nullable=False),
    Column("sigma", Float, nullable=False),
    Column("observed", Integer, nullable=False),
    Column("history_mean", Float, nullable=False),
    Column("forecast_mean", Float, nullable=False),
    Column("path", LargeBinary, nullable=False),  # float32 daily forecasts after origin
)


@dataclass(frozen=True)
class ForecastRun:
    id: int
    source: str
    data_key: str
    origin: date
    status: str
    started_at: datetime
    finished_at: datetime | None
    seconds: float | None
    series: int | None
    message: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _run(row: object) -> ForecastRun:
    m = row._mapping  # type: ignore[attr-defined]
    return ForecastRun(m["id"], m["source"], m["data_key"], date.fromisoformat(m["origin"]),
                       m["status"], _aware(m["started_at"]), _aware(m["finished_at"]),
                       m["seconds"], m["series"], m["message"])


def claim_run(source: str, data_key: str, origin: date) -> int | None:
    """The id of a run this process now owns for (source, data_key), or None when the
    forecasts exist or another process is computing them."""
    now, me = _now(), f"{os.getpid()}:{threading.get_ident()}"
    runs = forecast_runs.c
    with state_engine().begin() as conn:
        found = conn.execute(select(forecast_runs).where(
            runs.source == source, runs.data_key == data_key)).first()
        if found is None:
            try:
                with conn.begin_nested():
                    return int(conn.execute(insert(forecast_runs).values(
                        source=source, data_key=data_key, origin=origin.isoformat(),
                        status="running", claimed_by=me, started_at=now,
                    )).inserted_primary_key[0])
            except IntegrityError:  # another process claimed it a moment ago
                return None
        run = _run(found)
        stale = run.status == "running" and now - run.started_at > timedelta(seconds=STALE_S)
        retry = run.status == "failed" and now - (run.finished_at or run.started_at) \
            > timedelta(seconds=RETRY_S)
        if not (stale or retry):
            return None
        taken = conn.execute(update(forecast_runs).where(
            runs.id == run.id, runs.status == run.status, runs.started_at == found.started_at,
        ).values(status="running", claimed_by=me, started_at=now, message=None))
        return run.id if taken.rowcount == 1 else None


def forget_finished(source: str, data_key: str) -> None:
    """Drop the finished (or failed) run of (source, data_key), so it is computed again;
    a run in progress is left to finish."""
    runs = forecast_runs.c
    with state_engine().begin() as conn:
        done = select(runs.id).where(runs.source == source, runs.data_key == data_key,
                                     runs.status != "running")
        conn.execute(delete(forecast_series).where(forecast_series.c.run_id.in_(done)))
        conn.execute(delete(forecast_runs).where(runs.id.in_(done)))


def save_run(run_id: int, pairs: pd.DataFrame, paths: np.ndarray, seconds: float) -> None:
    """Store a claimed run's forecasts, mark it done and drop the source's older runs."""
    rows = pairs[list(SERIES_COLUMNS)].to_dict("records")
    blobs = np.asarray(paths, dtype=np.float32)
    for row, path in zip(rows, blobs, strict=True):
        row["run_id"], row["path"] = run_id, path.tobytes()
        row["observed"] = int(row["observed"])
    runs = forecast_runs.c
    with state_engine().begin() as conn:
        source = conn.execute(select(runs.source).where(runs.id == run_id)).scalar_one()
        if rows:
            conn.execute(insert(forecast_series), rows)
        conn.execute(update(forecast_runs).where(runs.id == run_id).values(
            status="done", finished_at=_now(), seconds=seconds, series=len(rows),
            horizon=int(blobs.shape[1]) if blobs.ndim == 2 else 0))
        older = select(runs.id).where(runs.source == source, runs.id != run_id,
                                      or_(runs.status == "done", runs.status == "failed"))
        conn.execute(delete(forecast_series).where(forecast_series.c.run_id.in_(older)))
        conn.execute(delete(forecast_runs).where(runs.id.in_(older)))
        bump_version(conn, AREA)


def fail_run(run_id: int, message: str) -> None:
    with state_engine().begin() as conn:
        conn.execute(update(forecast_runs).where(forecast_runs.c.id == run_id).values(
            status="failed", finished_at=_now(), message=message[:500]))
        bump_version(conn, AREA)


def runs_of(source: str) -> list[ForecastRun]:
    """Every run of `source`, newest first (at most a finished one and one in progress)."""
    with state_engine().connect() as conn:
        rows = conn.execute(select(forecast_runs).where(forecast_runs.c.source == source)
                            .order_by(forecast_runs.c.id.desc())).all()
    return [_run(r) for r in rows]


_latest: dict[tuple[str, str], tuple[int, ForecastRun | None]] = {}
_lock = threading.Lock()


def latest_run(source: str) -> ForecastRun | None:
    """The newest finished run of `source` (cached until any run changes; per state
    database, whose counters start again from 0)."""
    key = (state_key(), source)
    with state_engine().connect() as conn:
        version = read_version(conn, AREA)
        with _lock:
            known = _latest.get(key)
        if known is not None and known[0] == version:
            return known[1]
        row = conn.execute(select(forecast_runs).where(and_(
            forecast_runs.c.source == source, forecast_runs.c.status == "done"))
            .order_by(forecast_runs.c.id.desc()).limit(1)).first()
    found = _run(row) if row is not None else None
    with _lock:
        _latest[key] = (version, found)
    return found


# The last few runs' rows per process: a finished run never changes. Keyed by the state
# database as well as the run (another state database numbers its runs from 1 again).
# Unscoped (a run holds every SKU-location); its only reader, service/replenishment.py,
# keeps to its principal's scope by joining the series to that principal's stock.
_series: LRUCache[tuple[str, int], tuple[pd.DataFrame, np.ndarray]] = LRUCache(maxsize=4)
_series_lock = threading.Lock()


def load_series(run_id: int) -> tuple[pd.DataFrame, np.ndarray]:
    """(one row per SKU-location with SERIES_COLUMNS, paths as pairs × horizon)."""
    key = (state_key(), run_id)
    with _series_lock:
        found = _series.get(key)
    if found is not None:
        return found
    columns = [forecast_series.c[c] for c in SERIES_COLUMNS]
    with state_engine().connect() as conn:
        rows = conn.execute(select(*columns, forecast_series.c.path)
                            .where(forecast_series.c.run_id == run_id)
                            .order_by(forecast_series.c.sku_id,
                                      forecast_series.c.location_id)).all()
    frame = pd.DataFrame([tuple(r)[:-1] for r in rows], columns=list(SERIES_COLUMNS))
    paths = (np.stack([np.frombuffer(r[-1], dtype=np.float32) for r in rows]).astype(float)
             if rows else np.zeros((0, 0)))
    with _series_lock:
        _series[key] = (frame, paths)
    return frame, paths
