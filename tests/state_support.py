"""The state database the tests run on: a new SQLite file per test (the default), or —
with STOCKLENS_TEST_STATE_DB set to a PostgreSQL admin URL (`make test` does it for the
auth, boards, views, thresholds and forecast tests) — a new PostgreSQL database per test.

PostgreSQL databases are copied from a template migrated once per session (CREATE DATABASE
… TEMPLATE takes a few tens of milliseconds), so every test starts from an empty state at
this code's revision, with ids from 1, like a new SQLite file. Each is dropped after its
test, the template at the end of the session.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from tests.integration.servers import (
    ScratchDatabase,
    Server,
    admin_engine,
    create_database,
    drop_database,
    unique_name,
)

TEST_STATE_ENV = "STOCKLENS_TEST_STATE_DB"


def state_server() -> Server | None:
    """The PostgreSQL server the state goes on, or None for SQLite files."""
    url = os.environ.get(TEST_STATE_ENV, "").strip()
    if not url:
        return None
    if sa.engine.make_url(url).get_backend_name() != "postgresql":
        raise ValueError(f"${TEST_STATE_ENV} must be a PostgreSQL URL (the admin user of a "
                         "server that may create databases)")
    return Server("PostgreSQL (state)", url)


def migrated_template(server: Server) -> ScratchDatabase:
    """A scratch database at this code's schema revision, to copy per test."""
    from app_state import migrate
    from app_state.db import open_state_engine

    template = create_database(server)
    engine = open_state_engine(template.url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return template


def copy_of(template: ScratchDatabase) -> ScratchDatabase:
    copy = ScratchDatabase(template.server, unique_name("stocklens_state"))
    engine = admin_engine(template.server)
    with engine.connect() as con:
        # PostgreSQL 15+ would WAL-log the copy by default: copying the files is quicker
        fast = " STRATEGY file_copy" if con.dialect.server_version_info >= (15,) else ""
        con.execute(sa.text(f'CREATE DATABASE "{copy.name}" TEMPLATE "{template.name}"'
                            + fast))
    engine.dispose()
    return copy


__all__ = ["copy_of", "drop_database", "migrated_template", "state_server"]
