"""Failed logins, kept in the app-state database so every server process (gunicorn
worker) counts the same attempts: a limit kept in one worker's memory would let an
attacker multiply it by the number of workers.

A row is one failure: the name tried (lower-cased, so "Admin" and "admin" count
together), the client's address and when. Rows older than the window are deleted as new
ones arrive, so the table stays the size of the recent failures. Each function takes an
optional engine so tests can act as two workers on one file.
"""

from __future__ import annotations

import time

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    select,
)

from app_state.db import metadata, state_engine

login_attempts = Table(
    "login_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("name_key", String, nullable=False),
    Column("ip", String, nullable=False),
    Column("at", Float, nullable=False),  # seconds since the epoch
)
Index("login_attempts_by_name_ip", login_attempts.c.name_key, login_attempts.c.ip,
      login_attempts.c.at)
Index("login_attempts_by_ip", login_attempts.c.ip, login_attempts.c.at)


def name_key(name: str) -> str:
    return (name or "").strip().lower()[:200]


def record_failure(name: str, ip: str, window_s: float, engine: Engine | None = None,
                   at: float | None = None) -> None:
    """Count one failed login; forget failures older than the window."""
    moment = time.time() if at is None else at
    with (engine or state_engine()).begin() as conn:
        conn.execute(delete(login_attempts).where(login_attempts.c.at < moment - window_s))
        conn.execute(insert(login_attempts).values(name_key=name_key(name), ip=ip or "?",
                                                   at=moment))


def failures(name: str | None, ip: str, window_s: float, engine: Engine | None = None,
             at: float | None = None) -> tuple[int, float | None]:
    """(failures within the window, time of the oldest of them) for this name from this
    address — or for every name from it when `name` is None."""
    moment = time.time() if at is None else at
    stmt = select(func.count(), func.min(login_attempts.c.at)).where(
        login_attempts.c.ip == (ip or "?"), login_attempts.c.at >= moment - window_s)
    if name is not None:
        stmt = stmt.where(login_attempts.c.name_key == name_key(name))
    with (engine or state_engine()).connect() as conn:
        count, oldest = conn.execute(stmt).one()
    return int(count), oldest


def clear_failures(name: str, ip: str, engine: Engine | None = None) -> None:
    """A successful login forgets that name's failures from that address."""
    with (engine or state_engine()).begin() as conn:
        conn.execute(delete(login_attempts).where(login_attempts.c.name_key == name_key(name),
                                                  login_attempts.c.ip == (ip or "?")))
