"""create_source_engine and describe_db_error against the real servers.

Each failure a user can meet (a write through a read-only source, a runaway query, a wrong
password, a server that is down, a missing database, a mistyped URL) must come out as one
line of a fixed shape that never contains the password.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_connectors.engines import create_source_engine, describe_db_error, mask_url
from data_connectors.open_source import open_url
from data_connectors.source import SourceError
from tests.integration.servers import (
    MARIADB,
    POSTGRES,
    ScratchDatabase,
    Server,
    admin_engine,
    unique_name,
)

SECRET = "Sw0rdfish-s3cret"  # must never appear in a message
SLEEP_SQL = {"postgresql": "SELECT pg_sleep(5)", "mariadb": "SELECT SLEEP(5)"}


def _error_of(engine: sa.Engine, statement: str) -> sa.exc.DBAPIError:
    """The error `statement` raises on `engine` (the test fails if it succeeds)."""
    with pytest.raises(sa.exc.DBAPIError) as caught, engine.connect() as con:
        con.execute(sa.text(statement))
        con.commit()
    return caught.value


def _assert_one_line_without_secret(message: str, *secrets: str) -> None:
    assert "\n" not in message
    for secret in (SECRET, *secrets):
        assert secret not in message


@pytest.fixture(scope="module")
def databases(postgres_db: ScratchDatabase, mariadb_db: ScratchDatabase,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Writable URLs of one database per engine, each holding a table `t` with a row."""
    folder: Path = tmp_path_factory.mktemp("engines")
    urls = {"postgresql": postgres_db.url, "mariadb": mariadb_db.url,
            "duckdb": f"duckdb:///{folder / 'e.duckdb'}",
            "sqlite": f"sqlite:///{folder / 'e.sqlite'}"}
    for url in urls.values():
        writer = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with writer.begin() as con:
            con.execute(sa.text("DROP TABLE IF EXISTS t"))
            con.execute(sa.text("CREATE TABLE t (a INTEGER)"))
            con.execute(sa.text("INSERT INTO t (a) VALUES (1)"))
        writer.dispose()
    return urls


@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb", "duckdb", "sqlite"])
def test_read_only_engine_reads_but_refuses_writes(databases: dict[str, str],
                                                   engine_name: str) -> None:
    url = databases[engine_name]
    engine = create_source_engine(url)
    try:
        with engine.connect() as con:
            assert con.execute(sa.text("SELECT a FROM t")).scalar_one() == 1
        error = _error_of(engine, "INSERT INTO t (a) VALUES (2)")
        message = describe_db_error(error, url)
        assert message == f"write refused: the source is opened read-only ({mask_url(url)})"
    finally:
        engine.dispose()
    writer = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with writer.connect() as con:  # nothing was written
        assert con.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 1
    writer.dispose()


@pytest.mark.parametrize("engine_name", ["postgresql", "mariadb"])
def test_slow_statement_hits_the_timeout(databases: dict[str, str], engine_name: str) -> None:
    url = databases[engine_name]
    engine = create_source_engine(url, statement_timeout_s=1)
    try:
        started = time.monotonic()
        error = _error_of(engine, SLEEP_SQL[engine_name])
        elapsed = time.monotonic() - started
        with engine.connect() as con:  # the pooled connection is still usable
            assert con.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
    assert elapsed < 4.5, f"the 5 s sleep was not cut short ({elapsed:.1f} s)"
    message = describe_db_error(error, url)
    assert message == (f"query took longer than 1 s and was cancelled (statement timeout) "
                       f"on {mask_url(url)}")


def test_sqlite_slow_statement_is_interrupted(databases: dict[str, str]) -> None:
    """SQLite has no timeout setting: the engine's progress handler enforces one."""
    url = databases["sqlite"]
    engine = create_source_engine(url, statement_timeout_s=0.5)
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 2000000000) SELECT count(*) FROM n")
    try:
        error = _error_of(engine, endless)
        with engine.connect() as con:  # a fast statement right after is not affected
            assert con.execute(sa.text("SELECT a FROM t")).scalar_one() == 1
    finally:
        engine.dispose()
    assert describe_db_error(error, url) == (
        f"query took longer than 0.5 s and was cancelled (statement timeout) on {mask_url(url)}")


@pytest.fixture(scope="module")
def mariadb_user(mariadb_db: ScratchDatabase) -> Iterator[str]:
    """A dedicated MariaDB user with password SECRET, allowed to read the scratch db."""
    user = unique_name("sl")[:32]
    admin = admin_engine(MARIADB)
    with admin.connect() as con:
        for host in ("127.0.0.1", "localhost", "%"):
            con.execute(sa.text(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{SECRET}'"))
            con.execute(sa.text(f"GRANT SELECT ON `{mariadb_db.name}`.* TO '{user}'@'{host}'"))
    try:
        yield user
    finally:
        with admin.connect() as con:
            for host in ("127.0.0.1", "localhost", "%"):
                con.execute(sa.text(f"DROP USER IF EXISTS '{user}'@'{host}'"))
        admin.dispose()


def _mariadb_url(user: str, password: str, database: str) -> str:
    url = MARIADB.url.set(username=user, password=password, database=database)
    return url.render_as_string(hide_password=False)


def test_mariadb_user_with_right_password_connects(mariadb_user: str,
                                                   mariadb_db: ScratchDatabase) -> None:
    source = open_url(_mariadb_url(mariadb_user, SECRET, mariadb_db.name))
    source.dispose()


@pytest.mark.parametrize("who", ["dedicated_user", "root"])
def test_wrong_password_is_access_denied(mariadb_user: str, mariadb_db: ScratchDatabase,
                                         who: str) -> None:
    """root has an empty password, so any password is wrong for it too."""
    user = mariadb_user if who == "dedicated_user" else str(MARIADB.url.username)
    wrong = SECRET + "-wrong"
    url = _mariadb_url(user, wrong, mariadb_db.name)
    with pytest.raises(SourceError) as caught:
        open_url(url)
    message = str(caught.value)
    where = f"{MARIADB.url.host}:{MARIADB.url.port}"
    assert message == (f"access denied for user '{user}' at {where}: wrong user name or "
                       f"password ({mask_url(url)})")
    assert ":***@" in message
    _assert_one_line_without_secret(message, wrong)


def _closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("server", [POSTGRES, MARIADB], ids=["postgresql", "mariadb"])
def test_closed_port_is_connection_refused(server: Server) -> None:
    port = _closed_port()
    url = server.url.set(host="127.0.0.1", port=port, password=SECRET)
    text = url.render_as_string(hide_password=False)
    with pytest.raises(SourceError) as caught:
        open_url(text)
    message = str(caught.value)
    assert message == (f"connection refused by 127.0.0.1:{port}: is the server running? "
                       f"({mask_url(text)})")
    _assert_one_line_without_secret(message)


@pytest.mark.parametrize("server", [POSTGRES, MARIADB], ids=["postgresql", "mariadb"])
def test_missing_database_is_named(server: Server) -> None:
    missing = unique_name("stocklens_missing")
    url = server.url.set(database=missing)
    text = url.render_as_string(hide_password=False)
    with pytest.raises(SourceError) as caught:
        open_url(text)
    where = f"{url.host}:{url.port}"
    assert str(caught.value) == (f"database '{missing}' does not exist on {where} "
                                 f"({mask_url(text)})")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"nosuchdb://me:{SECRET}@db.example/sales",
         "unknown database driver 'nosuchdb' in nosuchdb://me:***@db.example/sales "
         "(known: postgresql, mysql, mariadb, sqlite, duckdb, trino, hive)"),
        (f"postgresql+nosuchdriver://me:{SECRET}@db.example/sales",
         "unknown database driver 'postgresql+nosuchdriver' in "
         "postgresql+nosuchdriver://me:***@db.example/sales "
         "(known: postgresql, mysql, mariadb, sqlite, duckdb, trino, hive)"),
        (f"postgres//me:{SECRET}@db.example/sales",
         "not a database URL: postgres//me:***@db.example/sales "
         "(expected e.g. postgresql+psycopg://user:password@host:5432/database)"),
        ("just some text",
         "not a database URL: just some text "
         "(expected e.g. postgresql+psycopg://user:password@host:5432/database)"),
        (f"mssql+pyodbc://me:{SECRET}@db.example/sales",
         "the Python driver for mssql+pyodbc (module 'pyodbc') is not installed: "
         "mssql+pyodbc://me:***@db.example/sales"),
    ],
    ids=["unknown_dialect", "unknown_driver", "missing_colon", "not_a_url", "not_installed"],
)
def test_bad_url_gives_a_clear_line(url: str, expected: str) -> None:
    with pytest.raises(SourceError) as caught:
        open_url(url)
    assert str(caught.value) == expected
    _assert_one_line_without_secret(str(caught.value))


@pytest.mark.parametrize("scheme", ["duckdb", "sqlite"])
def test_missing_database_file_is_named(tmp_path: Path, scheme: str) -> None:
    """Read-only opening never creates an empty database in place of a mistyped path."""
    path = tmp_path / f"missing.{scheme}"
    url = f"{scheme}:///{path}"
    with pytest.raises(SourceError) as caught:
        open_url(url)
    assert str(caught.value) == f"database file not found or not readable: {path} ({url})"
    assert not path.exists()


def test_timeout_is_named_even_without_the_engine(databases: dict[str, str]) -> None:
    """describe_db_error also takes the limit explicitly (for errors from elsewhere)."""
    url = databases["postgresql"]
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                              connect_args={"options": "-c statement_timeout=200"})
    try:
        error = _error_of(engine, "SELECT pg_sleep(1)")
    finally:
        engine.dispose()
    assert describe_db_error(error, url, statement_timeout_s=0.2).startswith(
        "query took longer than 0.2 s and was cancelled")
    assert describe_db_error(error, url).startswith(
        "query took longer than the statement timeout and was cancelled")
