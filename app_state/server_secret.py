"""The key that signs session cookies, when $STOCKLENS_SECRET_KEY does not give one:
generated once and kept in the app-state database, so every gunicorn worker (and the
next restart) signs and accepts the same cookies.

The first process to start inserts a random key; a second one racing it — another worker,
another host on the same PostgreSQL state — inserts nothing (INSERT … ON CONFLICT DO
NOTHING) and both read back the same row.

Rotation (`app.py users rotate-key`) stores a new key and keeps the old one as a
*retired* key, in a row named "<name>@retired:<unix time>". Servers started afterwards
sign with the new key and still accept cookies signed with a retired one (Flask's
SECRET_KEY_FALLBACKS, auth/setup.py) for RETIRED_FOR — as long as any session it signed
can live — so a rotation logs nobody out. Older retired keys are deleted.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import Column, String, Table, delete, select

from app_state.db import metadata, state_engine
from app_state.dialect import immediate, upsert

server_secrets = Table(
    "server_secrets", metadata,
    Column("name", String, primary_key=True),
    Column("value", String, nullable=False),
)

SESSION_KEY = "session_signing_key"
RETIRED = "@retired:"
RETIRED_FOR_S = 30 * 24 * 3600  # the longest session ("keep me signed in": 30 days)


def stored_secret(name: str = SESSION_KEY) -> str:
    """The stored secret `name`, created on first use (64 hex characters)."""
    with state_engine().begin() as conn:
        upsert(conn, server_secrets, {"name": name, "value": secrets.token_hex(32)},
               [server_secrets.c.name])
        return str(conn.execute(select(server_secrets.c.value)
                                .where(server_secrets.c.name == name)).scalar_one())


def _retired_at(row_name: str, name: str) -> float | None:
    prefix = name + RETIRED
    if not row_name.startswith(prefix):
        return None
    try:
        return float(row_name[len(prefix):])
    except ValueError:
        return None


def retired_secrets(name: str = SESSION_KEY, at: float | None = None) -> list[str]:
    """The retired keys of `name` still accepted, newest first."""
    moment = time.time() if at is None else at
    with state_engine().connect() as conn:
        rows = conn.execute(select(server_secrets).where(
            server_secrets.c.name.startswith(name + RETIRED, autoescape=True))).all()
    found = [(when, row.value) for row in rows
             if (when := _retired_at(row.name, name)) is not None
             and moment - when < RETIRED_FOR_S]
    return [value for _, value in sorted(found, reverse=True)]


def rotate_secret(name: str = SESSION_KEY, keep_old: bool = True,
                  at: float | None = None) -> int:
    """Replace the stored secret `name` with a new random one. With `keep_old` the one it
    replaces is retired (still accepted for RETIRED_FOR_S); without, it and every retired
    one are forgotten. Answers the days the old key stays accepted (0 without)."""
    moment = time.time() if at is None else at
    with immediate(state_engine()) as conn:
        current = conn.execute(select(server_secrets.c.value)
                               .where(server_secrets.c.name == name)).scalar()
        rows = conn.execute(select(server_secrets.c.name).where(
            server_secrets.c.name.startswith(name + RETIRED, autoescape=True))).scalars()
        stale = [row for row in rows if not keep_old
                 or moment - (_retired_at(row, name) or 0) >= RETIRED_FOR_S]
        if stale:
            conn.execute(delete(server_secrets).where(server_secrets.c.name.in_(stale)))
        if current is not None and keep_old:
            upsert(conn, server_secrets, {"name": f"{name}{RETIRED}{moment:.6f}",
                                          "value": current}, [server_secrets.c.name])
        fresh = secrets.token_hex(32)
        upsert(conn, server_secrets, {"name": name, "value": fresh}, [server_secrets.c.name],
               {"value": fresh})
    return RETIRED_FOR_S // 86400 if keep_old and current is not None else 0
