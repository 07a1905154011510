"""The callbacks every metric grid shares (pattern-matching ids, MATCH on the grid name),
its Excel export (written by exports/spreadsheet.py) and the CSV export's cell rule.

Registration: these callbacks are installed on every Dash app, without the app having to
call anything. `dash.callback` would not do: its global list goes to the first app that
starts serving only, and the tests start several apps in one process. So they are added
with a `dash.hooks.setup` hook (every app constructed after this import) and, directly, on
the app being constructed right now — pages are imported while their app is constructed,
after its hooks ran, which is how the real app first imports this module.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Mapping, Sequence

import dash
import pandas as pd
from dash import MATCH, Input, Output, State, dcc
from dash.exceptions import AppNotFoundError, PreventUpdate

from auth.audit import EXPORT, audit
from auth.permissions import EXPORT as MAY_EXPORT
from auth.permissions import needs
from components.kit.formatting import CURRENCY
from exports.spreadsheet import xlsx_bytes
from metrics.registry import METRICS

# Pattern-matching id types (one set of callbacks serves every grid).
GRID = "metric-grid"
EXPORT_CSV = "grid-export-csv"
EXPORT_XLSX = "grid-export-xlsx"
DOWNLOAD = "grid-download"
ROW_COUNT = "grid-row-count"
META = "grid-meta"
AUDITED = "grid-audited"  # a store the CSV-export audit callback writes (it needs an output)

# Excel number formats per metric unit: numbers stay numbers, ratios become percentages.
NUMBER_FORMATS: dict[str, str] = {
    "money": f'"{CURRENCY}"#,##0.00',
    "ratio": "0.0%",
    "times": "0.00",
    "days": "0.0",
    "units": "#,##0",
    "count": "#,##0",
}

# The grids' CSV is written by AG Grid in the browser; every cell goes through the rule of
# exports/spreadsheet.py there too (assets/safe_export.js), so a name such as
# "=cmd|' /C calc'!A0" arrives in the file as text.
CSV_CELL = {"function": "stocklensCsvCell(params)"}


def csv_export_params(name: str, **options: object) -> dict[str, object]:
    """AG Grid's csvExportParams of a grid: the file name, the cell rule, `options`."""
    return {"fileName": f"{name}.csv", "processCellCallback": CSV_CELL, **options}


def number_formats(metrics: Collection[str]) -> dict[str, str]:
    """The Excel number format of each registry metric among `metrics` (by its unit)."""
    return {m: NUMBER_FORMATS[METRICS[m].unit] for m in metrics if m in METRICS}


def frame_to_xlsx(frame: pd.DataFrame, headers: Mapping[str, str], metrics: Collection[str],
                  totals: Mapping[str, object] | None = None, sheet: str = "Data") -> bytes:
    """An .xlsx of `frame` as is: its columns in order under `headers`, its rows in order,
    then the totals row (bold) when given. Metric columns are numeric cells with their
    unit's number format; text is stored as neutralised text (exports/spreadsheet.py)."""
    if not isinstance(headers, Mapping):
        raise TypeError("frame_to_xlsx: headers maps each column to its header")
    return xlsx_bytes(frame, headers, number_formats(metrics), totals, sheet)


def shown_columns(column_state: Sequence[Mapping[str, object]] | None,
                  column_defs: Sequence[Mapping[str, object]] | None,
                  headers: Mapping[str, str]) -> list[str]:
    """The columns the grid shows, in display order (the user may move or hide columns);
    the column definitions' order until the grid has reported its state."""
    if column_state:
        ids = [str(c["colId"]) for c in column_state if not c.get("hide")]
    else:
        ids = [str(c["field"]) for c in column_defs or [] if not c.get("hide")]
    return [c for c in ids if c in headers]


def export_xlsx(n_clicks: int | None, rows: list[dict[str, object]] | None,
                column_state: list[dict[str, object]] | None,
                column_defs: list[dict[str, object]] | None,
                meta: dict[str, object] | None) -> dict[str, object]:
    """Excel export of exactly what the grid shows: virtualRowData is the rows after the
    user's filters and sort, in display order; columnState the columns in display order.
    (Not rowData too: that would upload every row a second time.)"""
    if not n_clicks or not meta or rows is None:  # None: the grid has not rendered yet
        raise PreventUpdate
    headers: dict[str, str] = meta["headers"]  # type: ignore[assignment]
    columns = shown_columns(column_state, column_defs, headers)
    frame = pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns,
                         dtype=object)
    data = frame_to_xlsx(frame, headers, meta["metrics"],  # type: ignore[arg-type]
                         meta.get("totals"), sheet=str(meta["name"]))  # type: ignore[arg-type]
    audit(EXPORT, f"xlsx {meta['name']} grid, {len(rows)} rows")
    return dcc.send_bytes(data, f"{meta['name']}.xlsx")


def audit_csv(n_clicks: int | None, rows: list[dict[str, object]] | None,
              meta: dict[str, object] | None) -> int:
    """The CSV file is written in the browser by AG Grid (every cell through
    assets/safe_export.js, see CSV_CELL); the click is recorded here."""
    if not n_clicks or not meta:
        raise PreventUpdate
    audit(EXPORT, f"csv {meta['name']} grid, {len(rows or [])} rows")
    return n_clicks


_EXPORT_CSV_JS = """function (clicks) {
    return clicks ? true : window.dash_clientside.no_update;
}"""

_ROW_COUNT_JS = """function (rows, meta) {
    if (!rows || !meta) { return window.dash_clientside.no_update; }
    var n = rows.length;
    var text = n === 1 ? meta.count.one : meta.count.many;
    return text.replace("{n}", n.toLocaleString("en-US"));
}"""

_installed: weakref.WeakSet[dash.Dash] = weakref.WeakSet()


def install(app: dash.Dash) -> None:
    """Add the grid callbacks to `app` (once per app). Both server callbacks need the
    export permission (auth/permissions.py); the functions above stay callable as they
    are, for tests."""
    if app in _installed:
        return
    _installed.add(app)
    app.clientside_callback(
        _EXPORT_CSV_JS,
        Output({"type": GRID, "name": MATCH}, "exportDataAsCsv"),
        Input({"type": EXPORT_CSV, "name": MATCH}, "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _ROW_COUNT_JS,
        Output({"type": ROW_COUNT, "name": MATCH}, "children"),
        Input({"type": GRID, "name": MATCH}, "virtualRowData"),
        State({"type": META, "name": MATCH}, "data"),
        prevent_initial_call=True,
    )
    app.callback(
        Output({"type": AUDITED, "name": MATCH}, "data"),
        Input({"type": EXPORT_CSV, "name": MATCH}, "n_clicks"),
        State({"type": GRID, "name": MATCH}, "virtualRowData"),
        State({"type": META, "name": MATCH}, "data"),
        prevent_initial_call=True,
    )(needs(MAY_EXPORT)(audit_csv))
    app.callback(
        Output({"type": DOWNLOAD, "name": MATCH}, "data"),
        Input({"type": EXPORT_XLSX, "name": MATCH}, "n_clicks"),
        State({"type": GRID, "name": MATCH}, "virtualRowData"),
        State({"type": GRID, "name": MATCH}, "columnState"),
        State({"type": GRID, "name": MATCH}, "columnDefs"),
        State({"type": META, "name": MATCH}, "data"),
        prevent_initial_call=True,
    )(needs(MAY_EXPORT)(export_xlsx))


def _register() -> None:
    """Install on every app constructed from now on, and on the one being constructed."""
    dash.hooks.setup()(install)
    try:
        current = dash.get_app()
    except AppNotFoundError:  # no app yet: the hook installs on the first one
        return
    install(current)


_register()
