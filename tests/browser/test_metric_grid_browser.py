"""The metric grid in a real browser: what the exports contain is exactly what the grid
shows, after the user's sort and filters, totals row last."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import dash
import pandas as pd
import pytest
from dash import Input, Output, html
from openpyxl import load_workbook
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from components.grids.metric_grid import grid_id, metric_grid, row_keys
from components.kit.formatting import format_value

pytestmark = pytest.mark.browser

METRICS = ["revenue", "turnover", "sell_through"]
GRID_DOM_ID = json.dumps(grid_id("stock"), sort_keys=True, separators=(",", ":"))


def sample_frame() -> pd.DataFrame:
    """60 SKUs in three categories; some undefined ratios, as a real query returns."""
    rows = []
    for i in range(60):
        rows.append({
            "category": ["Dairy", "Home", "Snacks"][i % 3],
            "sku": f"SKU{i:03d}",
            "sku_name": f"{['Milk', 'Soap', 'Chips'][i % 3]} {i} pack",
            "revenue": 1000.0 + (i * 7919) % 50000 + 0.25,
            "turnover": None if i % 11 == 0 else round(0.3 + (i * 37 % 29) / 10, 4),
            "sell_through": None if i % 13 == 5 else round((i * 53 % 97) / 100, 4),
        })
    return pd.DataFrame(rows)


def grid_app() -> dash.Dash:
    """A tiny app with one clickable grid and a line showing the last click's row id."""
    frame = sample_frame()
    app = dash.Dash(__name__, assets_folder=str(Path(__file__).parents[2] / "assets"))
    app.layout = html.Div([
        metric_grid("stock", frame, ["sku"], METRICS, "en", days=90,
                    totals={"revenue": frame["revenue"].sum(), "turnover": 1.7,
                            "sell_through": 0.61},
                    category_column="category", clickable=True),
        html.Div(id="clicked"),
    ], className="page-body")

    @app.callback(Output("clicked", "children"), Input(grid_id("stock"), "cellClicked"),
                  prevent_initial_call=True)
    def show_click(cell: dict[str, object]) -> str:
        return json.dumps(row_keys(str(cell["rowId"]), ["sku"]))

    return app


def shown_rows(dash_duo) -> list[list[object]]:
    """The grid's displayed rows (after filter and sort, totals last) in the displayed
    columns' order, read through AG Grid's API: the DOM holds only the visible rows."""
    return dash_duo.driver.execute_script("""
        const api = dash_ag_grid.getApi(arguments[0]);
        const cols = api.getAllDisplayedColumns().map(c => c.getColId());
        const rows = [cols.map(c => api.getColumnDef(c).headerName)];
        api.forEachNodeAfterFilterAndSort(n => rows.push(cols.map(c => n.data[c])));
        for (let i = 0; i < api.getPinnedBottomRowCount(); i++) {
            const data = api.getPinnedBottomRow(i).data;
            rows.push(cols.map(c => data[c]));
        }
        return rows;
    """, GRID_DOM_ID)


def same_cell(exported: object, shown: object) -> bool:
    """A file's cell against the grid's raw value: numbers by value, text as text."""
    if shown is None:
        return exported in (None, "")
    if isinstance(shown, (int, float)) and not isinstance(shown, bool):
        return exported not in (None, "") and abs(float(exported) - shown) < 1e-9  # type: ignore[arg-type]
    return str(exported) == str(shown)


def assert_same_rows(exported: list[list[object]], shown: list[list[object]]) -> None:
    assert len(exported) == len(shown)
    for got, want in zip(exported, shown, strict=True):
        assert len(got) == len(want) and all(map(same_cell, got, want)), (got, want)


def wait_for_file(path: Path, timeout: float = 20) -> bytes:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.stat().st_size > 0:
            time.sleep(0.3)  # let Chrome finish writing
            return path.read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"{path.name} was not downloaded")


def test_exports_equal_the_rows_shown_after_sort_and_filters(dash_duo) -> None:
    dash_duo.start_server(grid_app())
    dash_duo.wait_for_element(".sl-metric-grid .ag-row", timeout=30)
    dash_duo.wait_for_text_to_equal(".sl-grid-count", "60 rows", timeout=30)

    # the cells show Python's formatter text, "—" when undefined
    first = dash_duo.find_element('.ag-row[row-id="SKU000"] .ag-cell[col-id="turnover"]')
    assert first.text == format_value("turnover", None, "en") == "—"

    # sort by sell-through, descending: click the header twice
    header = dash_duo.find_element('.ag-header-cell[col-id="sell_through"] .ag-header-cell-label')
    header.click()
    header.click()
    # a text filter through the grid's own filter menu on the SKU name column
    name_header = dash_duo.find_element('.ag-header-cell[col-id="sku_name"]')
    ActionChains(dash_duo.driver).move_to_element(name_header).perform()
    name_header.find_element(By.CSS_SELECTOR, ".ag-header-cell-filter-button").click()
    box = dash_duo.wait_for_element(".ag-filter-body input", timeout=10)
    box.send_keys("milk")
    dash_duo.find_element(".sl-grid-count").click()  # close the popup
    # and a number filter set as a model: ratios are filtered in percent
    dash_duo.driver.execute_script(
        "dash_ag_grid.getApi(arguments[0]).setFilterModel(Object.assign("
        "dash_ag_grid.getApi(arguments[0]).getFilterModel(),"
        "{sell_through: {filterType: 'number', type: 'greaterThan', filter: 30}}));",
        GRID_DOM_ID)

    expected = [r for _, r in sample_frame().iterrows()
                if "milk" in r["sku_name"].lower() and pd.notna(r["sell_through"])
                and r["sell_through"] * 100 > 30]
    dash_duo.wait_for_text_to_equal(".sl-grid-count", f"{len(expected)} rows", timeout=20)
    shown = shown_rows(dash_duo)
    assert 2 < len(expected) < 20 and len(shown) == len(expected) + 2  # header, totals
    assert {row[0] for row in shown[1:-1]} == {r["sku"] for r in expected}
    values = [row[4] for row in shown[1:-1]]
    assert values == sorted(values, reverse=True)
    assert shown[-1][0] == "Total"
    top = dash_duo.find_element('.ag-center-cols-container .ag-row[row-index="0"] [col-id="sku"]')
    assert top.text == shown[1][0]  # what the API reports is what the screen shows

    download = Path(dash_duo.download_path)
    dash_duo.find_element('[id*="grid-export-csv"]').click()
    text = wait_for_file(download / "stock.csv").decode("utf-8-sig")
    assert_same_rows(list(csv.reader(io.StringIO(text))), shown)

    dash_duo.find_element('[id*="grid-export-xlsx"]').click()
    book = load_workbook(io.BytesIO(wait_for_file(download / "stock.xlsx")))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert_same_rows(sheet, shown)

    # a click reports the row id; the app turns it back into the row's keys
    dash_duo.find_element('.ag-row[row-id="SKU003"] .ag-cell[col-id="sku_name"]').click()
    dash_duo.wait_for_text_to_equal("#clicked", '{"sku": "SKU003"}', timeout=10)
    dash_duo.find_element('.ag-floating-bottom .ag-row [col-id="revenue"]').click()
    dash_duo.wait_for_text_to_equal("#clicked", "{}", timeout=10)  # the totals row

    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
