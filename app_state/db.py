"""The app-state database: one SQLite file, one MetaData, tables created on first use.

Each area of state (thresholds, later saved views, boards, users) declares its tables on
`metadata` and takes connections from `state_engine()`. Several server processes may
share the file (gunicorn workers), so WAL mode lets readers go on while one writes, and
`bump_version`/`read_version` give every area a change counter: a reader compares one
integer instead of reloading its rows on every request.

The file holds password hashes and the key that signs session cookies, so StockLens
creates it (and its lock file) readable by its owner only, mode 0600, whatever the umask;
SQLite gives the -wal and -shm files it makes next to it the database file's mode.
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from data_connectors import paths

STATE_DB_ENV = "STOCKLENS_STATE_DB"
STATE_FILE_NAME = "stocklens-state.sqlite"
BUSY_TIMEOUT_S = 10.0  # a writer in another process holds the lock for milliseconds
PRIVATE = 0o600  # owner read/write: the file holds password hashes and the signing key

log = logging.getLogger(__name__)

metadata = MetaData()

versions = Table(
    "state_versions", metadata,
    Column("area", String, primary_key=True),
    Column("version", Integer, nullable=False),
)

_lock = threading.Lock()
_current: dict[str, object] = {}  # "path", "engine", "created" (table names made so far)


def state_path() -> Path:
    """$STOCKLENS_STATE_DB, else stocklens-state.sqlite in the data folder (read on every
    call, so tests and tools can point it elsewhere)."""
    explicit = os.environ.get(STATE_DB_ENV)
    return Path(explicit) if explicit else paths.DATA_DIR / STATE_FILE_NAME


def _on_connect(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


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


def _open(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    _create_private(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _on_connect)
    return engine


def state_engine() -> Engine:
    """The engine of the state database, with every declared table created.

    One engine per process for the current path; a changed path (tests) opens a new one
    and disposes the old.
    """
    path = state_path().absolute()
    with _lock:
        if _current.get("path") != path:
            old = _current.get("engine")
            _current.update(path=path, engine=_open(path), created=frozenset())
            if isinstance(old, Engine):
                old.dispose()
        engine: Engine = _current["engine"]  # type: ignore[assignment]
        if set(metadata.tables) - _current["created"]:  # type: ignore[operator]
            ensure_schema(engine)
            _current["created"] = frozenset(metadata.tables)
        return engine


def ensure_schema(engine: Engine) -> None:
    """Create the tables declared so far that the file does not have yet.

    Processes starting together on a new file (gunicorn workers) would race between
    checking for a table and creating it ("table users already exists", and the worker
    fails to boot), so creation holds an exclusive lock on a side file."""
    database = engine.url.database
    if not database or database == ":memory:":
        metadata.create_all(engine, checkfirst=True)
        return
    with os.fdopen(open_private(f"{database}.lock", os.O_WRONLY | os.O_APPEND), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            metadata.create_all(engine, checkfirst=True)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def bump_version(conn: Connection, area: str) -> None:
    """Count one change of `area`, inside the writer's transaction (so a reader never
    sees the new counter without the new rows)."""
    stmt = sqlite_insert(versions).values(area=area, version=1)
    conn.execute(stmt.on_conflict_do_update(index_elements=[versions.c.area],
                                            set_={"version": versions.c.version + 1}))


def read_version(conn: Connection, area: str) -> int:
    """The change counter of `area` (0 before its first change)."""
    found = conn.execute(select(versions.c.version).where(versions.c.area == area)).scalar()
    return int(found or 0)


@contextmanager
def immediate(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the database's write lock when it begins (SQLite's BEGIN
    IMMEDIATE), so what it reads cannot change before it writes: a check and the write
    that depends on it are one step for every thread and process on the file. Others wait
    for the lock (up to BUSY_TIMEOUT_S). SQLAlchemy's own begin() is deferred: two
    transactions could both read, then both write."""
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
