"""Drill-down pages in a real browser: category → subcategory → brand → SKU and back with
the breadcrumb and the Back button, a shared URL, an export that equals the grid."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from app import create_app
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.browser.test_board import settle
from tests.browser.test_metric_grid_browser import assert_same_rows, wait_for_file
from tests.service_support import run_query

pytestmark = pytest.mark.browser
GRID = json.dumps({"name": "prod", "type": "metric-grid"}, separators=(",", ":"))


def crumbs(dash_duo) -> list[str]:
    return [li.text for li in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, "#prod-breadcrumb li")]


def wait_crumbs(dash_duo, expected: list[str]) -> None:
    dash_duo.wait_for_text_to_equal("#prod-breadcrumb li:last-child", expected[-1], timeout=30)
    settle(dash_duo)
    assert crumbs(dash_duo) == expected


def grid_rows(dash_duo) -> list[list[object]]:
    """Header + displayed rows (after sort and filter) + totals, through AG Grid's API."""
    return dash_duo.driver.execute_script("""
        const api = dash_ag_grid.getApi(arguments[0]);
        const cols = api.getAllDisplayedColumns().map(c => c.getColId());
        const rows = [cols.map(c => api.getColumnDef(c).headerName)];
        api.forEachNodeAfterFilterAndSort(n => rows.push(cols.map(c => n.data[c])));
        for (let i = 0; i < api.getPinnedBottomRowCount(); i++) {
            rows.push(cols.map(c => api.getPinnedBottomRow(i).data[c]));
        }
        return rows;
    """, GRID)


def visible(dash_duo, css: str):
    element = dash_duo.find_element(css)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def click_row(dash_duo, key: str, column: str) -> None:
    """A click on the grid cell showing `key` (dispatched in the page: Selenium misplaces
    the point inside AG Grid's own scrolling viewport)."""
    row_id = dash_duo.driver.execute_script("""
        let id = null;
        dash_ag_grid.getApi(arguments[0]).forEachNode(n => {
            if (n.data[arguments[1]] === arguments[2]) { id = n.id; } });
        return id;""", GRID, column, key)
    cell = visible(dash_duo, f'.ag-row[row-id="{row_id}"] .ag-cell[col-id="{column}"]')
    dash_duo.driver.execute_script("arguments[0].click()", cell)


def test_drill_to_a_sku_and_back(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    dash_duo.start_server(create_app(source=source))
    dash_duo.driver.get(dash_duo.server_url + "/products")
    wait_crumbs(dash_duo, ["All categories"])

    # the grid holds one row per category
    rows = grid_rows(dash_duo)
    categories = source.distinct_values("sku", "category")
    assert sorted(r[0] for r in rows[1:-1]) == categories

    # 1. a grid row goes one level down
    category = categories[0]
    click_row(dash_duo, category, "category")
    wait_crumbs(dash_duo, ["All categories", category])
    assert "subcategory=" not in dash_duo.driver.current_url
    assert "d_category=" in dash_duo.driver.current_url

    # 2. a bar of the chart goes one more level down (to brands)
    bar = visible(dash_duo, "#prod-level-chart .point")
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    dash_duo.wait_for_contains_text("#prod-level-hint", "Brand", timeout=30)
    subcategory = crumbs(dash_duo)[-1]
    assert len(crumbs(dash_duo)) == 3

    # 3. brand row, then SKU row: a single SKU, broken down by location
    brand = grid_rows(dash_duo)[1][0]
    click_row(dash_duo, brand, "brand")
    dash_duo.wait_for_contains_text("#prod-level-hint", "SKU", timeout=30)
    sku = grid_rows(dash_duo)[1][0]
    click_row(dash_duo, sku, "sku")
    wait_crumbs(dash_duo, ["All categories", category, subcategory, brand, sku])
    dash_duo.wait_for_contains_text("#prod-level-hint", "Location", timeout=30)

    # the SKU's rows by location equal the metrics layer's, and the CSV export equals the grid
    start, end = _period(source)
    want = run_query(source, MetricQuery.create(["revenue"], start, end,
                                                by=["location"], where={"sku": [sku]}))
    shown = grid_rows(dash_duo)
    revenue_col = shown[0].index("Revenue")
    got = {r[0]: r[revenue_col] for r in shown[1:-1]}
    assert got == pytest.approx(dict(zip(want["location"], want["revenue"], strict=True)))
    visible(dash_duo, '[id*="grid-export-csv"]').click()
    text = wait_for_file(Path(dash_duo.download_path) / "prod.csv").decode("utf-8-sig")
    assert_same_rows(list(csv.reader(io.StringIO(text))), shown)

    # a shared URL reopens exactly this view
    url = dash_duo.driver.current_url
    dash_duo.driver.get(url)
    wait_crumbs(dash_duo, ["All categories", category, subcategory, brand, sku])

    # the breadcrumb goes back up ...
    visible(dash_duo, "#prod-breadcrumb li:nth-child(2) button").click()
    wait_crumbs(dash_duo, ["All categories", category])
    # ... and the Back button returns to where we were before it
    dash_duo.driver.back()
    wait_crumbs(dash_duo, ["All categories", category, subcategory, brand, sku])
    dash_duo.driver.back()  # the step before: the brand level
    wait_crumbs(dash_duo, ["All categories", category, subcategory, brand])
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def _period(source) -> tuple:
    from components.filters.filter_state import BoardFilters

    return BoardFilters().period(source.date_range()[1])


def test_cross_filter_and_metric_choice(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    dash_duo.start_server(create_app(source=source))
    dash_duo.driver.get(dash_duo.server_url + "/products?metric=sell_through")
    wait_crumbs(dash_duo, ["All categories"])
    bar = next(p for p in dash_duo.driver.find_elements(By.CSS_SELECTOR,
                                                        "#prod-cross-chart .point"))
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    dash_duo.wait_for_contains_text("#prod-filter-region", "", timeout=30)
    settle(dash_duo)
    chosen = dash_duo.find_element("#prod-filter-region").text.strip()
    assert chosen in source.distinct_values("location", "region")
    assert f"region={chosen}" in dash_duo.driver.current_url
    # every grid number now belongs to that region
    start, end = _period(source)
    want = run_query(source, MetricQuery.create(["sell_through"], start, end, by=["category"],
                                                where={"region": [chosen]}))
    shown = grid_rows(dash_duo)
    col = shown[0].index("Sell-through")
    got = {r[0]: r[col] for r in shown[1:-1]}
    assert got == pytest.approx(dict(zip(want["category"], want["sell_through"], strict=True)))
    assert format_value("sell_through", want["sell_through"].iloc[0], "en").endswith("%")


@pytest.mark.parametrize("page", ["products", "locations", "channels"])
def test_drill_pages_say_when_nothing_matches(dash_duo, demo_db: Path, page: str) -> None:
    dash_duo.start_server(create_app(source=open_duckdb(demo_db)))
    dash_duo.driver.get(f"{dash_duo.server_url}/{page}?preset=custom&start=2020-01-01"
                        "&end=2020-01-31")
    dash_duo.wait_for_contains_text(".grid-empty, [class*=empty]", "No rows match", timeout=30)
    settle(dash_duo)
    assert "No data" in dash_duo.driver.find_element(By.CSS_SELECTOR, "[id$='-level-chart']").text
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
