"""The app-state database: one MetaData, one engine per process, any SQLAlchemy URL.

Where it is: $STOCKLENS_STATE_DB, else `state_db:` in the config file
($STOCKLENS_CONFIG), else the SQLite file stocklens-state.sqlite in the data folder (what
`make run` uses). Either takes a SQLAlchemy URL (`postgresql+psycopg://…` for several app
hosts sharing one state, `sqlite:///…`) or a plain path, which is a SQLite file as before.

Each area of state (users, tokens, sessions, thresholds, views, boards, forecasts, alerts
…) declares its tables on `metadata` and takes connections from `state_engine()`. The
schema is Alembic's (app_state/migrate.py): the first time a process opens a database it
checks the revision — an embedded SQLite file is upgraded there and then, a PostgreSQL
state behind the code is refused with one line telling to run `python app.py db upgrade`.

`bump_version`/`read_version` give every area a change counter: a reader compares one
integer instead of reloading its rows on every request, and a write in any process on any
host is seen by the next read in every other. What differs between SQLite and PostgreSQL
(file creation with mode 0600, WAL, locks, upserts) is in app_state/dialect.py only.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from sqlalchemy import (
    URL,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    make_url,
    select,
)
from sqlalchemy.exc import ArgumentError

from app_state import dialect
from app_state.dialect import BUSY_TIMEOUT_S, immediate, open_private  # noqa: F401 (API)
from data_connectors import paths

STATE_DB_ENV = "STOCKLENS_STATE_DB"
CONFIG_KEY = "state_db"  # in the config file
STATE_FILE_NAME = "stocklens-state.sqlite"
_LOOKS_LIKE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")  # a URL that lost a slash

metadata = MetaData()

versions = Table(
    "state_versions", metadata,
    Column("area", String, primary_key=True),
    Column("version", Integer, nullable=False),
)

_lock = threading.Lock()
_current: dict[str, object] = {}  # "key": the URL as text, "engine"
_from_config: dict[str, tuple[tuple[str, float], str | None]] = {}


class StateUrlError(ValueError):
    """$STOCKLENS_STATE_DB or state_db: is not a usable URL or path (one line)."""


def _configured() -> tuple[str, Path] | None:
    """(state_db: of the config file, the file's folder), read again when the file
    changes; None without a config file or without the key."""
    name = os.environ.get("STOCKLENS_CONFIG")
    if not name:
        return None
    path = Path(name).absolute()
    try:
        stamp = (str(path), path.stat().st_mtime)
    except OSError:
        return None  # the command that needs the config says it is missing
    known = _from_config.get("file")
    if known is None or known[0] != stamp:
        from data_connectors.config import ConfigError, interpolate, read_config_file

        try:
            raw = read_config_file(path).get(CONFIG_KEY)
            value = interpolate(str(raw), CONFIG_KEY) if raw else None
        except ConfigError as exc:
            raise StateUrlError(str(exc)) from None
        known = (stamp, value)
        _from_config["file"] = known
    return (known[1], path.parent) if known[1] else None


def _as_url(value: str, base: Path, where: str) -> URL:
    """A SQLAlchemy URL, or a path (relative to `base`) as a SQLite file's URL."""
    if "://" not in value and _LOOKS_LIKE_URL.match(value):
        raise StateUrlError(f"{where}: {value.split(':', 1)[0]}:… is not a SQLAlchemy URL "
                            "(scheme://…) nor a path")
    if "://" not in value:
        return URL.create(dialect.SQLITE, database=str((base / value).absolute()))
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise StateUrlError(f"{where}: not a SQLAlchemy URL or a path") from None
    if dialect.is_embedded(url) and url.database not in (None, "", ":memory:") \
            and not Path(url.database).is_absolute():
        url = url.set(database=str((base / url.database).absolute()))
    try:
        dialect.check_supported(url)
    except dialect.UnsupportedStateDatabase as exc:
        raise StateUrlError(f"{where}: {exc}") from None
    return url


def state_url() -> URL:
    """The state database's URL (read on every call, so tests and tools can point it
    elsewhere): $STOCKLENS_STATE_DB, else the config file's state_db:, else the SQLite
    file in the data folder."""
    explicit = os.environ.get(STATE_DB_ENV)
    if explicit:
        return _as_url(explicit, Path.cwd(), f"${STATE_DB_ENV}")
    configured = _configured()
    if configured is not None:
        return _as_url(configured[0], configured[1], f"{CONFIG_KEY}: in the config file")
    return _as_url(str(paths.DATA_DIR / STATE_FILE_NAME), Path.cwd(), "the data folder")


def state_path() -> Path | None:
    """The SQLite file of the state database; None when it is on a server."""
    url = state_url()
    if dialect.is_embedded(url) and url.database not in (None, "", ":memory:"):
        return Path(url.database)  # type: ignore[arg-type]
    return None


def state_key() -> str:
    """Which state database this is, as text without its password (per-process caches of
    state are keyed by it, so pointing at another database never reads an old copy)."""
    return state_url().render_as_string(hide_password=True)


def state_engine() -> Engine:
    """The engine of the state database, at this code's schema revision.

    One engine per process for the current URL; a changed URL (tests) opens a new one
    and disposes the old. Opening checks the schema (app_state/migrate.py): a SQLite file
    is upgraded, a PostgreSQL state behind the code raises StateSchemaError.
    """
    url = state_url()
    key = url.render_as_string(hide_password=False)
    with _lock:
        if _current.get("key") != key:
            from app_state.migrate import ensure_current

            engine = dialect.open_engine(url)
            try:
                ensure_current(engine)
            except BaseException:
                engine.dispose()
                raise
            old = _current.get("engine")
            _current.update(key=key, engine=engine)
            if isinstance(old, Engine):
                old.dispose()
        return _current["engine"]  # type: ignore[return-value]


def close_state_engine() -> None:
    """Close this process's engine (its pooled connections): before the database is
    dropped or replaced (tests, `db import` in-process); the next use opens it again."""
    with _lock:
        engine = _current.pop("engine", None)
        _current.pop("key", None)
    if isinstance(engine, Engine):
        engine.dispose()


def open_state_engine(url: URL | str | None = None) -> Engine:
    """Another engine on the state database (or `url`), for tools and tests that act as
    a second server process; the schema must be current already."""
    if url is None:
        target = state_url()
    elif isinstance(url, URL):
        target = url
    else:
        target = _as_url(str(url), Path.cwd(), "the state database")
    return dialect.open_engine(target)


def bump_version(conn: Connection, area: str) -> None:
    """Count one change of `area`, inside the writer's transaction (so a reader never
    sees the new counter without the new rows). The counter's row stays locked until the
    transaction ends, so writers of one area go one at a time."""
    dialect.upsert(conn, versions, {"area": area, "version": 1}, [versions.c.area],
                   {"version": versions.c.version + 1})


def read_version(conn: Connection, area: str) -> int:
    """The change counter of `area` (0 before its first change)."""
    found = conn.execute(select(versions.c.version).where(versions.c.area == area)).scalar()
    return int(found or 0)
