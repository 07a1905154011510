"""Alembic's entry point for the state database (app_state/migrate.py runs it).

The engine is the one app_state/migrate.py passes in `config.attributes["engine"]` (the
command line, the server's automatic upgrade of a SQLite file, the tests), else one opened
on the configured state database (the `alembic` command, for writing revisions). All the
revisions of one upgrade run in one transaction, DDL included (app_state/dialect.py
`ddl_engine` makes that true of SQLite too): an upgrade that fails leaves the database as
it was.
"""

from __future__ import annotations

from alembic import context

from app_state import dialect
from app_state.schema import full_metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from app_state.db import state_url

    engine = dialect.open_engine(state_url())

with engine.connect() as connection, connection.begin():  # every revision or none
    context.configure(
        connection=connection,
        target_metadata=full_metadata(),
        render_as_batch=dialect.backend(engine) == dialect.SQLITE,  # ALTER by copying
        compare_type=True,
        transactional_ddl=True,
    )
    context.run_migrations()
