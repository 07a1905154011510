"""Fixtures for the integration tests: a scratch database on each real server (per
session), and the demo registry and app that the API and auth tests attack (per module).

Each scratch database has a unique name (stocklens_<pid>_<random>) so concurrent runs on
one machine never collide, and is dropped when the session ends. A server that cannot be
reached fails the tests that need it with a hint (see tests/integration/servers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dash
import pytest

from app import create_app
from data_connectors.registry import SourceRegistry
from tests.integration.api_support import demo_registry
from tests.integration.servers import (
    MARIADB,
    POSTGRES,
    ScratchDatabase,
    Server,
    create_database,
    drop_database,
    require_reachable,
)
from tests.integration.spark_support import external_url, start_cluster, stop_cluster
from tests.integration.timings import DEPLOYMENTS, ENGINE_TIMINGS


def _scratch(server: Server) -> Iterator[ScratchDatabase]:
    require_reachable(server)
    db = create_database(server)
    try:
        yield db
    finally:
        drop_database(db)


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[ScratchDatabase]:
    """A fresh, empty PostgreSQL database for this session."""
    yield from _scratch(POSTGRES)


@pytest.fixture(scope="session")
def mariadb_db() -> Iterator[ScratchDatabase]:
    """A fresh, empty MariaDB database (utf8mb4) for this session."""
    yield from _scratch(MARIADB)


@pytest.fixture(scope="session")
def spark_server() -> Iterator[str]:
    """The URL (hive://host:port) of a Spark Thrift Server: scripts/spark_cluster.sh's
    local cluster, started here and stopped when the session ends (unless it was already
    running, or $STOCKLENS_TEST_SPARK_URL names another server)."""
    given = external_url()
    if given:
        yield given
        return
    started = start_cluster()
    try:
        yield "hive://127.0.0.1:10000"
    finally:
        if started:
            stop_cluster()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for deployment in DEPLOYMENTS:
        terminalreporter.section("two-host deployment")
        terminalreporter.write_line(f"hosts: {deployment}")
    if ENGINE_TIMINGS:
        terminalreporter.section("engine parity: metric query wall time per engine")
        for engine, seconds in ENGINE_TIMINGS.items():
            terminalreporter.write_line(f"{engine:<12} {seconds:8.2f} s")


@pytest.fixture(scope="module")
def registry(demo_db: Path) -> Iterator[SourceRegistry]:
    """The demo fixture as the app's only source (one per test module). Its connections
    are closed afterwards: DuckDB refuses a second connection to a file with another
    configuration (a test's own duckdb.connect) while one stays open in the process."""
    found = demo_registry(demo_db)
    yield found
    found.dispose()


@pytest.fixture(scope="module")
def app(registry: SourceRegistry) -> dash.Dash:
    """The whole app on that registry, as the server runs it (one per test module)."""
    return create_app(registry=registry)
