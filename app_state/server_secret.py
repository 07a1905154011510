"""The key that signs session cookies, when $STOCKLENS_SECRET_KEY does not give one:
generated once and kept in the app-state database, so every gunicorn worker (and the
next restart) signs and accepts the same cookies.

The first process to start inserts a random key; a second one racing it inserts nothing
(INSERT OR IGNORE) and both read back the same row.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Column, String, Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app_state.db import metadata, state_engine

server_secrets = Table(
    "server_secrets", metadata,
    Column("name", String, primary_key=True),
    Column("value", String, nullable=False),
)

SESSION_KEY = "session_signing_key"


def stored_secret(name: str = SESSION_KEY) -> str:
    """The stored secret `name`, created on first use (64 hex characters)."""
    with state_engine().begin() as conn:
        conn.execute(sqlite_insert(server_secrets)
                     .values(name=name, value=secrets.token_hex(32))
                     .on_conflict_do_nothing(index_elements=[server_secrets.c.name]))
        return str(conn.execute(select(server_secrets.c.value)
                                .where(server_secrets.c.name == name)).scalar_one())
