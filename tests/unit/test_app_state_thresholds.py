"""Threshold overrides in the app-state database: round trip, all-or-nothing saves, resets,
the change counter, and a save seen at once by another reader (another process too)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app_state import db
from app_state.thresholds import (
    InvalidThresholds,
    ThresholdChange,
    current_threshold_set,
    install,
    load_threshold_set,
    reset,
    save_threshold,
    save_thresholds,
    thresholds,
)
from metrics.registry import Thresholds
from metrics.thresholds import NO_OVERRIDES, status

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> int:
    with db.state_engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(thresholds)).scalar_one())


def _version() -> int:
    with db.state_engine().connect() as conn:
        return db.read_version(conn, "thresholds")


def test_the_state_database_lives_in_the_data_folder_unless_moved(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, state_db: Path | str) -> None:
    # the test fixture's own file (None: its PostgreSQL database, STOCKLENS_TEST_STATE_DB)
    assert db.state_path() == (state_db if isinstance(state_db, Path) else None)
    monkeypatch.delenv(db.STATE_DB_ENV)
    monkeypatch.setattr(db.paths, "DATA_DIR", tmp_path)
    assert db.state_path() == tmp_path / "stocklens-state.sqlite"
    assert load_threshold_set() == NO_OVERRIDES  # opening creates the file and its tables
    assert (tmp_path / "stocklens-state.sqlite").is_file()


def test_round_trip_of_global_and_category_overrides(state_db: Path | str) -> None:
    save_threshold("turnover_days", None, 30, 50)
    save_threshold("turnover_days", "Snacks", 20, 28.5)
    save_threshold("sell_through", "Snacks", 0.75, 0.55)
    save_threshold("turnover_days", None, 31, 52)  # replaces, never duplicates
    loaded = load_threshold_set()
    assert loaded.global_overrides == {"turnover_days": Thresholds(31.0, 52.0)}
    assert loaded.category_overrides == {"Snacks": {"turnover_days": Thresholds(20.0, 28.5),
                                                    "sell_through": Thresholds(0.75, 0.55)}}
    assert loaded.categories_overriding("turnover_days") == ["Snacks"]
    assert _rows() == 3
    assert not isinstance(state_db, Path) or state_db.is_file()


def test_a_save_with_any_problem_stores_nothing() -> None:
    with pytest.raises(InvalidThresholds) as raised:
        save_thresholds([ThresholdChange("turnover_days", None, 30, 50),
                         ThresholdChange("sell_through", None, 0.4, 0.6),
                         ThresholdChange("received_units", None, 1, 2)])
    assert raised.value.problems == [
        "Sell-through: higher is better, so the target (40%) must be at least the alert "
        "level (60%).",
        "Units received: has no better direction, so it cannot have thresholds."]
    assert load_threshold_set() == NO_OVERRIDES
    assert _version() == 0


def test_reset_one_metric_one_category_or_all() -> None:
    save_thresholds([ThresholdChange("turnover_days", None, 30, 50),
                     ThresholdChange("turnover_days", "Snacks", 20, 30),
                     ThresholdChange("turnover_days", "Dairy", 25, 40),
                     ThresholdChange("gmroi", None, 4, 3),
                     ThresholdChange("gmroi", "Snacks", 5, 4)])
    assert reset("turnover_days", None) == 1  # the global one only
    assert "turnover_days" not in load_threshold_set().global_overrides
    assert load_threshold_set().categories_overriding("turnover_days") == ["Dairy", "Snacks"]
    assert reset(category="Snacks") == 2  # everything of one category
    assert load_threshold_set().category_overrides == {
        "Dairy": {"turnover_days": Thresholds(25, 40)}}
    assert reset("turnover_days") == 1  # one metric, every scope
    assert reset() == 1  # all that is left: the global gmroi
    assert load_threshold_set() == NO_OVERRIDES
    assert reset() == 0


def test_every_change_moves_the_counter_and_readers_reload_only_then() -> None:
    first = current_threshold_set()
    assert current_threshold_set() is first  # nothing changed: the cached set
    save_threshold("gmroi", None, 4, 3)
    assert _version() == 1
    second = current_threshold_set()
    assert second.global_overrides == {"gmroi": Thresholds(4, 3)}
    reset("gmroi", None)
    assert _version() == 2 and current_threshold_set() == NO_OVERRIDES


def test_status_sees_a_save_at_once() -> None:
    install()
    assert status("turnover_days", 40.0) == "warn"  # default ≤ 35 good, > 60 bad
    save_threshold("turnover_days", None, 45, 90)
    assert status("turnover_days", 40.0) == "good"
    save_threshold("turnover_days", "Snacks", 20, 30)
    assert status("turnover_days", 40.0, None, "Snacks") == "bad"
    assert status("turnover_days", 40.0, None, "Dairy") == "good"
    reset()
    assert status("turnover_days", 40.0, None, "Snacks") == "warn"


def test_a_save_by_another_process_is_seen_by_the_next_call(state_db: Path) -> None:
    install()
    assert status("sell_through", 0.6) == "warn"  # caches the (empty) set in this process
    code = ("from app_state.thresholds import save_threshold; "
            "save_threshold('sell_through', None, 0.55, 0.4)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env={"STOCKLENS_STATE_DB": str(state_db), "PATH": "/usr/bin:/bin"})
    assert status("sell_through", 0.6) == "good"


def test_an_unreadable_state_database_leaves_the_defaults(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(db.STATE_DB_ENV, str(tmp_path))  # a folder, not a database file
    install()
    assert current_threshold_set() == NO_OVERRIDES
    assert status("turnover_days", 40.0) == "warn"
