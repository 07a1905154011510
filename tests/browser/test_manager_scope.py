"""A regional manager signs in and sees only her region: on every page, in every table
and chart, and in every export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from components.filters.filter_state import BoardFilters
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.browser.test_board import settle
from tests.browser.test_login import sign_in
from tests.browser.test_metric_grid_browser import wait_for_file
from tests.integration.auth_support import make_user
from tests.service_support import run_query

pytestmark = pytest.mark.browser


def grid_column(dash_duo, name: str, column: str) -> set[str]:
    """The values of one column over every row of a metric grid (through AG Grid's API)."""
    grid = json.dumps({"name": name, "type": "metric-grid"}, separators=(",", ":"))
    return set(dash_duo.driver.execute_script("""
        const out = [];
        dash_ag_grid.getApi(arguments[0]).forEachNode(n => out.push(String(n.data[arguments[1]])));
        return out;""", grid, column))


def dropdown_choices(dash_duo, dropdown: str) -> list[str]:
    dash_duo.find_element(dropdown).click()
    options = [o.text.strip() for o in dash_duo.driver.find_elements(
        By.CSS_SELECTOR, ".dash-dropdown-option")]
    dash_duo.find_element("body").send_keys("\ue00c")
    return options


def click(dash_duo, css: str) -> None:
    """Scroll to an element and click it in the page (it may be below the fold)."""
    element = dash_duo.find_element(css)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                                   "arguments[0].click()", element)


def open_page(dash_duo, path: str, ready: str) -> None:
    dash_duo.driver.get(dash_duo.server.url + path)
    dash_duo.wait_for_element(ready, timeout=30)
    settle(dash_duo)


def test_a_manager_sees_only_her_region_everywhere(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    regions = source.distinct_values("location", "region")
    mine = regions[0]
    start, end = BoardFilters().period(source.date_range()[1])
    locations = run_query(source, MetricQuery.create(["revenue"], start, end,
                                                     by=["location", "region"]))
    my_locations = set(locations[locations["region"] == mine]["location"])
    categories = run_query(source, MetricQuery.create(
        ["revenue"], start, end, by=["category"], where={"region": [mine]}))
    my_category_revenue = dict(zip(categories["category"], categories["revenue"],
                                   strict=True))
    make_user("mei", "manager", {"region": [mine]})
    dash_duo.start_server(create_app(source=source), navigate=False)  # the login page first
    dash_duo.driver.get(dash_duo.server.url + "/?lang=en")
    sign_in(dash_duo, "mei")

    # the board: only her region to choose from
    open_page(dash_duo, "/", "#kpi-value-revenue")
    assert dropdown_choices(dash_duo, "#ov-filter-region") == [mine]

    # products: every category's numbers are her region's; the region chart has one bar
    open_page(dash_duo, "/products", ".ag-root")
    grid = json.dumps({"name": "prod", "type": "metric-grid"}, separators=(",", ":"))
    shown = dash_duo.driver.execute_script("""
        const out = {};
        dash_ag_grid.getApi(arguments[0]).forEachNode(n => { out[n.data.category] =
                                                              n.data.revenue; });
        return out;""", grid)
    assert shown == pytest.approx(my_category_revenue, rel=1e-12)
    bars = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#prod-cross-chart .point")
    assert len(bars) == 1

    # the product grid's CSV export holds her region's numbers only
    click(dash_duo, '[id*="grid-export-csv"]')
    text = wait_for_file(Path(dash_duo.download_path) / "prod.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    revenue_col = rows[0].index("Revenue")
    exported = {r[0]: float(r[revenue_col]) for r in rows[1:-1]}
    assert exported == pytest.approx(my_category_revenue, rel=1e-9)

    # regions & stores: only her locations, even when the URL drills into another region
    open_page(dash_duo, "/locations?d_region=" + mine, ".ag-root")
    assert grid_column(dash_duo, "loc", "location") == my_locations
    open_page(dash_duo, "/locations?d_region=" + regions[1], "#loc-grid")
    dash_duo.wait_for_contains_text("#loc-grid", "No rows match", timeout=30)

    # slow movers and ageing tables: her locations only
    for path in ("/slow-movers", "/ageing"):
        open_page(dash_duo, path, ".ag-root")
        names = dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('[id*=\"metric-grid\"]'))"
            ".map(e => JSON.parse(e.id).name)")
        for grid_name in names:
            assert grid_column(dash_duo, grid_name, "location") <= my_locations

    # explore by region: one row; its CSV export too
    open_page(dash_duo, "/explore?m=revenue&by=region&chart=table", ".ag-root")
    assert grid_column(dash_duo, "exp", "region") == {mine}
    click(dash_duo, "#exp-csv")
    text = wait_for_file(Path(dash_duo.download_path) / "stocklens-explore.csv").decode()
    exported_regions = [r["region"] for r in csv.DictReader(io.StringIO(text))]
    assert exported_regions == [mine]

    # admin pages are refused
    open_page(dash_duo, "/settings", "#no-access")
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
