"""An AG Grid of computed rows that are not registry metrics (a replenishment plan,
supplier lead times), looking and exporting exactly like the metric grid.

It reuses the metric grid's theme, texts, toolbar and pattern-matching ids, so the shared
callbacks of components/grids/metric_grid_callbacks.py serve it too: CSV export of what is
shown, Excel export, the audit line and the row count. As there, numbers stay raw in the
row data (sorting and number filters work on values) and their display text is computed
here once, by kind, into a hidden field; a cell's red/amber/green comes from a status
field of its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import dash_ag_grid as dag
import pandas as pd
from dash import html

from components.grids.column_width import NAME_CAP, column_min_width
from components.grids.metric_grid import (
    FMT,
    GRID,
    HEADER_HEIGHT,
    NATURAL_SORT,
    ROW_HEIGHT,
    ROW_ID,
    STATUS,
    THEME,
    grid_block,
    locale_text,
)
from components.grids.metric_grid_callbacks import csv_export_params
from components.kit.formatting import DASH, column_format, is_missing


@dataclass(frozen=True)
class Column:
    """A grid column: `kind` decides its format and filter; `status` names a row field
    ("good" / "warn" / "bad") that colours the cell; `labels` translates text values."""

    field: str
    label: str
    kind: str = "text"  # text, date, int, units, number, money, days or percent
    status: str | None = None
    pinned: bool = False
    labels: dict[str, str] | None = None


def cell_text(kind: str, value: object, lang: str) -> str:
    """A single value as a column of `kind` holding only it would show it; "—" when
    missing. A grid formats a whole column at once (`column_texts`), so all its cells
    share one scale and precision."""
    return column_texts(kind, [value], lang)[0]


def column_texts(kind: str, values: Sequence[object], lang: str) -> list[str]:
    """The display texts of a column: dates as ISO days, text as is, numbers through the
    column's one format (components/kit/formatting.py `column_format`)."""
    if kind in ("date", "text"):
        return [DASH if is_missing(v) else v.isoformat() if isinstance(v, date) else str(v)
                for v in values]
    numbers = [None if is_missing(v) else float(v) for v in values]  # type: ignore[arg-type]
    fmt = column_format(kind, numbers, lang)
    return [fmt(v) for v in numbers]


def _plain(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def grid_rows(frame: pd.DataFrame, columns: Sequence[Column], keys: Sequence[str],
              lang: str) -> list[dict[str, object]]:
    """rowData: raw values, the row id, display texts and the status fields."""
    statuses = sorted({c.status for c in columns if c.status})
    fields = [c.field for c in columns]
    records = frame[list(dict.fromkeys([*fields, *statuses, *keys]))].to_dict("records")
    texts = {c.field: column_texts(c.kind, [r[c.field] for r in records], lang)
             for c in columns if c.kind != "text"}
    rows = []
    for index, record in enumerate(records):
        row = {f: _plain(record[f]) for f in fields}
        for column in columns:
            value = record[column.field]
            if column.labels is not None and isinstance(value, str):
                row[column.field] = column.labels.get(value, value)
            if column.kind != "text":
                row[FMT + column.field] = texts[column.field][index]
        for status in statuses:
            row[STATUS + status] = _plain(record[status])
        row[ROW_ID] = "|".join("" if record[k] is None else str(record[k]) for k in keys)
        rows.append(row)
    return rows


def _column_def(column: Column, rows: Sequence[dict[str, object]]) -> dict[str, object]:
    """The column's AG Grid definition, at least as wide as its header and widest text
    (names up to a cap, then in full on hover), dates and numbers never cut."""
    is_name = column.field.endswith("_name") or column.field == "supplier"
    shown = column.field if column.kind == "text" else FMT + column.field
    width = column_min_width(column.label, (r.get(shown) for r in rows),
                             cap=NAME_CAP if is_name else None)
    spec: dict[str, object] = {"field": column.field, "headerName": column.label,
                               "headerTooltip": column.label, "minWidth": width,
                               "flex": 2 if is_name else 1}
    if column.kind in ("text", "date"):
        spec.update(cellDataType="text", filter="agTextColumnFilter",
                    comparator={"function": NATURAL_SORT}, tooltipField=column.field)
    else:
        spec.update(
            type="rightAligned", cellDataType="number", filter="agNumberColumnFilter",
            valueFormatter={"function": f"params.data ? params.data['{FMT}{column.field}']"
                                        " : ''"},
            useValueFormatterForExport=False, cellClass=["sl-num", "ag-right-aligned-cell"])
    if column.status:
        field = f"params.data ? params.data['{STATUS}{column.status}'] : null"
        spec["cellClassRules"] = {f"sl-cell-{s}": f"({field}) === '{s}'"
                                  for s in ("good", "warn", "bad")}
    if column.pinned:
        spec.update(pinned="left", width=width)
        spec.pop("flex")
    spec["filterParams"] = {"buttons": ["reset"]}
    return spec


def data_grid(name: str, frame: pd.DataFrame, columns: Sequence[Column], keys: Sequence[str],
              lang: str, height: int = 560, clickable: bool = False,
              extra_tools: Callable[[], object] | None = None) -> html.Div:
    """The grid of `frame`'s `columns`, rows identified by `keys` (joined by "|")."""
    rows = grid_rows(frame, columns, keys, lang)
    natural = HEADER_HEIGHT + ROW_HEIGHT * len(rows) + 2
    small = natural <= height
    options: dict[str, object] = {"theme": {"function": THEME}, "localeText": locale_text(lang),
                                  "animateRows": False, "tooltipShowDelay": 400,
                                  "domLayout": "autoHeight" if small else "normal",
                                  "suppressColumnVirtualisation": True}
    if clickable:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False,
                                   "enableClickSelection": True}
    grid = dag.AgGrid(
        id={"type": GRID, "name": name}, rowData=rows,
        columnDefs=[_column_def(c, rows) for c in columns],
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        getRowId=f"params.data.{ROW_ID}", dashGridOptions=options,
        csvExportParams=csv_export_params(name, allColumns=False),
        className="sl-metric-grid" + (" sl-grid-clickable" if clickable else ""),
        style={} if small else {"height": height},
    )
    return grid_block(name, grid, len(rows), {c.field: c.label for c in columns}, lang,
                      extra_tools=extra_tools() if extra_tools is not None else None)
