"""SQLAlchemy engines for data sources: pooled, read-only, with a statement timeout.

StockLens only ever reads a source, and a dashboard must not hang on one runaway query,
so every engine it opens is made here with the same three guarantees where the database
can give them:

- PostgreSQL: read-only through `default_transaction_read_only=on`, timeout through
  `statement_timeout` (ms), both as libpq startup options.
- MariaDB: `SET SESSION TRANSACTION READ ONLY` and `max_statement_time` (seconds) on
  each new connection.
- MySQL: `SET SESSION TRANSACTION READ ONLY` and `max_execution_time` (ms; MySQL applies
  it to SELECTs only, which is all StockLens runs). Which of the two servers answered is
  read from its version string, whatever the URL scheme says.
- DuckDB: the file is opened with `read_only=True` (an in-memory database cannot be).
  DuckDB has no per-statement timeout: a query can only be interrupted from another
  thread (`connection.interrupt()`), which this module does not do; `statement_timeout_s`
  is ignored.
- SQLite: the file is opened as the URI `file:PATH?mode=ro`; SQLite has no timeout
  setting either, but a progress handler aborts a statement past its deadline.
- Spark SQL (`hive://host:10000/database`, the Spark Thrift Server): the timeout through
  the session setting `spark.sql.thriftServer.queryTimeout` (seconds; the server cancels
  the query); Spark has no read-only session, so give StockLens an account (or a Thrift
  Server) that may only read. The dialect is data_connectors/spark_dialect.py.
- Other engines (Trino, …): pooled and pinged only; neither guarantee is enforced, so give
  StockLens a read-only account and use the engine's own limit (e.g. Trino's
  `query_max_run_time`).

Server connections are pooled (QueuePool) and pinged before use, so a database restart
costs one failed ping, not a failed page. Errors become one line with
`describe_db_error` (re-exported here), which can name the timeout because the engine
attaches it to each error it raises.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from data_connectors import spark_dialect
from data_connectors.db_errors import TIMEOUT_ATTR, describe_db_error, mask_url

spark_dialect.register()

__all__ = ["create_source_engine", "describe_db_error", "mask_url"]

CONNECT_TIMEOUT_S = 10  # a server that does not answer at all fails in this time
POOL_RECYCLE_S = 1800  # below MySQL's default wait_timeout and typical idle firewalls
SQLITE_PROGRESS_STEPS = 10_000  # VM instructions between deadline checks (~1 ms)
_PG_DRIVERS_WITH_OPTIONS = ("psycopg", "psycopg2", "psycopg2cffi")


def create_source_engine(url: str, read_only: bool = True,
                         statement_timeout_s: float | None = 30.0,
                         pool_size: int = 4) -> sa.Engine:
    """An engine for reading a source at `url` (see the module docstring for what each
    database enforces). `statement_timeout_s` of None or ≤ 0 means no timeout.

    Raises sa.exc.ArgumentError for text that is not a URL, NoSuchModuleError for an
    unknown dialect and ImportError when the driver is not installed; nothing connects
    until the engine is first used."""
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    timeout = statement_timeout_s if statement_timeout_s and statement_timeout_s > 0 else None
    if backend == "postgresql":
        engine = _postgresql(parsed, read_only, timeout, pool_size)
    elif backend in ("mysql", "mariadb"):
        engine = _mysql(parsed, read_only, timeout, pool_size)
    elif backend == "duckdb":
        engine = _duckdb(parsed, read_only, pool_size)
    elif backend == "sqlite":
        engine = _sqlite(parsed, read_only, timeout)
    elif backend == "hive":
        engine = _spark(parsed, timeout, pool_size)
    else:
        engine = sa.create_engine(parsed, pool_pre_ping=True)
    if timeout is not None:
        _tag_errors_with_timeout(engine, timeout)
    return engine


def _server_pool(pool_size: int) -> dict[str, Any]:
    return {"poolclass": sa.pool.QueuePool, "pool_size": pool_size,
            "max_overflow": pool_size, "pool_pre_ping": True, "pool_recycle": POOL_RECYCLE_S}


def _postgresql(url: sa.URL, read_only: bool, timeout: float | None,
                pool_size: int) -> sa.Engine:
    """Settings go in the libpq startup `options`, so they hold from the first statement
    without an extra round trip (and survive the pool's reset-on-return ROLLBACK)."""
    settings = []
    if read_only:
        settings.append("-c default_transaction_read_only=on")
    if timeout is not None:
        settings.append(f"-c statement_timeout={max(1, round(timeout * 1000))}")
    connect_args: dict[str, Any] = {}
    if url.get_driver_name() in _PG_DRIVERS_WITH_OPTIONS:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
        if settings:
            given = url.query.get("options")  # keep the user's own startup options
            connect_args["options"] = " ".join([*([str(given)] if given else []), *settings])
        engine = sa.create_engine(url, connect_args=connect_args, **_server_pool(pool_size))
    else:  # other drivers (pg8000, asyncpg adapters): plain SETs on each new connection
        engine = sa.create_engine(url, **_server_pool(pool_size))
        statements = []
        if read_only:
            statements.append("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        if timeout is not None:
            statements.append(f"SET statement_timeout = {max(1, round(timeout * 1000))}")
        _run_on_connect(engine, lambda _conn: statements)
    return engine


def _mysql(url: sa.URL, read_only: bool, timeout: float | None, pool_size: int) -> sa.Engine:
    """MariaDB and MySQL name the statement limit differently (and in different units),
    and either may sit behind either URL scheme, so the server's version string decides."""
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_S}
    engine = sa.create_engine(url, connect_args=connect_args, **_server_pool(pool_size))

    def statements(dbapi_connection: Any) -> list[str]:
        out = ["SET SESSION TRANSACTION READ ONLY"] if read_only else []
        if timeout is not None:
            if _is_mariadb(dbapi_connection):
                out.append(f"SET SESSION max_statement_time = {timeout:.3f}")
            else:  # MySQL: SELECTs only, in milliseconds
                out.append(f"SET SESSION max_execution_time = {max(1, round(timeout * 1000))}")
        return out

    _run_on_connect(engine, statements)
    return engine


def _spark(url: sa.URL, timeout: float | None, pool_size: int) -> sa.Engine:
    """The Thrift Server opens a Spark session per connection (about a second), so
    connections are pooled like a server's; the timeout is a session setting."""
    engine = sa.create_engine(url, **_server_pool(pool_size))
    if timeout is not None:
        seconds = max(1, round(timeout))
        _run_on_connect(engine, lambda _conn: [
            f"SET spark.sql.thriftServer.queryTimeout={seconds}s"])
    return engine


def _is_mariadb(dbapi_connection: Any) -> bool:
    info = getattr(dbapi_connection, "get_server_info", None)
    version = info() if callable(info) else getattr(dbapi_connection, "server_version", "")
    if isinstance(version, bytes):
        version = version.decode(errors="replace")
    return "mariadb" in str(version).lower()


def _duckdb(url: sa.URL, read_only: bool, pool_size: int) -> sa.Engine:
    """An in-memory DuckDB cannot be read-only (it would be empty and useless)."""
    in_memory = url.database in (None, "", ":memory:")
    connect_args = {"read_only": True} if read_only and not in_memory else {}
    return sa.create_engine(url, connect_args=connect_args, poolclass=sa.pool.QueuePool,
                            pool_size=pool_size, max_overflow=pool_size)


def _sqlite(url: sa.URL, read_only: bool, timeout: float | None) -> sa.Engine:
    """Read-only through SQLite's URI filename `file:PATH?mode=ro` (also refuses to create
    a missing file, which a plain path would silently do)."""
    database = url.database or ""
    if read_only and database not in ("", ":memory:") and not database.startswith("file:"):
        query = dict(url.query)
        query.update({"mode": "ro", "uri": "true"})
        url = url.set(database=f"file:{quote(database)}", query=query)
    engine = sa.create_engine(url)
    if timeout is not None:
        _sqlite_deadline(engine, timeout)
    return engine


def _sqlite_deadline(engine: sa.Engine, timeout: float) -> None:
    """SQLite has no statement timeout setting, but a progress handler that returns
    non-zero aborts the running statement ("interrupted"): each statement gets a deadline
    when it starts, cleared when its connection goes back to the pool."""
    key = "stocklens_deadline"

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: Any, record: Any) -> None:
        info = record.info

        def past_deadline() -> int:
            deadline = info.get(key)
            return int(deadline is not None and time.monotonic() > deadline)

        dbapi_connection.set_progress_handler(past_deadline, SQLITE_PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn: Any, *_args: Any) -> None:
        conn.info[key] = time.monotonic() + timeout

    @event.listens_for(engine, "checkin")
    def _clear(_dbapi_connection: Any, record: Any) -> None:
        record.info.pop(key, None)


def _run_on_connect(engine: sa.Engine, statements: Any) -> None:
    """Run `statements(dbapi_connection)` on every new pooled connection."""

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        todo = statements(dbapi_connection)
        if not todo:
            return
        cursor = dbapi_connection.cursor()
        try:
            for statement in todo:
                cursor.execute(statement)
        finally:
            cursor.close()
        commit = getattr(dbapi_connection, "commit", None)
        if callable(commit):
            commit()  # pg8000 & co. open a transaction for the SETs; end it


def _tag_errors_with_timeout(engine: sa.Engine, timeout: float) -> None:
    """Attach the timeout to every error the engine raises, for describe_db_error."""

    @event.listens_for(engine, "handle_error")
    def _tag(context: Any) -> None:
        for exc in (context.sqlalchemy_exception, context.original_exception):
            if exc is not None:
                with contextlib.suppress(AttributeError):  # a type with __slots__
                    setattr(exc, TIMEOUT_ATTR, timeout)
