"""Everything about the state database that depends on its engine, in one module: SQLite
(one file next to the data, the default and `make run`'s) and PostgreSQL (one server that
several app hosts share). The rest of app_state/ writes portable SQLAlchemy Core and asks
here for the few things the two engines do differently:

- **Opening** (`open_engine`): a SQLite file is created with mode 0600 (it holds password
  hashes and the session key), opened with a busy timeout and WAL journaling (readers go on
  while one process writes), foreign keys on. PostgreSQL gets pre-pinged pooled connections
  (a restarted server does not cost a failed request).
- **Names people type** (`name_type`): unique regardless of case. SQLite's NOCASE
  collation; on PostgreSQL an ICU collation at strength 2 (case-insensitive,
  nondeterministic), made by `prepare_schema` before any table uses it.
- **Ids never reused** (`NEVER_REUSED_IDS`): SQLite's AUTOINCREMENT; PostgreSQL's
  sequences never hand an id out twice anyway.
- **Upserts** (`upsert`): INSERT … ON CONFLICT in both dialects' spelling.
- **Check-then-write transactions** (`immediate`): SQLite's BEGIN IMMEDIATE takes the
  file's write lock before the first read; on PostgreSQL the transaction first takes a
  transaction-scoped advisory lock, so every `immediate` block in every process on every
  host runs one after the other (the login throttle's check and record are one step).
- **Creating and migrating the schema** (`schema_lock`): one process at a time — an
  exclusive lock on a side file for SQLite (gunicorn workers starting together on a new
  file), a session advisory lock for PostgreSQL (two hosts upgrading at once).
- **After rows are copied in with their ids** (`after_copy`, `db import`): PostgreSQL's
  sequences are moved past the largest id (SQLite keeps its counters by itself).
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    URL,
    Column,
    Connection,
    Engine,
    String,
    Table,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeEngine

SQLITE, POSTGRESQL = "sqlite", "postgresql"
SUPPORTED = (SQLITE, POSTGRESQL)
BUSY_TIMEOUT_S = 10.0  # a SQLite writer in another process holds the lock for milliseconds
PRIVATE = 0o600  # owner read/write: the file holds password hashes and the signing key
PG_NOCASE = "stocklens_nocase"
# Advisory lock keys (any two 64-bit numbers no other application on the server uses).
IMMEDIATE_LOCK = 0x5354_4C4B_0001  # "STLK" 1: immediate() transactions
SCHEMA_LOCK = 0x5354_4C4B_0002  # creating or migrating the schema

NEVER_REUSED_IDS: dict[str, Any] = {"sqlite_autoincrement": True}

log = logging.getLogger("app_state.db")


class UnsupportedStateDatabase(ValueError):
    """A state database URL of an engine StockLens does not keep its state in."""


def backend(url_or_bind: URL | Engine | Connection) -> str:
    url = url_or_bind if isinstance(url_or_bind, URL) else url_or_bind.engine.url
    return url.get_backend_name()


def is_embedded(url: URL) -> bool:
    """A SQLite file (or memory): one machine's state, upgraded by the server itself."""
    return url.get_backend_name() == SQLITE


def check_supported(url: URL) -> None:
    if url.get_backend_name() not in SUPPORTED:
        raise UnsupportedStateDatabase(
            f"the state database must be SQLite or PostgreSQL, not {url.get_backend_name()} "
            f"({url.render_as_string(hide_password=True)})")


# ---- types and table options -------------------------------------------------------------
def name_type() -> TypeEngine:
    """Text compared regardless of case ("Alice" and "alice" are one name)."""
    return String(collation="NOCASE").with_variant(String(collation=PG_NOCASE), POSTGRESQL)


def prepare_schema(conn: Connection) -> None:
    """What tables need before they can be created: PostgreSQL's case-insensitive
    collation (ICU, strength 2 — case is ignored, accents are not)."""
    if backend(conn) == POSTGRESQL:
        conn.execute(text(f"CREATE COLLATION IF NOT EXISTS {PG_NOCASE} "
                          "(provider = icu, locale = 'und-u-ks-level2', deterministic = false)"))


# ---- opening -----------------------------------------------------------------------------
def open_private(path: str | Path, flags: int = os.O_WRONLY) -> int:
    """Open `path` (created if missing) as a file descriptor; a file created here gets mode
    0600 exactly (os.open's mode alone would still be narrowed by the umask, and a
    process-wide os.umask change would race other threads)."""
    try:
        fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return os.open(path, flags)
    os.fchmod(fd, PRIVATE)
    return fd


def _create_private(path: Path) -> None:
    """Create the database file empty with mode 0600 before SQLite opens it (SQLite takes
    an empty file for a new database). An existing file is left as it is, with a warning
    when others may read it."""
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("the app-state database %s is readable by other users (mode %o): "
                        "it holds password hashes and the session key; chmod 600 it",
                        path, mode)
        return
    os.close(open_private(path))


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    return Path(database) if database and database != ":memory:" else None


def _on_sqlite_connect(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: URL) -> Engine:
    """An engine on the state database (a SQLite file is created, private, if missing)."""
    check_supported(url)
    if backend(url) == SQLITE:
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _autocommit_driver(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


@contextmanager
def ddl_engine(engine: Engine) -> Iterator[Engine]:
    """An engine whose transactions hold DDL too, for migrations: all of an upgrade
    commits or none of it. PostgreSQL's do; Python's sqlite3 commits before each CREATE
    or ALTER by itself, so SQLite gets its own engine that leaves BEGIN and COMMIT to
    SQLAlchemy."""
    if backend(engine) != SQLITE or _sqlite_file(engine.url) is None:
        yield engine
        return
    ddl = create_engine(engine.url, connect_args={"timeout": BUSY_TIMEOUT_S},
                        poolclass=NullPool)
    event.listen(ddl, "connect", _on_sqlite_connect)
    event.listen(ddl, "connect", _autocommit_driver)
    event.listen(ddl, "begin", _begin)
    try:
        yield ddl
    finally:
        ddl.dispose()


# ---- statements ------------------------------------------------------------------------------
def upsert(conn: Connection, table: Table, values: Mapping[str, Any],
           keys: Sequence[Column], set_: Mapping[str, Any] | None = None) -> None:
    """Insert `values`; when a row with the same `keys` exists, update it with `set_`
    (None: leave it as it is)."""
    insert = pg_insert if backend(conn) == POSTGRESQL else sqlite_insert
    stmt = insert(table).values(**values)
    if set_ is None:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    else:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=dict(set_))
    conn.execute(stmt)


# ---- transactions and locks --------------------------------------------------------------
@contextmanager
def immediate(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the database's write lock from its start, so what it reads
    cannot change before it writes: a check and the write that depends on it are one step
    for every thread, process and server. Others wait (SQLite: up to BUSY_TIMEOUT_S).
    SQLAlchemy's own begin() is not enough: two transactions could both read, then both
    write."""
    with engine.connect() as conn:
        if backend(engine) == POSTGRESQL:
            conn.begin()
            conn.execute(select(func.pg_advisory_xact_lock(IMMEDIATE_LOCK)))
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """One process at a time creates or migrates the schema: processes starting together
    on a new database would race between checking for a table and creating it ("table
    users already exists", and a gunicorn worker fails to boot)."""
    if backend(engine) == POSTGRESQL:
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(SCHEMA_LOCK)))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(SCHEMA_LOCK)))
                conn.commit()
        return
    path = _sqlite_file(engine.url)
    if path is None:
        yield
        return
    with os.fdopen(open_private(f"{path}.lock", os.O_WRONLY | os.O_APPEND), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def after_copy(conn: Connection, table: Table) -> None:
    """Rows were inserted with their ids (db import): new rows must get larger ones.
    PostgreSQL's sequences do not notice explicit ids; SQLite's counters do."""
    if backend(conn) != POSTGRESQL or len(table.primary_key.columns) != 1:
        return
    (column,) = table.primary_key.columns
    sequence = conn.execute(select(func.pg_get_serial_sequence(table.name, column.name))
                            ).scalar()
    if sequence:
        top = conn.execute(select(func.max(column))).scalar()
        conn.execute(select(func.setval(sequence, top or 1, top is not None)))
