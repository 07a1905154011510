"""The executive board in a real browser: load, filter, share the URL, switch language."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from components.filters.filter_state import BoardFilters
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.service_support import run_query

pytestmark = pytest.mark.browser


def choose_option(dash_duo, dropdown_id: str, label: str) -> None:
    """Open a Dash 4 dropdown and tick the option with this label."""
    dash_duo.find_element(f"#{dropdown_id}").click()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    next(o for o in options if o.text.strip() == label).click()
    dash_duo.find_element("body").send_keys("\ue00c")  # Escape closes the menu


def settle(dash_duo) -> None:
    """Wait until no callback is in flight, so the test server is not stopped under one."""
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)


def expected_revenue(db: Path, region: str | None) -> str:
    """The revenue card text computed without the app: metrics layer + formatter."""
    source = open_duckdb(db)
    try:
        start, end = BoardFilters().period(source.date_range()[1])
        where = {"region": [region]} if region else {}
        value = run_query(source, MetricQuery.create(["revenue"], start, end, where=where))
        return format_value("revenue", value.iloc[0]["revenue"], "en")
    finally:
        source.dispose()


def test_filter_changes_numbers_and_url_reopens_the_view(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    all_regions = expected_revenue(demo_db, None)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", all_regions, timeout=30)

    region = open_duckdb(demo_db).distinct_values("location", "region")[0]
    choose_option(dash_duo, "ov-filter-region", region)
    one_region = expected_revenue(demo_db, region)
    assert one_region != all_regions
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", one_region, timeout=30)

    # the filter is in the address bar, and that address reopens the same view
    url = dash_duo.driver.current_url
    assert parse_qs(urlparse(url).query)["region"] == [region]
    dash_duo.driver.get(url)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", one_region, timeout=30)
    assert dash_duo.find_element("#ov-filter-region").text.strip() == region

    settle(dash_duo)
    errors = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert errors == []


def test_language_switch_and_lang_parameter(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_text_to_equal(".page-title", "Executive overview", timeout=30)
    dash_duo.find_element("#lang-switch").click()
    dash_duo.wait_for_text_to_equal(".page-title", "经营总览", timeout=30)
    dash_duo.wait_for_text_to_equal(".kpi-card .kpi-title", "销售额", timeout=30)
    # ?lang= wins over the remembered choice (wall screens are configured by URL)
    dash_duo.driver.get(dash_duo.server_url + "/?lang=en")
    dash_duo.wait_for_text_to_equal(".page-title", "Executive overview", timeout=30)
    dash_duo.wait_for_text_to_equal(".kpi-card .kpi-title", "Revenue", timeout=30)
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_filters_matching_nothing_show_an_empty_state_and_dashes(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    # a valid custom period that lies before the demo data begins
    dash_duo.driver.get(dash_duo.server_url + "/?preset=custom&start=2020-01-01&end=2020-01-31")
    dash_duo.wait_for_text_to_equal("#ov-notice .alert", "No data matches these filters.",
                                    timeout=30)
    assert dash_duo.find_element("#kpi-value-revenue").text == "¥0"
    assert dash_duo.find_element("#kpi-value-turnover").text == "—"  # no stock: undefined
    assert dash_duo.find_element("#kpi-value-inventory_value").text == "—"  # no snapshot yet
    assert "No data" in dash_duo.find_element("#ov-trend").text
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
