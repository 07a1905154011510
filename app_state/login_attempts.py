"""Failed logins, kept in the app-state database so every server process (gunicorn
worker) counts the same attempts: a limit kept in one worker's memory would let an
attacker multiply it by the number of workers.

A row is one failure: the name tried (lower-cased, so "Admin" and "admin" count
together), the client's address and when. Rows older than the window are deleted as new
ones arrive, so the table stays the size of the recent failures. Each function takes an
optional engine so tests can act as two workers on one file.

`claim` is what a login uses: the check against the limits and the record of the attempt
are one transaction holding the database's write lock (app_state/dialect.py: immediate),
so parallel attempts — threads of one server, workers, servers sharing the database — are
counted one after the other, and no more than the limit ever get to check a password.
An attempt is recorded before its password is checked, as a failure until the login
succeeds and clears it.
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
from app_state.dialect import immediate

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


def claim(name: str, ip: str, window_s: float, per_name: int, per_ip: int,
          engine: Engine | None = None, at: float | None = None) -> float | None:
    """One atomic step: unless this name from this address has `per_name` failures within
    the window, or the address `per_ip` whatever the names, record this attempt (as a
    failure) and answer None. Else record nothing and answer the seconds until the oldest
    failure that holds the door shut leaves the window. The time is read once the lock is
    held, so it is never earlier than an attempt recorded by whoever held it before."""
    key, address = name_key(name), ip or "?"
    with immediate(engine or state_engine()) as conn:
        moment = time.time() if at is None else at
        since = moment - window_s
        counted = select(func.count(), func.min(login_attempts.c.at)).where(
            login_attempts.c.ip == address, login_attempts.c.at >= since)
        conn.execute(delete(login_attempts).where(login_attempts.c.at < since))
        by_name = conn.execute(counted.where(login_attempts.c.name_key == key)).one()
        by_ip = conn.execute(counted).one()
        blocking = [oldest for (count, oldest), limit in ((by_name, per_name),
                                                          (by_ip, per_ip))
                    if count >= limit and oldest is not None]
        if blocking:
            return max(blocking) + window_s - moment
        conn.execute(insert(login_attempts).values(name_key=key, ip=address, at=moment))
    return None


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
