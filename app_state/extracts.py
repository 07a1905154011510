"""Extract refreshes' state in the state database: per source the last attempt, the last
success, rows, duration, the error of a failed refresh and the running one's progress
(the Sources page and `app.py extract status` show it), and the lock that keeps two
refreshes of one source from running at once, across processes and servers.

    extract_state(source, status, last_attempt, last_success, as_of, rows, seconds,
                  refresh, error, progress)
    extract_locks(source, holder, claimed_at, heartbeat_at)

The lock is a row: the primary key lets exactly one insert win, whichever process tries
(as alert claims do). A holder that died leaves its row behind; one whose heartbeat is
older than STALE is taken over, so a crash never blocks a source for good.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state.db import metadata, state_engine
from app_state.records import as_utc, now

STALE = timedelta(minutes=15)  # a refresh beats at every chunk; silence this long: it died

extract_state = Table(
    "extract_state", metadata,
    Column("source", String, primary_key=True),
    Column("status", String, nullable=False),  # running, ok, failed
    Column("last_attempt", DateTime(timezone=True), nullable=False),
    Column("last_success", DateTime(timezone=True), nullable=True),
    Column("as_of", DateTime(timezone=True), nullable=True),  # the served copy's data time
    Column("rows", BigInteger, nullable=True),  # rows pulled by the last success
    Column("seconds", Float, nullable=True),  # its duration
    Column("refresh", String, nullable=True),  # full or incremental
    Column("error", Text, nullable=True),  # why the last attempt failed (None: it did not)
    Column("progress", String, nullable=True),  # while running: "sales 120000/980000"
)

extract_locks = Table(
    "extract_locks", metadata,
    Column("source", String, primary_key=True),
    Column("holder", String, nullable=False),  # host:pid
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class ExtractState:
    source: str
    status: str
    last_attempt: datetime
    last_success: datetime | None
    as_of: datetime | None
    rows: int | None
    seconds: float | None
    refresh: str | None
    error: str | None
    progress: str | None


@dataclass(frozen=True)
class LockHolder:
    holder: str
    claimed_at: datetime


def take_lock(source: str, holder: str,
              alive: Callable[[str], bool] = lambda _holder: True) -> LockHolder | None:
    """None when `holder` now holds the source's lock; else who holds it. A holder that
    `alive` says is gone (a killed process on this host), or silent for STALE, is
    replaced."""
    moment = now()
    for _ in range(2):
        try:
            with state_engine().begin() as conn:
                conn.execute(insert(extract_locks).values(
                    source=source, holder=holder, claimed_at=moment, heartbeat_at=moment))
            return None
        except IntegrityError:
            with state_engine().begin() as conn:
                row = conn.execute(select(extract_locks).where(
                    extract_locks.c.source == source)).first()
                if row is None:
                    continue  # released meanwhile: try again
                if moment - as_utc(row.heartbeat_at) <= STALE and alive(row.holder):
                    return LockHolder(row.holder, as_utc(row.claimed_at))
                conn.execute(delete(extract_locks).where(  # its holder died: take over
                    extract_locks.c.source == source,
                    extract_locks.c.heartbeat_at == row.heartbeat_at))
    return LockHolder("?", moment)


def beat(source: str, holder: str, progress: str) -> None:
    """The holder is alive and this far: refreshes the lock and the shown progress."""
    moment = now()
    with state_engine().begin() as conn:
        conn.execute(update(extract_locks).where(
            extract_locks.c.source == source, extract_locks.c.holder == holder)
            .values(heartbeat_at=moment))
        conn.execute(update(extract_state).where(extract_state.c.source == source)
                     .values(progress=progress[:200]))


def release_lock(source: str, holder: str) -> None:
    with state_engine().begin() as conn:
        conn.execute(delete(extract_locks).where(extract_locks.c.source == source,
                                                 extract_locks.c.holder == holder))


def record_attempt(source: str, moment: datetime) -> None:
    """A refresh starts: status running (the last success and its figures stay)."""
    with state_engine().begin() as conn:
        done = conn.execute(update(extract_state).where(extract_state.c.source == source)
                            .values(status="running", last_attempt=moment, progress=None))
        if done.rowcount == 0:
            conn.execute(insert(extract_state).values(source=source, status="running",
                                                      last_attempt=moment))


def record_success(source: str, as_of: datetime, rows: int, seconds: float,
                   refresh: str) -> None:
    with state_engine().begin() as conn:
        conn.execute(update(extract_state).where(extract_state.c.source == source).values(
            status="ok", last_success=now(), as_of=as_of, rows=rows, seconds=seconds,
            refresh=refresh, error=None, progress=None))


def record_failure(source: str, error: str, seconds: float) -> None:
    """The attempt failed; the previous copy (and its figures) keeps serving."""
    with state_engine().begin() as conn:
        conn.execute(update(extract_state).where(extract_state.c.source == source).values(
            status="failed", error=error[:2000], seconds=seconds, progress=None))


def state_of(source: str) -> ExtractState | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(extract_state).where(
            extract_state.c.source == source)).first()
    if row is None:
        return None
    return ExtractState(row.source, row.status, as_utc(row.last_attempt),
                        as_utc(row.last_success) if row.last_success else None,
                        as_utc(row.as_of) if row.as_of else None, row.rows, row.seconds,
                        row.refresh, row.error, row.progress)
