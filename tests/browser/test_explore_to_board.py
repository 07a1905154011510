"""The issue's acceptance path: build a view from scratch on Explore, save it, add it to
a new board, reload the page and find it there with the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from components.filters.filter_state import BoardFilters
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.browser.test_board import settle
from tests.service_support import run_query

pytestmark = pytest.mark.browser


def grid_values(dash_duo, name: str) -> dict[str, float]:
    """First column → the "revenue" column of a metric grid, read through AG Grid's API."""
    grid = json.dumps({"name": name, "type": "metric-grid"}, separators=(",", ":"))
    return dash_duo.driver.execute_script("""
        const out = {};
        dash_ag_grid.getApi(arguments[0]).forEachNodeAfterFilterAndSort(
            n => { out[n.data.region] = n.data.revenue; });
        return out;""", grid)


def pick(dash_duo, dropdown: str, label: str) -> None:
    """Open a Dash 4 dropdown and click the option with this label."""
    dash_duo.find_element(dropdown).click()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    next(o for o in options if o.text.strip() == label).click()
    dash_duo.find_element("body").send_keys("\ue00c")  # Escape closes a multi dropdown


def test_build_save_add_to_board_reload(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    start, end = BoardFilters().period(source.date_range()[1])
    want = run_query(source, MetricQuery.create(["revenue"], start, end, by=["region"]))
    expected = dict(zip(want["region"], want["revenue"], strict=True))
    dash_duo.start_server(create_app(source=source))

    # 1. Explore, from its first view (revenue by category): by region instead, a table
    dash_duo.driver.get(dash_duo.server_url + "/explore")
    dash_duo.wait_for_element("#exp-ctl-metrics", timeout=30)
    dash_duo.wait_for_contains_text("#exp-chart-title", "Revenue by Category", timeout=30)
    pick(dash_duo, "#exp-ctl-dim1", "Region")
    dash_duo.driver.find_element(By.XPATH, "//label[normalize-space()='Table']").click()
    dash_duo.wait_for_contains_text("#exp-chart-title", "Revenue by Region", timeout=30)
    settle(dash_duo)
    assert grid_values(dash_duo, "exp") == pytest.approx(expected, rel=1e-12)
    assert "m=revenue" in dash_duo.driver.current_url and "chart=table" in \
        dash_duo.driver.current_url

    # 2. save it
    dash_duo.find_element("#exp-save-open").click()
    dash_duo.wait_for_element("#exp-save-name", timeout=10).send_keys("Revenue by region")
    dash_duo.find_element("#exp-save-confirm").click()
    dash_duo.wait_for_contains_text("#exp-notice", "Saved as “Revenue by region”", timeout=20)

    # 3. a new board, with the view as a tile
    dash_duo.driver.get(dash_duo.server_url + "/boards")
    dash_duo.wait_for_element("#bl-new-name", timeout=30).send_keys("Regional board")
    dash_duo.find_element("#bl-create").click()
    dash_duo.wait_for_element("#brd-add-open", timeout=30)
    assert "/boards/" in dash_duo.driver.current_url
    # an empty board opens its "add a tile" panel by itself
    dash_duo.wait_for_element("#brd-add-view", timeout=10)
    settle(dash_duo)
    pick(dash_duo, "#brd-add-view", "Revenue by region")
    dash_duo.find_element("#brd-add-confirm").click()
    dash_duo.wait_for_element(".board-tile .ag-root", timeout=30)

    # 4. reload: the tile is still there, with the same numbers
    board_url = dash_duo.driver.current_url
    dash_duo.driver.get(board_url)
    dash_duo.wait_for_contains_text(".board-tile", "Revenue by region", timeout=30)
    dash_duo.wait_for_element(".board-tile .ag-root", timeout=30)
    settle(dash_duo)
    tile = dash_duo.find_element(".board-tile").get_attribute("id")
    tile_id = json.loads(tile)["tile"]
    assert grid_values(dash_duo, f"tile-{tile_id}") == pytest.approx(expected, rel=1e-12)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
