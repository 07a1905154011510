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
from components.kit.formatting import CURRENCY, DASH, _compact


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
    """A value as the grid shows it; "—" when missing."""
    if value is None or (isinstance(value, float) and value != value):
        return DASH
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "text":
        return str(value)
    v = float(value)  # type: ignore[arg-type]
    if kind == "money":
        return f"{CURRENCY}{_compact(v, lang)}" if abs(v) >= 1e4 else f"{CURRENCY}{v:,.2f}"
    if kind == "percent":
        return f"{v * 100:.1f}%"
    if kind == "int":
        return f"{v:,.0f}"
    if kind in ("days", "units"):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"
    return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"


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
    rows = []
    for record in frame[list(dict.fromkeys([*fields, *statuses, *keys]))].to_dict("records"):
        row = {f: _plain(record[f]) for f in fields}
        for column in columns:
            value = record[column.field]
            if column.labels is not None and isinstance(value, str):
                row[column.field] = column.labels.get(value, value)
            if column.kind != "text":
                row[FMT + column.field] = cell_text(column.kind, value, lang)
        for status in statuses:
            row[STATUS + status] = _plain(record[status])
        row[ROW_ID] = "|".join("" if record[k] is None else str(record[k]) for k in keys)
        rows.append(row)
    return rows


def _column_def(column: Column) -> dict[str, object]:
    spec: dict[str, object] = {"field": column.field, "headerName": column.label,
                               "headerTooltip": column.label, "minWidth": 110, "flex": 1}
    if column.kind in ("text", "date"):
        spec.update(cellDataType="text", filter="agTextColumnFilter",
                    comparator={"function": NATURAL_SORT})
        if column.field.endswith("_name") or column.field == "supplier":
            spec.update(minWidth=170, flex=2)
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
        spec.update(pinned="left", width=200 if column.field.endswith("_name") else 120)
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
                                  "domLayout": "autoHeight" if small else "normal"}
    if clickable:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False,
                                   "enableClickSelection": True}
    grid = dag.AgGrid(
        id={"type": GRID, "name": name}, rowData=rows,
        columnDefs=[_column_def(c) for c in columns],
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        getRowId=f"params.data.{ROW_ID}", dashGridOptions=options,
        csvExportParams=csv_export_params(name, allColumns=False),
        className="sl-metric-grid" + (" sl-grid-clickable" if clickable else ""),
        style={} if small else {"height": height},
    )
    return grid_block(name, grid, len(rows), {c.field: c.label for c in columns}, lang,
                      extra_tools=extra_tools() if extra_tools is not None else None)
