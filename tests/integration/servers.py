"""The real database servers the integration tests use, and scratch databases on them.

Tests never mock a server and never skip: a server that cannot be reached is a failure
that says how to fix it (scripts/ensure_services.sh, which `make test` runs first).
Addresses default to the local test services and can be overridden with environment
variables (STOCKLENS_TEST_POSTGRES_URL, STOCKLENS_TEST_MARIADB_URL: admin URLs whose user
may create databases and users).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass

import pytest
import sqlalchemy as sa


@dataclass(frozen=True)
class Server:
    label: str
    admin_url: str  # a superuser connection to an existing database

    @property
    def url(self) -> sa.URL:
        return sa.engine.make_url(self.admin_url)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()


POSTGRES = Server("PostgreSQL", os.environ.get(
    "STOCKLENS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
MARIADB = Server("MariaDB", os.environ.get(
    "STOCKLENS_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"))
SERVERS = {"postgresql": POSTGRES, "mariadb": MARIADB}


def require_reachable(server: Server) -> None:
    """Fail (not skip) with a fixing hint unless the server answers a query."""
    url = server.url
    where = f"{url.host}:{url.port}"
    hint = f"{server.label} is not reachable at {where} — run scripts/ensure_services.sh"
    try:
        socket.create_connection((url.host, url.port), timeout=5).close()
    except OSError as exc:
        pytest.fail(f"{hint} ({exc})", pytrace=False)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as exc:
        pytest.fail(f"{hint} ({str(exc.orig).splitlines()[0]})", pytrace=False)
    finally:
        engine.dispose()


def admin_engine(server: Server) -> sa.Engine:
    """Autocommit connections: CREATE/DROP DATABASE cannot run inside a transaction."""
    return sa.create_engine(server.url, poolclass=sa.pool.NullPool,
                            isolation_level="AUTOCOMMIT")


def unique_name(prefix: str = "stocklens") -> str:
    """A name no concurrent test run uses: process id plus random hex (lower case, so it
    needs no quoting on any server)."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"


@dataclass(frozen=True)
class ScratchDatabase:
    """A database created for this test session and dropped at its end."""

    server: Server
    name: str

    @property
    def url(self) -> str:
        """A writable URL (the admin user) of the scratch database, password included."""
        return self.server.url.set(database=self.name).render_as_string(hide_password=False)

    def writable_engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)


def create_database(server: Server) -> ScratchDatabase:
    name = unique_name()
    engine = admin_engine(server)
    with engine.connect() as con:
        if server.backend == "postgresql":
            con.execute(sa.text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
        else:
            con.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    engine.dispose()
    return ScratchDatabase(server, name)


def drop_database(db: ScratchDatabase) -> None:
    engine = admin_engine(db.server)
    with engine.connect() as con:
        if db.server.backend == "postgresql":  # FORCE: ends connections a test leaked
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)'))
        else:
            con.execute(sa.text(f"DROP DATABASE IF EXISTS `{db.name}`"))
    engine.dispose()
