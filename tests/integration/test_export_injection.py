"""Formula injection, end to end: SKUs named "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)" and
"-2+3" (and a supplier "=HYPERLINK(1)") imported through `app.py import`, then every file a
person downloads holds them as text — the grid's CSV rule (run as AG Grid runs it, on the
rows the Explore table really sends), the grid's and Explore's Excel files (text cells
starting with a quote), Explore's CSV and the purchase-suggestion CSV — while the machine
outputs (`app.py query`, the JSON API) still answer the raw names."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app import create_app
from cli.main import main
from data_connectors.source import open_duckdb
from tests.spreadsheet_support import (
    FORMULA_NAMES,
    LAST_DAY,
    SUPPLIER,
    import_formula_data,
    neutralised,
    run_js_rule,
)

RAW = set(FORMULA_NAMES.values())
SAFE = {neutralised(name) for name in RAW}
START = "2025-04-02"  # the last 90 days of the data
END = LAST_DAY.isoformat()


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return import_formula_data(tmp_path_factory.mktemp("formulas"))


@pytest.fixture()
def client(formula_db: Path) -> Iterator[FlaskClient]:
    source = open_duckdb(formula_db)
    try:
        yield create_app(source=source).server.test_client()
    finally:
        source.dispose()


def explore_state() -> dict[str, Any]:
    """Explore's page state for revenue by SKU as a table, over the last 90 days."""
    return {"preset": "custom", "start": START, "end": END, "region": [], "channel": [],
            "category": [], "source": "formulas",
            "page": {"m": "revenue", "by": "sku", "chart": "table"},
            "push": False, "last": END, "qs": ""}


def post_callback(client: FlaskClient, outputs: list[tuple[Any, str]],
                  inputs: list[tuple[Any, str, Any]], state: list[tuple[Any, str, Any]],
                  changed: str) -> dict[str, Any]:
    """A callback posted as Dash's front end posts it; its answer's "response"."""
    def key(cid: Any) -> str:
        if isinstance(cid, dict):  # a pattern-matching callback: named by its MATCH id
            matched = {k: ["MATCH"] if k == "name" else v for k, v in cid.items()}
            return json.dumps(matched, sort_keys=True, separators=(",", ":"))
        return cid

    names = [f"{key(c)}.{p}" for c, p in outputs]
    spec = [{"id": c, "property": p} for c, p in outputs]
    body = {
        "output": names[0] if len(names) == 1 else ".." + "...".join(names) + "..",
        "outputs": spec[0] if len(spec) == 1 else spec,
        "inputs": [{"id": c, "property": p, "value": v} for c, p, v in inputs],
        "state": [{"id": c, "property": p, "value": v} for c, p, v in state],
        "changedPropIds": [changed],
    }
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return answer.get_json()["response"]


def find_props(node: Any, wanted: Any) -> dict[str, Any]:
    """The props of the component with id `wanted` in a rendered layout."""
    found: list[dict[str, Any]] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            if item.get("props", {}).get("id") == wanted:
                found.append(item["props"])
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(node)
    assert len(found) == 1, wanted
    return found[0]


def sent_file(download: dict[str, Any]) -> bytes:
    """The bytes of a dcc.Download's data (dcc.send_bytes encodes them in base64)."""
    assert download["base64"]
    return base64.b64decode(download["content"])


def test_machine_outputs_keep_the_raw_names(formula_db: Path, client: FlaskClient,
                                            capsys: pytest.CaptureFixture) -> None:
    args = ["query", "--db", str(formula_db), "--metrics", "revenue", "--by", "sku",
            "--start", START, "--end", END]
    assert main([*args, "--format", "json"]) == 0
    assert {row["sku_name"] for row in json.loads(capsys.readouterr().out)} >= RAW
    assert main(args) == 0
    table = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert {row["sku_name"] for row in table} >= RAW

    answer = client.post("/api/v1/query", json={"metrics": ["revenue"], "by": ["sku"],
                                                 "start": START, "end": END})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert {row["sku_name"] for row in answer.get_json()["rows"]} >= RAW


def test_every_download_holds_the_names_as_text(client: FlaskClient) -> None:
    state, lang = ("exp-state", "data", explore_state()), ("exp-lang", "data", "en")

    # Explore's table: the metric grid the browser gets, with its CSV settings and rows
    shown = post_callback(client, [("exp-result", "children"), ("exp-chart-title", "children"),
                                   ("exp-rows", "children"), ("exp-subtitle", "children")],
                          [state], [lang], "exp-state.data")
    grid_id = {"name": "exp", "type": "metric-grid"}
    grid = find_props(shown, grid_id)
    meta = find_props(shown, {"name": "exp", "type": "grid-meta"})["data"]
    rows = grid["rowData"]
    assert {row["sku_name"] for row in rows} >= RAW  # the grid shows the names as they are

    # 1. the grid's CSV: AG Grid calls this rule on every cell it writes
    assert grid["csvExportParams"]["processCellCallback"] == {
        "function": "stocklensCsvCell(params)"}
    names = [row["sku_name"] for row in rows]
    revenue = [row["revenue"] for row in rows]
    csv_names = run_js_rule([{"value": n} for n in names], "stocklensCsvCell")
    assert set(csv_names) >= SAFE and not RAW & set(csv_names)
    assert run_js_rule([{"value": v} for v in revenue], "stocklensCsvCell") == revenue

    # 2. the grid's Excel export (the server writes it from the rows the grid shows)
    download = post_callback(
        client, [({"name": "exp", "type": "grid-download"}, "data")],
        [({"name": "exp", "type": "grid-export-xlsx"}, "n_clicks", 1)],
        [(grid_id, "virtualRowData", rows), (grid_id, "columnState", None),
         (grid_id, "columnDefs", grid["columnDefs"]),
         ({"name": "exp", "type": "grid-meta"}, "data", meta)],
        '{"name":"exp","type":"grid-export-xlsx"}.n_clicks')
    grid_file = sent_file(next(iter(download.values()))["data"])
    assert_text_cells(names_in_xlsx_cells(grid_file))

    # 3. Explore's own Excel and CSV exports
    explore = [("exp-csv", "n_clicks", None), ("exp-xlsx", "n_clicks", 1)]
    xlsx = post_callback(client, [("exp-download", "data")], explore, [state, lang],
                         "exp-xlsx.n_clicks")["exp-download"]["data"]
    assert xlsx["filename"] == "stocklens-explore.xlsx"
    assert_text_cells(names_in_xlsx_cells(sent_file(xlsx)))

    explore = [("exp-csv", "n_clicks", 1), ("exp-xlsx", "n_clicks", None)]
    sent = post_callback(client, [("exp-download", "data")], explore, [state, lang],
                         "exp-csv.n_clicks")["exp-download"]["data"]
    table = list(csv.DictReader(io.StringIO(sent_file(sent).decode("utf-8"))))
    assert {row["sku_name"] for row in table} >= SAFE
    assert not RAW & {row["sku_name"] for row in table}
    assert all(float(row["revenue"]) > 0 for row in table)  # numbers stay numbers


def names_in_xlsx_cells(data: bytes) -> list[Any]:
    """The cells of the SKU-name column (under its header "SKU name") of an .xlsx."""
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    column = header.index("SKU name") + 1
    return [row[0] for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column)]


def assert_text_cells(cells: list[Any]) -> None:
    """Every formula-looking name is a text cell ('s') starting with a quote."""
    formula_cells = [c for c in cells if isinstance(c.value, str) and c.value[1:] in RAW]
    assert {c.value for c in formula_cells} == SAFE
    for cell in formula_cells:
        assert cell.data_type == "s" and cell.value.startswith("'")
    assert not any(c.data_type == "f" for c in cells)


@pytest.fixture()
def forget_forecast_series() -> Iterator[None]:
    """Each test has its own state database, where run ids start again at 1, but the
    process keeps a run's series by id (app_state/forecasts.py): drop this test's five
    series afterwards, or a later test's run 1 would read them."""
    from app_state import forecasts

    yield
    with forecasts._series_lock:
        forecasts._series.clear()


@pytest.mark.usefixtures("forget_forecast_series")
def test_the_purchase_csv_holds_the_names_as_text(formula_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "orders.csv"
    assert main(["forecast", "--db", str(formula_db), "--csv", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert {row["SKU name"] for row in rows} == SAFE | {"Plain milk"}
    assert {row["Supplier"] for row in rows} == {neutralised(SUPPLIER)}
    assert all(int(row["Order qty"]) > 0 for row in rows)
