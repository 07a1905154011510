"""The inventory-age, slow-mover and ABC pages in a real browser: the numbers on screen
are the metrics layer's, their options change them, and a URL reopens the same view."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from components.filters.filter_state import BoardFilters
from components.grids.metric_grid import row_count_text
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.service_support import run_query

pytestmark = pytest.mark.browser

BEFORE_THE_DATA = "preset=custom&start=2020-01-01&end=2020-01-31"
EMPTY = "No data matches these filters."


def settle(dash_duo) -> None:
    """Wait until no callback is in flight, so the test server is not stopped under one."""
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)


def no_severe_errors(dash_duo) -> None:
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def run(db: Path, metrics: list[str], by: list[str] = (), **options) -> object:
    """A query over the default period (the last 90 days of the data), without the app."""
    source = open_duckdb(db)
    try:
        start, end = BoardFilters().period(source.date_range()[1])
        return run_query(source, MetricQuery.create(metrics, start, end, by=list(by),
                                                    **options))
    finally:
        source.dispose()


def dead_stock_rows(db: Path, days: int) -> int:
    return len(run(db, ["inventory_value", "dead_stock_value"], ["sku", "location"],
                   having=[("dead_stock_value", ">", 0)], dead_stock_days=days))


def a_count(db: Path, cut_a: float) -> int:
    frame = run(db, ["cogs"], ["abc_class", "sku"], abc_cuts=(cut_a, 0.95))
    return int((frame["abc_class"] == "A").sum())


def type_into(dash_duo, selector: str, text: str) -> None:
    """Replace an input's text and press Enter (the inputs apply on Enter or blur)."""
    box = dash_duo.find_element(selector)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)
    box.send_keys(text + Keys.ENTER)


def click_option(dash_duo, group_id: str, label: str) -> None:
    labels = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{group_id} label")
    next(e for e in labels if e.text.strip() == label).click()


def page_params(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def test_ageing_page_shows_the_metrics_layer_numbers(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/ageing")
    totals = run(demo_db, ["aged_value", "aged_units", "average_age_days",
                           "units_older_than_data"]).iloc[0]
    for metric in ("aged_value", "aged_units", "average_age_days", "units_older_than_data"):
        dash_duo.wait_for_text_to_equal(f"#age-kpi-{metric}",
                                        format_value(metric, totals[metric], "en"), timeout=30)
    oldest = run(demo_db, ["aged_units", "average_age_days"], ["sku", "location"],
                 having=[("aged_units", ">", 0)], sort=[("average_age_days", True)], limit=500)
    dash_duo.wait_for_text_to_equal("#age-grid .sl-grid-count",
                                    row_count_text(len(oldest), "en"), timeout=30)

    # other bucket bounds: the axis shows their buckets, the URL keeps them
    type_into(dash_duo, "#age-bounds", "60,x")
    dash_duo.wait_for_contains_text("#age-bounds-feedback", "not a whole number", timeout=30)
    type_into(dash_duo, "#age-bounds", "7,30")
    dash_duo.wait_for_text_to_equal("#age-value .xtick text", "0-7", timeout=30)
    ticks = [e.text for e in dash_duo.find_elements("#age-value .xtick text")]
    assert ticks == ["0-7", "8-30", ">30"]
    assert dash_duo.find_element("#age-bounds-feedback").text == ""
    click_option(dash_duo, "age-stack", "Region")
    dash_duo.wait_for_contains_text("#age-units .legend", "East", timeout=30)
    assert page_params(dash_duo) == {"buckets": ["7,30"], "stack": ["region"]}

    dash_duo.driver.get(dash_duo.driver.current_url)  # the shared link
    dash_duo.wait_for_text_to_equal("#age-value .xtick text", "0-7", timeout=30)
    dash_duo.wait_for_contains_text("#age-units .legend", "East", timeout=30)
    assert dash_duo.find_element("#age-bounds").get_attribute("value") == "7,30"
    no_severe_errors(dash_duo)


def test_slow_movers_days_change_the_rows_and_the_url_reopens_them(dash_duo,
                                                                    demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/slow-movers")
    rows_90, rows_180 = dead_stock_rows(demo_db, 90), dead_stock_rows(demo_db, 180)
    assert rows_90 != rows_180
    dash_duo.wait_for_text_to_equal("#slow-kpi-count", f"{rows_90:,}", timeout=30)
    totals = run(demo_db, ["dead_stock_value", "dead_stock_share"]).iloc[0]
    assert dash_duo.find_element("#slow-kpi-value").text == \
        format_value("dead_stock_value", totals["dead_stock_value"], "en")
    assert dash_duo.find_element("#slow-kpi-share").text == \
        format_value("dead_stock_share", totals["dead_stock_share"], "en")
    dash_duo.wait_for_text_to_equal("#slow-grid .sl-grid-count",
                                    row_count_text(rows_90, "en"), timeout=30)

    click_option(dash_duo, "slow-days", "180 days")
    dash_duo.wait_for_text_to_equal("#slow-kpi-count", f"{rows_180:,}", timeout=30)
    dash_duo.wait_for_text_to_equal("#slow-grid .sl-grid-count",
                                    row_count_text(rows_180, "en"), timeout=30)
    assert page_params(dash_duo) == {"days": ["180"]}

    dash_duo.driver.get(dash_duo.server_url + "/slow-movers?days=180")  # a shared link
    dash_duo.wait_for_text_to_equal("#slow-kpi-count", f"{rows_180:,}", timeout=30)
    checked = dash_duo.find_element("#slow-days input:checked")
    assert checked.get_attribute("value") == "180"
    no_severe_errors(dash_duo)


def test_abc_a_cut_changes_the_a_count(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/abc")
    at_80, at_60 = a_count(demo_db, 0.8), a_count(demo_db, 0.6)
    assert at_80 != at_60
    dash_duo.wait_for_text_to_equal("#abc-count-A", f"{at_80:,}", timeout=30)
    frame = run(demo_db, ["cogs"], ["abc_class", "sku"])
    assert dash_duo.find_element("#abc-count-all").text == f"{len(frame):,}"
    a_total = frame.loc[frame["abc_class"] == "A", "cogs"].sum()
    assert format_value("cogs", a_total, "en") in dash_duo.find_element("#abc-measure-A").text

    type_into(dash_duo, "#abc-cut-a", "60")
    dash_duo.wait_for_text_to_equal("#abc-count-A", f"{at_60:,}", timeout=30)
    assert page_params(dash_duo) == {"a": ["60"]}

    # A above B is refused with a message, and the numbers stay
    type_into(dash_duo, "#abc-cut-a", "97")
    dash_duo.wait_for_contains_text("#abc-cuts-feedback", "0 < A < B ≤ 100", timeout=30)
    assert dash_duo.find_element("#abc-count-A").text == f"{at_60:,}"
    assert page_params(dash_duo) == {"a": ["60"]}

    dash_duo.driver.get(dash_duo.server_url + "/abc?a=60")  # a shared link
    dash_duo.wait_for_text_to_equal("#abc-count-A", f"{at_60:,}", timeout=30)
    assert dash_duo.find_element("#abc-cut-a").get_attribute("value") == "60"
    no_severe_errors(dash_duo)


def test_a_period_before_the_data_shows_the_empty_state(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(f"{dash_duo.server_url}/ageing?{BEFORE_THE_DATA}")
    dash_duo.wait_for_text_to_equal("#age-notice .alert", EMPTY, timeout=30)
    assert dash_duo.find_element("#age-kpi-aged_value").text == "—"
    assert dash_duo.find_element("#age-kpi-average_age_days").text == "—"
    dash_duo.wait_for_contains_text("#age-value", "No data", timeout=30)

    dash_duo.driver.get(f"{dash_duo.server_url}/slow-movers?{BEFORE_THE_DATA}")
    dash_duo.wait_for_text_to_equal("#slow-notice .alert", EMPTY, timeout=30)
    assert dash_duo.find_element("#slow-kpi-count").text == "0"
    assert dash_duo.find_element("#slow-kpi-share").text == "—"  # no stock: undefined

    dash_duo.driver.get(f"{dash_duo.server_url}/abc?{BEFORE_THE_DATA}")
    dash_duo.wait_for_text_to_equal("#abc-notice .alert", EMPTY, timeout=30)
    assert dash_duo.find_element("#abc-count-A").text == "0"
    dash_duo.wait_for_contains_text("#abc-pareto", "No data", timeout=30)
    no_severe_errors(dash_duo)


def test_pages_speak_chinese(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    for path, title in (("/ageing", "库龄分析"), ("/slow-movers", "滞销与呆滞"),
                        ("/abc", "ABC分析")):
        dash_duo.driver.get(f"{dash_duo.server_url}{path}?lang=zh")
        dash_duo.wait_for_text_to_equal(".page-title", title, timeout=30)
        dash_duo.wait_for_element(".insight-kpis .kpi-value", timeout=30)
        settle(dash_duo)
        kpis = dash_duo.find_element(".insight-kpis").text
        assert "Class" not in kpis and "SKU-locations" not in kpis and "Aged" not in kpis
    assert "A类" in dash_duo.find_element("#abc-cards").text
    no_severe_errors(dash_duo)


def test_clicking_a_category_bar_filters_the_slow_movers_page(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/slow-movers")
    dash_duo.wait_for_text_to_equal("#slow-kpi-count", f"{dead_stock_rows(demo_db, 90):,}",
                                    timeout=30)
    bar = dash_duo.wait_for_element("#slow-by-category .point path", timeout=30)
    settle(dash_duo)
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()  # as a mouse does
    WebDriverWait(dash_duo.driver, 30).until(lambda _: page_params(dash_duo).get("category"))
    chosen = page_params(dash_duo)["category"]
    assert len(chosen) == 1
    expected = len(run(demo_db, ["dead_stock_value"], ["sku", "location"],
                       where={"category": chosen}, having=[("dead_stock_value", ">", 0)]))
    dash_duo.wait_for_text_to_equal("#slow-kpi-count", f"{expected:,}", timeout=30)
    assert dash_duo.find_element("#slow-filter-category").text.strip() == chosen[0]
    no_severe_errors(dash_duo)
