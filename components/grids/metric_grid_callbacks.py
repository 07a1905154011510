"""The callbacks every metric grid shares (pattern-matching ids, MATCH on the grid name),
and the Excel writer behind its Excel export.

Registration: these callbacks are installed on every Dash app, without the app having to
call anything. `dash.callback` would not do: its global list goes to the first app that
starts serving only, and the tests start several apps in one process. So they are added
with a `dash.hooks.setup` hook (every app constructed after this import) and, directly, on
the app being constructed right now — pages are imported while their app is constructed,
after its hooks ran, which is how the real app first imports this module.
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Collection, Mapping, Sequence

import dash
import pandas as pd
from dash import MATCH, Input, Output, State, dcc
from dash.exceptions import AppNotFoundError, PreventUpdate
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from auth.audit import EXPORT, audit
from components.kit.formatting import CURRENCY
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
_HEADER_FILL = PatternFill("solid", fgColor="F1F4F9")
_TOTAL_BORDER = Border(top=Side(style="thin", color="9AA6B8"))


def _sheet_title(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip() or "Data"
    return cleaned[:31]


def _text_width(value: object) -> int:
    """Excel column width of a text: CJK characters take two columns."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(value))


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    return value


def frame_to_xlsx(frame: pd.DataFrame, headers: Mapping[str, str], metrics: Collection[str],
                  totals: Mapping[str, object] | None = None, sheet: str = "Data") -> bytes:
    """An .xlsx of `frame` as is: its columns in order under `headers`, its rows in order,
    then the totals row (bold) when given. Metric columns are numeric cells with their
    unit's number format; everything else is written as it comes."""
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(sheet)
    columns = list(frame.columns)
    ws.append([headers.get(c, c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for record in frame.itertuples(index=False, name=None):
        ws.append([_cell(v) for v in record])
    if totals is not None:
        ws.append([_cell(totals.get(c)) for c in columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
            cell.border = _TOTAL_BORDER
    for index, column in enumerate(columns, start=1):
        width = _text_width(headers.get(column, column))
        if column in metrics and column in METRICS:
            number_format = NUMBER_FORMATS[METRICS[column].unit]
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
            width = max(width, 14)  # formatted numbers, not their raw digits
        else:
            width = max([width, *(_text_width(v) for v in frame[column].head(200)
                                  if v is not None)])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 48)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
    """The CSV file is written in the browser by AG Grid; the click is recorded here."""
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
    """Add the grid callbacks to `app` (once per app)."""
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
    )(audit_csv)
    app.callback(
        Output({"type": DOWNLOAD, "name": MATCH}, "data"),
        Input({"type": EXPORT_XLSX, "name": MATCH}, "n_clicks"),
        State({"type": GRID, "name": MATCH}, "virtualRowData"),
        State({"type": GRID, "name": MATCH}, "columnState"),
        State({"type": GRID, "name": MATCH}, "columnDefs"),
        State({"type": META, "name": MATCH}, "data"),
        prevent_initial_call=True,
    )(export_xlsx)


def _register() -> None:
    """Install on every app constructed from now on, and on the one being constructed."""
    dash.hooks.setup()(install)
    try:
        current = dash.get_app()
    except AppNotFoundError:  # no app yet: the hook installs on the first one
        return
    install(current)


_register()
