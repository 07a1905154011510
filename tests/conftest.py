"""Shared fixtures: a small demo database built once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_connectors.demo.generator import generate_demo
from tests import state_support
from tests.integration.servers import ScratchDatabase, require_reachable

# No background threads in apps the tests build: a module-scoped app fixture is made before
# any test's own settings, and its forecast job would write into whichever state database
# the test running at that moment uses. Tests forecast and run alerts when they mean to.
os.environ["STOCKLENS_FORECAST_JOB"] = "off"
os.environ["STOCKLENS_ALERTS"] = "off"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo data at a reduced scale (same behaviour, fewer SKUs and stores)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate_demo(path, scale=0.25, seed=7)
    return path


@pytest.fixture(scope="session")
def state_template() -> Iterator[ScratchDatabase | None]:
    """With $STOCKLENS_TEST_STATE_DB: a PostgreSQL database at this code's revision that
    each test's state database is copied from (tests/state_support.py); else None."""
    server = state_support.state_server()
    if server is None:
        yield None
        return
    require_reachable(server)
    template = state_support.migrated_template(server)
    try:
        yield template
    finally:
        state_support.drop_database(template)


@pytest.fixture(autouse=True)
def state_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
             state_template: ScratchDatabase | None) -> Iterator[Path | str]:
    """Every test gets its own empty app-state database (threshold overrides, …), so no
    test reads or writes the real data/ folder, and none sees another's saves: a new
    SQLite file (its Path), or with $STOCKLENS_TEST_STATE_DB a new PostgreSQL database
    (its URL, a str). After the test, `status` is back on the registry defaults
    (create_app installs the provider)."""
    from app_state.db import STATE_DB_ENV, close_state_engine
    from metrics.thresholds import set_threshold_provider

    monkeypatch.setenv("STOCKLENS_FORECAST_JOB", "off")  # tests forecast when they mean to
    monkeypatch.setenv("STOCKLENS_ALERTS", "off")  # and run the alert scheduler when they do
    if state_template is None:
        path = tmp_path_factory.mktemp("state") / "stocklens-state.sqlite"
        monkeypatch.setenv(STATE_DB_ENV, str(path))
        yield path
        set_threshold_provider(None)
        return
    database = state_support.copy_of(state_template)
    monkeypatch.setenv(STATE_DB_ENV, database.url)
    try:
        yield database.url
    finally:
        set_threshold_provider(None)
        close_state_engine()
        state_support.drop_database(database)
