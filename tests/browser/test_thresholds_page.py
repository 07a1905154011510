"""The thresholds page in a real browser: edit, save, see the board's card change, reset;
a category's own thresholds on a board filtered to it; invalid input saves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from app_state.thresholds import load_threshold_set
from components.filters.filter_state import BoardFilters
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from metrics.registry import Thresholds
from metrics.thresholds import NO_OVERRIDES, status
from tests.browser.test_board import choose_option, settle
from tests.service_support import run_query

pytestmark = pytest.mark.browser

BADGE = ".kpi-card:has(#kpi-value-turnover_days) .kpi-badge"
TARGET = ".kpi-card:has(#kpi-value-turnover_days) .kpi-target"
ROW = "#thr-row-turnover_days"


def board_turnover_days(db: Path, category: str | None = None) -> float:
    """The turnover-days card's value on the default board, computed without the app."""
    source = open_duckdb(db)
    try:
        start, end = BoardFilters().period(source.date_range()[1])
        where = {"category": [category]} if category else {}
        frame = run_query(source, MetricQuery.create(["turnover_days"], start, end, where=where))
        return float(frame.iloc[0]["turnover_days"])
    finally:
        source.dispose()


def first_category(db: Path) -> str:
    source = open_duckdb(db)
    try:
        return source.distinct_values("sku", "category")[0]
    finally:
        source.dispose()


def type_into(dash_duo, css: str, text: str) -> None:
    field = dash_duo.find_element(css)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)
    field.send_keys(text)


def open_page(dash_duo, path: str, ready_css: str) -> None:
    settle(dash_duo)  # never leave a callback running under a navigation
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(ready_css, timeout=30)


def set_turnover_days(dash_duo, good: str, bad: str) -> None:
    type_into(dash_duo, f"{ROW} input[name=turnover_days-good]", good)
    type_into(dash_duo, f"{ROW} input[name=turnover_days-bad]", bad)
    dash_duo.wait_for_text_to_equal("#thr-edited", "Unsaved changes: 1", timeout=10)
    dash_duo.find_element("#thr-save").click()


def no_browser_errors(dash_duo) -> None:
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_saved_threshold_changes_the_board_and_reset_restores_it(dash_duo, demo_db) -> None:
    days = board_turnover_days(demo_db)
    assert 35 < days <= 60 and status("turnover_days", days) == "warn"  # the demo's: Watch
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_text_to_equal(BADGE, "Watch", timeout=30)

    open_page(dash_duo, "/thresholds", ROW)
    assert dash_duo.find_element(f"{ROW} .thr-origin").text == "Default"
    set_turnover_days(dash_duo, "1000", "2000")
    dash_duo.wait_for_text_to_equal(
        "#thr-outcome", "Saved for All categories: Turnover days. In use everywhere now.",
        timeout=30)
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", "All categories", timeout=30)
    assert load_threshold_set().global_overrides == {"turnover_days": Thresholds(1000, 2000)}

    open_page(dash_duo, "/", "#kpi-value-turnover_days")
    dash_duo.wait_for_text_to_equal(BADGE, "On target", timeout=30)
    assert dash_duo.find_element(TARGET).text == "Target ≤ 1,000 days · alert > 2,000 days"

    open_page(dash_duo, "/thresholds", f"{ROW} .thr-reset")
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", "All categories", timeout=30)
    dash_duo.find_element(f"{ROW} .thr-reset").click()
    dash_duo.wait_for_text_to_equal(
        "#thr-outcome", "Turnover days: the threshold set for All categories was removed.",
        timeout=30)
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", "Default", timeout=30)
    assert dash_duo.find_element(f"{ROW} input[name=turnover_days-good]") \
        .get_attribute("value") == "35"
    assert load_threshold_set() == NO_OVERRIDES

    open_page(dash_duo, "/", "#kpi-value-turnover_days")
    dash_duo.wait_for_text_to_equal(BADGE, "Watch", timeout=30)
    assert dash_duo.find_element(TARGET).text == "Target ≤ 35.0 days · alert > 60.0 days"
    no_browser_errors(dash_duo)


def test_category_thresholds_judge_a_board_of_that_category(dash_duo, demo_db) -> None:
    category = first_category(demo_db)
    assert status("turnover_days", board_turnover_days(demo_db, category)) == "warn"
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    open_page(dash_duo, "/thresholds", ROW)
    choose_option(dash_duo, "thr-scope", category)
    dash_duo.wait_for_contains_text("#thr-scope-hint", f"filtered to {category} alone",
                                    timeout=30)
    set_turnover_days(dash_duo, "1000", "2000")
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", f"{category} only", timeout=30)
    assert load_threshold_set().category_overrides == {
        category: {"turnover_days": Thresholds(1000, 2000)}}

    open_page(dash_duo, f"/?category={category}", "#kpi-value-turnover_days")
    dash_duo.wait_for_text_to_equal(BADGE, "On target", timeout=30)
    assert dash_duo.find_element(TARGET).text == \
        f"Target ≤ 1,000 days · alert > 2,000 days · {category}"
    open_page(dash_duo, "/", "#kpi-value-turnover_days")  # all categories: the default
    dash_duo.wait_for_text_to_equal(BADGE, "Watch", timeout=30)

    open_page(dash_duo, f"/thresholds?category={category}", f"{ROW} .thr-reset")
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", f"{category} only", timeout=30)
    dash_duo.find_element("#thr-reset-all-btn").click()
    WebDriverWait(dash_duo.driver, 10).until(ec.alert_is_present())
    dash_duo.driver.switch_to.alert.accept()
    dash_duo.wait_for_text_to_equal(
        "#thr-outcome", f"Every threshold set for {category} was removed (1).", timeout=30)
    dash_duo.wait_for_text_to_equal(f"{ROW} .thr-origin", "Default", timeout=30)
    assert load_threshold_set() == NO_OVERRIDES
    no_browser_errors(dash_duo)


def test_invalid_input_is_explained_and_nothing_is_saved(dash_duo, demo_db) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    open_page(dash_duo, "/thresholds", ROW)
    type_into(dash_duo, f"{ROW} input[name=turnover_days-good]", "abc")
    type_into(dash_duo, "#thr-row-sell_through input[name=sell_through-good]", "40")
    type_into(dash_duo, "#thr-row-gmroi input[name=gmroi-good]", "4")  # valid, yet not saved
    dash_duo.wait_for_text_to_equal("#thr-edited", "Unsaved changes: 3", timeout=10)
    dash_duo.find_element("#thr-save").click()
    dash_duo.wait_for_contains_text("#thr-outcome", "Nothing was saved", timeout=30)
    problems = [li.text for li in dash_duo.find_elements("#thr-outcome li")]
    assert problems == [
        "Turnover days: the target must be a number.",
        "Sell-through: higher is better, so the target (40%) must be at least the alert "
        "level (50%)."]
    marked = {e.get_attribute("name") for e in dash_duo.find_elements("input.is-invalid")}
    assert marked == {"turnover_days-good", "turnover_days-bad", "sell_through-good",
                      "sell_through-bad"}
    assert load_threshold_set() == NO_OVERRIDES
    no_browser_errors(dash_duo)
