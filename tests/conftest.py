"""Shared fixtures: a small demo database built once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data_connectors.demo.generator import generate_demo


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo data at a reduced scale (same behaviour, fewer SKUs and stores)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    generate_demo(path, scale=0.25, seed=7)
    return path


@pytest.fixture(autouse=True)
def state_db(tmp_path_factory: pytest.TempPathFactory,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own empty app-state database (threshold overrides, …), so no
    test reads or writes the real data/ folder, and none sees another's saves. After the
    test, `status` is back on the registry defaults (create_app installs the provider)."""
    from app_state.db import STATE_DB_ENV
    from metrics.thresholds import set_threshold_provider

    path = tmp_path_factory.mktemp("state") / "stocklens-state.sqlite"
    monkeypatch.setenv(STATE_DB_ENV, str(path))
    monkeypatch.setenv("STOCKLENS_FORECAST_JOB", "off")  # tests forecast when they mean to
    monkeypatch.setenv("STOCKLENS_ALERTS", "off")  # and run the alert scheduler when they do
    yield path
    set_threshold_provider(None)
