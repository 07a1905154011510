"""The schema of the state database, by revision (Alembic; app_state/migrations/).

Revision 0001 is the schema as releases before Alembic made it; an older database
without Alembic's marker is adopted by it (see that revision), so an upgrade from any
release keeps every row. Each later change of a table is a new revision.

When a process opens the state database (`ensure_current`, called by app_state/db.py):

- an embedded SQLite file behind this code's revision is upgraded there and then, one
  process at a time (`make run`, `app.py serve`, every command: nothing to remember);
- a PostgreSQL state behind it is refused with one line saying to run
  `python app.py db upgrade` — several hosts share it, so an upgrade is a deliberate step
  taken once, not a race between servers starting with different releases;
- a database at a revision this code does not know (made by a newer release) is refused
  either way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from app_state import dialect

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_COMMAND = "python app.py db upgrade"
log = logging.getLogger("app_state.db")


class StateSchemaError(RuntimeError):
    """The state database's schema is not this code's; the message is one line saying
    what to do."""


class NotAStateDatabase(StateSchemaError):
    """A table of ours exists with other columns: not made by any StockLens release."""


@dataclass(frozen=True)
class Revision:
    id: str
    down: str | None
    title: str


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The revision this code needs."""
    found = _script().get_current_head()
    assert found is not None
    return found


def history() -> list[Revision]:
    """Every revision, oldest first."""
    revisions = list(_script().walk_revisions("base", "heads"))
    return [Revision(r.revision, r.down_revision,  # type: ignore[arg-type]
                     (r.doc or "").strip().splitlines()[0] if r.doc else "")
            for r in reversed(revisions)]


def current(engine: Engine) -> str | None:
    """The database's revision; None when it has none (new, or made before Alembic)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _known(revision: str) -> bool:
    return any(r.id == revision for r in history())


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the database to `target`; (revision before, revision after)."""
    with dialect.schema_lock(engine):
        before = current(engine)
        if before is not None and not _known(before):
            raise StateSchemaError(_newer(engine, before))
        with dialect.ddl_engine(engine) as ddl:  # one transaction: all of it or nothing
            command.upgrade(_config(ddl), target)
        after = current(engine)
    if before != after:
        log.info("state database %s upgraded from %s to %s", where(engine),
                 before or "(none)", after)
    return before, after


def _newer(engine: Engine, revision: str) -> str:
    return (f"the state database {where(engine)} is at revision {revision}, which this "
            f"StockLens does not know (it needs {head()}): it was made by a newer release")


def ensure_current(engine: Engine) -> None:
    """Nothing when the database is at this code's revision; else upgrade an embedded
    SQLite file, or raise StateSchemaError (PostgreSQL behind, any database ahead)."""
    revision = current(engine)
    if revision == head():
        return
    if revision is not None and not _known(revision):
        raise StateSchemaError(_newer(engine, revision))
    if dialect.is_embedded(engine.url):
        upgrade(engine)
        return
    state = f"is at revision {revision}" if revision else "has no StockLens schema yet"
    raise StateSchemaError(f"the state database {where(engine)} {state} and this StockLens "
                           f"needs revision {head()}: run `{UPGRADE_COMMAND}` (once, from "
                           "one host) before starting the servers")
