"""The metric grid's contents: columns, the hidden text and status fields (from the one
formatter and the one status function), totals, row ids, and the Excel writer."""

from __future__ import annotations

import base64
import io

import dash_ag_grid as dag
import pandas as pd
import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate
from openpyxl import load_workbook

from components.grids.metric_grid import (
    FMT,
    ROW_ID,
    STATUS,
    TOTAL_ROW_ID,
    metric_grid,
    row_id,
    row_keys,
)
from components.grids.metric_grid_callbacks import (
    CSV_CELL,
    export_xlsx,
    frame_to_xlsx,
    shown_columns,
)
from components.kit.formatting import metric_column_format
from metrics.registry import Thresholds
from metrics.thresholds import ThresholdSet, set_threshold_provider, status

METRICS = ["turnover", "sell_through", "revenue"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "category": ["Dairy", "Home", "Dairy"],
        "sku": ["S1", "S2", "S3"],
        "sku_name": ["Milk", "Soap", "Cheese"],
        "location": ["L1", "L1", "L2"],
        "location_name": ["Shanghai", "Shanghai", "Beijing"],
        "turnover": [2.5, float("nan"), 0.4],
        "sell_through": [0.8, 0.6, None],
        "revenue": [12345.0, 0.0, 999999.0],
    })


def parts(block: html.Div) -> tuple[dag.AgGrid, dict, html.Div]:
    """The grid, its meta store data and the empty-state div of a metric_grid block."""
    found: dict[type, list[object]] = {}

    def walk(node: object) -> None:
        found.setdefault(type(node), []).append(node)
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(block)
    empty = next(d for d in found[html.Div] if getattr(d, "className", None) == "sl-grid-empty")
    return found[dag.AgGrid][0], found[dcc.Store][0].data, empty


def build(lang: str = "en", **kwargs: object) -> dag.AgGrid:
    totals = {"turnover": 1.2, "sell_through": 0.7, "revenue": 1012344.0}
    block = metric_grid("products", frame(), ["sku", "location"], METRICS, lang, days=90,
                        totals=totals, category_column="category", **kwargs)
    return parts(block)[0]


def test_columns_are_keys_with_their_names_then_metrics() -> None:
    grid = build()
    assert [c["field"] for c in grid.columnDefs] == [
        "sku", "sku_name", "location", "location_name", *METRICS]
    assert [c["headerName"] for c in grid.columnDefs] == [
        "SKU", "SKU name", "Location", "Location name",
        "Inventory turnover", "Sell-through", "Revenue"]
    zh = [c["headerName"] for c in build("zh").columnDefs]
    assert zh[:2] == ["SKU", "SKU名称"] and zh[4:] == ["库存周转率", "售罄率", "销售额"]
    number = grid.columnDefs[4]
    assert number["filter"] == "agNumberColumnFilter"
    assert number["useValueFormatterForExport"] is False  # CSV gets raw numbers
    assert grid.columnDefs[0]["filter"] == "agTextColumnFilter"
    assert "filterValueGetter" in grid.columnDefs[5]  # ratios filter in percent
    assert grid.defaultColDef["sortable"] and grid.defaultColDef["resizable"]


def test_raw_numbers_with_the_formatters_text_and_the_status_functions_colour() -> None:
    grid = build()
    source = frame()
    for row, (_, expected) in zip(grid.rowData, source.iterrows(), strict=True):
        for m in METRICS:
            value = expected[m]
            assert row[FMT + m] == metric_column_format(m, source[m].tolist(), "en")(value)
            assert row.get(STATUS + m) == status(m, value, days=90,
                                                 category=expected["category"])
            if pd.isna(value):
                assert row[m] is None and row[FMT + m] == "—"
            else:
                assert row[m] == value and isinstance(row[m], float)
    assert grid.rowData[0][STATUS + "turnover"] is not None  # a real colour is tested
    # one format per column, by hand: revenue's median 999,999 puts the column in K with
    # no decimals (12,345 → 12K), turnover's 2.5 gives two decimals for every cell
    assert [r[FMT + "revenue"] for r in grid.rowData] == ["¥12K", "¥0", "¥1,000K"]
    assert [r[FMT + "turnover"] for r in grid.rowData] == ["2.50×", "—", "0.40×"]
    assert [r[FMT + "sell_through"] for r in grid.rowData] == ["80.0%", "60.0%", "—"]
    zh = build("zh").rowData
    assert [r[FMT + "revenue"] for r in zh] == ["¥1.2万", "¥0", "¥100.0万"]


def test_each_row_is_judged_by_its_categorys_own_limits() -> None:
    strict = Thresholds(good=0.95, bad=0.9)
    set_threshold_provider(lambda: ThresholdSet(
        category_overrides={"Dairy": {"sell_through": strict}}))
    try:
        rows = build().rowData
    finally:
        set_threshold_provider(None)
    assert rows[0][STATUS + "sell_through"] == "bad"  # Dairy: 0.8 < 0.9
    assert rows[1][STATUS + "sell_through"] == status("sell_through", 0.6)  # Home: default


def test_pinned_totals_row() -> None:
    grid = build()
    (total,) = grid.dashGridOptions["pinnedBottomRowData"]
    assert total["sku"] == "Total" and total["sku_name"] is None
    assert total[ROW_ID] == TOTAL_ROW_ID
    assert total["turnover"] == 1.2 and total[FMT + "turnover"] == "1.20×"
    assert total[FMT + "revenue"] == "¥1,012K"  # the total in its column's format
    # two categories in the frame: the totals are judged by the general limits
    assert total.get(STATUS + "turnover") == status("turnover", 1.2, days=90)
    assert build("zh").dashGridOptions["pinnedBottomRowData"][0]["sku"] == "合计"


def test_row_ids_join_the_keys_and_turn_back_into_them() -> None:
    grid = build()
    assert grid.getRowId == f"params.data.{ROW_ID}"
    assert [r[ROW_ID] for r in grid.rowData] == ["S1|L1", "S2|L1", "S3|L2"]
    assert row_id(["S1", "L1"]) == "S1|L1"
    assert row_keys("S3|L2", ["sku", "location"]) == {"sku": "S3", "location": "L2"}
    assert row_keys(TOTAL_ROW_ID, ["sku"]) == {}
    with pytest.raises(ValueError, match="uniquely"):
        metric_grid("x", frame(), ["location"], METRICS, "en")


def test_exports_and_locale_settings() -> None:
    grid = build("zh", clickable=True)
    assert grid.csvExportParams == {"fileName": "products.csv", "allColumns": False,
                                    "skipPinnedTop": True, "skipPinnedBottom": False,
                                    "processCellCallback": CSV_CELL}
    assert grid.dashGridOptions["localeText"]["equals"] == "等于"
    assert grid.dashGridOptions["rowSelection"]["mode"] == "singleRow"
    assert "sl-grid-clickable" in grid.className
    assert grid.id == {"type": "metric-grid", "name": "products"}


def test_empty_frame_shows_a_message_instead_of_a_grid() -> None:
    block = metric_grid("none", frame().iloc[0:0], ["sku"], METRICS, "en")
    grid, meta, empty = parts(block)
    assert grid.rowData == [] and not empty.hidden
    assert empty.children == "No rows match these filters."
    assert meta["totals"] is None


def read_xlsx(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_excel_writer_keeps_order_headers_and_numbers() -> None:
    rows = pd.DataFrame({"sku": ["S3", "S1"], "sell_through": [None, 0.8],
                         "revenue": [999999.0, 12345.0]})
    headers = {"sku": "SKU", "sell_through": "Sell-through", "revenue": "Revenue"}
    data = frame_to_xlsx(rows, headers, ["sell_through", "revenue"],
                         totals={"sku": "Total", "sell_through": 0.7, "revenue": 1012344.0})
    assert read_xlsx(data) == [["SKU", "Sell-through", "Revenue"],
                               ["S3", None, 999999.0],
                               ["S1", 0.8, 12345.0],
                               ["Total", 0.7, 1012344.0]]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B3"].number_format == "0.0%"
    assert "#,##0" in sheet["C2"].number_format
    assert sheet["A4"].font.bold and sheet["A1"].font.bold and not sheet["A2"].font.bold


def test_excel_export_follows_the_grids_rows_and_column_state() -> None:
    block = metric_grid("products", frame(), ["sku"], METRICS, "en",
                        totals={"turnover": 1.2, "sell_through": 0.7, "revenue": 1.0})
    grid, meta, _ = parts(block)
    shown = [grid.rowData[2], grid.rowData[0]]  # after a user's filter and sort
    state = [{"colId": "revenue"}, {"colId": "sku"}, {"colId": "sku_name", "hide": True},
             {"colId": "turnover"}, {"colId": "sell_through"}]
    sent = export_xlsx(1, shown, state, grid.columnDefs, meta)
    assert sent["filename"] == "products.xlsx"
    table = read_xlsx(base64.b64decode(sent["content"]))
    assert table[0] == ["Revenue", "SKU", "Inventory turnover", "Sell-through"]
    assert table[1] == [999999.0, "S3", 0.4, None]
    assert table[2] == [12345.0, "S1", 2.5, 0.8]
    assert table[3] == [1.0, "Total", 1.2, 0.7]
    # before the grid reports its column state, the definitions' order is used
    assert shown_columns(None, grid.columnDefs, meta["headers"]) == ["sku", "sku_name",
                                                                     *METRICS]
    with pytest.raises(PreventUpdate):  # the grid has not rendered its rows yet
        export_xlsx(1, None, state, grid.columnDefs, meta)


def test_thousands_of_rows_stay_virtualised_in_a_fixed_box() -> None:
    big = pd.DataFrame({"sku": [f"S{i:05d}" for i in range(5000)],
                        "revenue": [float(i) for i in range(5000)]})
    grid = parts(metric_grid("big", big, ["sku"], ["revenue"], "en", height=600))[0]
    assert grid.dashGridOptions["domLayout"] == "normal"  # autoHeight would render all
    assert grid.style == {"height": 600}
    small = parts(metric_grid("small", big.head(3), ["sku"], ["revenue"], "en"))[0]
    assert small.dashGridOptions["domLayout"] == "autoHeight"
