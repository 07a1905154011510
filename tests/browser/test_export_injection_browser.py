"""Explore's downloads in a real browser, over SKUs named like formulas (imported with
`app.py import`): the grid's CSV (written by AG Grid in the browser) and Excel, and
Explore's own CSV and Excel buttons. Every file opens, and every formula-looking name is
text starting with a quote (in the .xlsx a text cell, never a formula). The browser's
copy of the rule answers the neutraliser's shared cases exactly as Python does."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app import create_app
from data_connectors.source import open_duckdb
from exports.spreadsheet import neutralise
from tests.browser.test_metric_grid_browser import wait_for_file
from tests.spreadsheet_support import CASES, FORMULA_NAMES, import_formula_data, neutralised

pytestmark = pytest.mark.browser

RAW = set(FORMULA_NAMES.values())
SAFE = {neutralised(name) for name in RAW}


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_formula_data(tmp_path_factory.mktemp("formulas"))


@pytest.fixture()
def explore(dash_duo, formula_db: Path) -> Iterator[Any]:
    """Explore showing revenue by SKU as a table (the metric grid "exp")."""
    source = open_duckdb(formula_db)
    dash_duo.start_server(create_app(source=source))
    dash_duo.driver.get(dash_duo.server_url + "/explore?m=revenue&by=sku&chart=table")
    dash_duo.wait_for_text_to_equal(".sl-grid-count", "5 rows", timeout=30)
    settle(dash_duo)
    yield dash_duo
    source.dispose()


def settle(dash_duo) -> None:
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)


def xlsx_cells(data: bytes, header: str) -> tuple[list[Any], list[Any]]:
    """The cells of the column under `header`, and of the revenue column."""
    sheet = load_workbook(io.BytesIO(data)).active
    names = [c.value for c in sheet[1]]
    column = names.index(header) + 1
    revenue = names.index("Revenue") + 1

    def cells(index: int) -> list[Any]:
        return [r[0] for r in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]

    return cells(column), cells(revenue)


def assert_safe_xlsx(data: bytes) -> None:
    names, revenue = xlsx_cells(data, "SKU name")
    formula_cells = [c for c in names if isinstance(c.value, str) and c.value[1:] in RAW]
    assert {c.value for c in formula_cells} == SAFE
    assert all(c.data_type == "s" and c.value.startswith("'") for c in formula_cells)
    assert all(c.data_type != "f" for c in names)
    assert revenue and all(c.data_type == "n" and c.value > 0 for c in revenue)


def test_the_browser_rule_answers_the_shared_cases(explore) -> None:
    values = [value for value, _ in CASES]
    got = explore.driver.execute_script(
        "return arguments[0].map(v => window.stocklensSafeExport.neutralise(v));", values)
    assert got == [neutralise(v) for v in values] == [expected for _, expected in CASES]
    assert explore.driver.execute_script(
        "return typeof window.dashAgGridFunctions.stocklensCsvCell;") == "function"


def test_every_explore_download_holds_formula_names_as_text(explore) -> None:
    download = Path(explore.download_path)
    shown = explore.driver.execute_script("""
        const api = dash_ag_grid.getApi('{"name":"exp","type":"metric-grid"}');
        const names = [];
        api.forEachNodeAfterFilterAndSort(n => names.push(n.data.sku_name));
        return names;""")
    assert set(shown) >= RAW  # the page shows the names as they are

    # the grid's CSV, written by AG Grid in the browser
    explore.find_element('[id*="grid-export-csv"]').click()
    rows = list(csv.DictReader(io.StringIO(
        wait_for_file(download / "exp.csv").decode("utf-8-sig"))))
    assert {r["SKU name"] for r in rows} >= SAFE and not {r["SKU name"] for r in rows} & RAW
    assert all(float(r["Revenue"]) > 0 for r in rows)

    # the grid's Excel file
    explore.find_element('[id*="grid-export-xlsx"]').click()
    assert_safe_xlsx(wait_for_file(download / "exp.xlsx"))

    # Explore's own Excel export (it used to answer an empty 200) and CSV export
    explore.find_element("#exp-xlsx").click()
    assert_safe_xlsx(wait_for_file(download / "stocklens-explore.xlsx"))
    explore.find_element("#exp-csv").click()
    rows = list(csv.DictReader(io.StringIO(
        wait_for_file(download / "stocklens-explore.csv").decode("utf-8"))))
    assert {r["sku_name"] for r in rows} >= SAFE and not {r["sku_name"] for r in rows} & RAW
    assert all(float(r["revenue"]) > 0 for r in rows)

    settle(explore)
    assert [e for e in explore.get_logs() if e.get("level") == "SEVERE"] == []
