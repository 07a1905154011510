"""The metric table of the analysis pages: an AG Grid over a metric query result.

Why it is built this way:

- Numbers stay raw in the row data, so sorting and number filters work on values; the text
  a cell shows is computed in Python by one `ColumnFormat` per column (the one formatter,
  components/kit/formatting.py: a column shows one scale and precision throughout, its
  total included) into a hidden field per cell, which the grid's valueFormatter only
  reads. Cell colours likewise come from `metrics.thresholds.status` (the one status
  function), computed here per cell into a hidden field and turned into CSS classes by
  cellClassRules.
- Totals are passed in by the caller (an ungrouped query), never summed here: ratios such
  as turnover or sell-through do not add up.
- Every id is pattern-matching ({"type": ..., "name": name}), so the callbacks of
  components/grids/metric_grid_callbacks.py (imported below, registered for every app) serve
  every grid on every page: CSV export through AG Grid's own exporter (what is shown, as
  shown, text that would start a formula quoted as in every file a person downloads:
  exports/spreadsheet.py), Excel export on the server (AG Grid's Excel export is
  Enterprise-only), and the row count following the user's filters.

Callers drill down by reading the grid's `cellClicked` (its "rowId" is `row_id(...)` of the
key values; `row_keys` turns it back into a dict) or `selectedRows` when `clickable`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.grids.column_width import NAME_CAP, column_min_width
from components.grids.metric_grid_callbacks import (  # importing registers the grid callbacks
    AUDITED,
    DOWNLOAD,
    EXPORT_CSV,
    EXPORT_XLSX,
    GRID,
    META,
    ROW_COUNT,
    csv_export_params,
)
from components.kit.formatting import ColumnFormat, metric_column_format
from components.kit.value_labels import source_labels
from i18n import STRINGS, t
from metrics.dimensions import DIMENSIONS
from metrics.registry import METRICS
from metrics.thresholds import ThresholdSet, current_thresholds, status

# Hidden per-row fields (no column shows or exports them).
ROW_ID = "__id__"
FMT = "__fmt__"
STATUS = "__st__"
TOTAL_ROW_ID = "__total__"
KEY_SEPARATOR = "|"

WIDE_TABLE = 9  # columns; beyond that the key and name columns are pinned left
ROW_HEIGHT = 36
HEADER_HEIGHT = 40

# AG Grid's Theming API (v33+): Quartz in the board's colours and the app's font, so the
# grid looks like the panels around it without any legacy theme CSS.
THEME = (
    "themeQuartz.withParams({"
    "fontFamily: 'inherit', fontSize: 13, headerFontSize: 12.5, headerFontWeight: 600,"
    "foregroundColor: '#1d2a44', headerTextColor: '#4a5870', backgroundColor: '#ffffff',"
    "headerBackgroundColor: '#f7f9fc', borderColor: '#e3e8ef', accentColor: '#2f6fde',"
    "rowHoverColor: 'rgba(47, 111, 222, 0.06)',"
    "selectedRowBackgroundColor: 'rgba(47, 111, 222, 0.12)',"
    "wrapperBorderRadius: 10, borderRadius: 6, spacing: 6,"
    f"rowHeight: {ROW_HEIGHT}, headerHeight: {HEADER_HEIGHT},"
    "columnBorder: false, browserColorScheme: 'light'})"
)

# Keys, months, age buckets and ABC classes sort "naturally": 0-30 < 31-60 < 181+.
NATURAL_SORT = ("String(valueA == null ? '' : valueA).localeCompare("
                "String(valueB == null ? '' : valueB), undefined, {numeric: true})")


def grid_id(name: str) -> dict[str, str]:
    """The AgGrid's id, e.g. for Input(grid_id("products"), "cellClicked")."""
    return {"type": GRID, "name": name}


def row_id(values: Iterable[object]) -> str:
    """A row's id: its key values joined with "|" (missing keys are empty)."""
    return KEY_SEPARATOR.join("" if _missing(v) else str(v) for v in values)


def row_keys(rid: str, keys: Sequence[str]) -> dict[str, str]:
    """The key values of a row id from `cellClicked["rowId"]` ({} for the totals row).

    The last key takes whatever remains, so only the last key may contain "|".
    """
    if rid == TOTAL_ROW_ID or not keys:
        return {}
    return dict(zip(keys, rid.split(KEY_SEPARATOR, len(keys) - 1), strict=False))


def column_label(column: str, lang: str) -> str:
    """A column's header: the dimension or metric label, "<dimension> name" for a name
    companion (sku_name), a translated "col.<column>" string, else the column itself."""
    if column in DIMENSIONS:
        return DIMENSIONS[column].label(lang)
    if column in METRICS:
        return METRICS[column].label(lang)
    for dim in DIMENSIONS.values():
        if dim.name_column and dim.name_column == column:
            return t("grid.name_of", lang, label=dim.label(lang))
    if f"col.{column}" in STRINGS:
        return t(f"col.{column}", lang)
    return column


def locale_text(lang: str) -> dict[str, str]:
    """AG Grid's own UI texts (filter menus, overlays) in the page language."""
    prefix = "grid.ag."
    return {key[len(prefix):]: t(key, lang) for key in STRINGS if key.startswith(prefix)}


def row_count_text(n: int, lang: str) -> str:
    return t("grid.row_one" if n == 1 else "grid.rows", lang, n=f"{n:,}")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: object) -> object:
    """A JSON-friendly cell: None for NaN/NA, Python scalars for numpy ones."""
    if _missing(value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def display_columns(frame: pd.DataFrame, keys: Sequence[str],
                    extra_columns: Sequence[str] = ()) -> list[str]:
    """The text columns in display order: each key, then its name companion when the
    frame has it, then the extra columns."""
    columns: list[str] = []
    for key in keys:
        columns.append(key)
        companion = DIMENSIONS[key].name_column if key in DIMENSIONS else ""
        if companion and companion in frame.columns and companion not in keys:
            columns.append(companion)
    columns += [c for c in extra_columns if c not in columns]
    return columns


def column_formats(frame: pd.DataFrame, metrics: Sequence[str], lang: str,
                   totals: Mapping[str, float | None] | None = None) -> dict[str, ColumnFormat]:
    """The one format of each metric column, decided from the values it shows (its
    total included)."""
    return {m: metric_column_format(
        m, [*(frame[m].tolist() if m in frame.columns else []), (totals or {}).get(m)], lang)
        for m in metrics}


def _cells(row: dict[str, object], metrics: Sequence[str], formats: Mapping[str, ColumnFormat],
           days: int | None, category: str | None, thresholds: ThresholdSet) -> None:
    """Add the hidden formatted-text and status fields of every metric cell of a row
    (no status field when a cell has none, to keep thousands of rows light)."""
    for m in metrics:
        raw = row.get(m)
        value = None if _missing(raw) else float(raw)  # type: ignore[arg-type]
        row[FMT + m] = formats[m](value)
        state = status(m, value, days=days, category=category, thresholds=thresholds)
        if state:
            row[STATUS + m] = state


def grid_rows(frame: pd.DataFrame, keys: Sequence[str], text_columns: Sequence[str],
              metrics: Sequence[str], lang: str, days: int | None = None,
              category_column: str | None = None,
              formats: Mapping[str, ColumnFormat] | None = None,
              labels: Mapping[str, Mapping[str, str]] | None = None) -> list[dict[str, object]]:
    """The grid's rowData: raw values plus the hidden id, text and status fields; a text
    column in `labels` shows its values' labels (the row id keeps the raw keys)."""
    formats = formats or column_formats(frame, metrics, lang)
    labels = {**source_labels(lang), **(labels or {})}  # the source's names in `lang`
    thresholds = current_thresholds()  # fetched once for the whole table
    categories = (frame[category_column].tolist() if category_column
                  else [None] * len(frame))
    records = frame[list(text_columns) + list(metrics)].to_dict("records")
    rows: list[dict[str, object]] = []
    for index, (record, category) in enumerate(zip(records, categories, strict=True)):
        row = {column: _plain(value) for column, value in record.items()}
        row[ROW_ID] = row_id(record[k] for k in keys) if keys else str(index)
        for column, names in (labels or {}).items():
            if isinstance(row.get(column), str):
                row[column] = names.get(row[column], row[column])
        _cells(row, metrics, formats, days, None if _missing(category) else str(category),
               thresholds)
        rows.append(row)
    ids = [r[ROW_ID] for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError(f"metric_grid: the keys {list(keys)} do not identify the rows "
                         "uniquely; pass every grouping column as a key")
    return rows


def totals_row(totals: Mapping[str, float | None], text_columns: Sequence[str],
               metrics: Sequence[str], lang: str, days: int | None = None,
               category: str | None = None,
               formats: Mapping[str, ColumnFormat] | None = None) -> dict[str, object]:
    """The pinned bottom row: "Total" in the first text column, the caller's totals, in
    their columns' formats."""
    row: dict[str, object] = dict.fromkeys(text_columns)
    if text_columns:
        row[text_columns[0]] = t("grid.total", lang)
    for m in metrics:
        value = totals.get(m)
        row[m] = None if _missing(value) else float(value)  # type: ignore[arg-type]
    row[ROW_ID] = TOTAL_ROW_ID
    formats = formats or {m: metric_column_format(m, [row[m]], lang) for m in metrics}
    _cells(row, metrics, formats, days, category, current_thresholds())
    return row


def _text_column(column: str, lang: str, pinned: bool,
                 rows: Sequence[Mapping[str, object]]) -> dict[str, object]:
    """A key, name or extra column, as wide as its widest value (names up to a cap, then
    in full on hover); `pinned` keeps it in view on a wide table."""
    is_name = column.endswith("_name")
    label = column_label(column, lang)
    width = column_min_width(label, (r.get(column) for r in rows),
                             cap=NAME_CAP if is_name else None)
    spec: dict[str, object] = {
        "field": column, "headerName": label, "headerTooltip": label, "cellDataType": "text",
        "filter": "agTextColumnFilter", "filterParams": {"buttons": ["reset"]},
        "comparator": {"function": NATURAL_SORT}, "tooltipField": column, "minWidth": width,
    }
    if pinned:  # pinned columns do not flex: give them a width
        spec.update(pinned="left", width=width)
    else:
        spec["flex"] = 2 if is_name else 1
    return spec


def _metric_column(metric: str, lang: str,
                   rows: Sequence[Mapping[str, object]]) -> dict[str, object]:
    label = METRICS[metric].label(lang)
    field = f"params.data ? params.data['{STATUS}{metric}'] : null"
    column: dict[str, object] = {
        "field": metric, "headerName": label, "headerTooltip": label,
        "type": "rightAligned", "cellDataType": "number",
        "filter": "agNumberColumnFilter",
        "filterParams": {"buttons": ["reset"], "defaultOption": "greaterThanOrEqual"},
        "valueFormatter": {"function": f"params.data ? params.data['{FMT}{metric}'] : ''"},
        # CSV gets the raw number, not the display text.
        "useValueFormatterForExport": False,
        "cellClass": ["sl-num", "ag-right-aligned-cell"],
        "cellClassRules": {f"sl-cell-{s}": f"({field}) === '{s}'"
                           for s in ("good", "warn", "bad")},
        "minWidth": column_min_width(label, (r.get(FMT + metric) for r in rows)), "flex": 1,
    }
    if METRICS[metric].unit == "ratio":
        # Ratios show as percentages, so the filter takes percentages too (50 → 0.5).
        column["filterValueGetter"] = {"function": (
            f"params.data['{metric}'] == null ? null : params.data['{metric}'] * 100")}
        column["headerTooltip"] = t("grid.filter_percent", lang, label=label)
    return column


def _toolbar(name: str, count: int, lang: str, hidden: bool) -> html.Div:
    return html.Div([
        html.Span(row_count_text(count, lang), id={"type": ROW_COUNT, "name": name},
                  className="sl-grid-count"),
        dbc.Button(t("grid.export_csv", lang), id={"type": EXPORT_CSV, "name": name},
                   title=t("grid.export_csv_title", lang), size="sm", color="secondary",
                   outline=True, className="sl-grid-export"),
        dbc.Button(t("grid.export_xlsx", lang), id={"type": EXPORT_XLSX, "name": name},
                   title=t("grid.export_xlsx_title", lang), size="sm", color="secondary",
                   outline=True, className="sl-grid-export"),
    ], className="sl-grid-toolbar", hidden=hidden)


def _single_category(frame: pd.DataFrame, category_column: str | None) -> str | None:
    """The totals are judged by a category's limits only when every row is in it."""
    if not category_column or frame.empty:
        return None
    values = frame[category_column].dropna().unique()
    return str(values[0]) if len(values) == 1 else None


def metric_grid(name: str, frame: pd.DataFrame, keys: list[str], metrics: list[str],
                lang: str, days: int | None = None,
                totals: Mapping[str, float | None] | None = None,
                category_column: str | None = None, height: int = 520,
                clickable: bool = False, extra_columns: Sequence[str] = (),
                labels: Mapping[str, Mapping[str, str]] | None = None) -> html.Div:
    """A sortable, filterable, virtualised metric table with exports, totals and
    threshold colours.

    `name` identifies the grid on its page (ids, export file names); `keys` are the
    grouping columns that identify a row (their name companions are shown next to them);
    `days` is the period length, for thresholds on annualized metrics; `category_column`
    names the column whose category's own limits judge each row; `labels` translates a
    text column's codes for display, as the charts do ("online" → "Online").
    """
    missing = [c for c in [*keys, *metrics, *extra_columns,
                           *([category_column] if category_column else [])]
               if c not in frame.columns]
    if missing:
        raise ValueError(f"metric_grid {name!r}: the frame has no column {missing}")
    text_columns = display_columns(frame, keys, extra_columns)
    formats = column_formats(frame, metrics, lang, totals)
    rows = grid_rows(frame, keys, text_columns, metrics, lang, days, category_column, formats,
                     labels)
    pinned = ([totals_row(totals, text_columns, metrics, lang, days,
                          _single_category(frame, category_column), formats)]
              if totals is not None else [])
    headers = {c: column_label(c, lang) for c in [*text_columns, *metrics]}

    wide = len(text_columns) + len(metrics) > WIDE_TABLE  # scrolls sideways: pin the keys
    natural = HEADER_HEIGHT + ROW_HEIGHT * (len(rows) + len(pinned)) + 2
    small = natural <= height  # few rows: the grid takes their height, not a fixed box
    options: dict[str, object] = {
        "theme": {"function": THEME},
        "localeText": locale_text(lang),
        "pinnedBottomRowData": pinned,
        "animateRows": False,
        "tooltipShowDelay": 400,
        "domLayout": "autoHeight" if small else "normal",
        # every column is laid out at its measured width (components/grids/column_width.py),
        # also those scrolled out of view: a few dozen columns at most
        "suppressColumnVirtualisation": True,
    }
    if clickable:
        options["rowSelection"] = {"mode": "singleRow", "checkboxes": False,
                                   "enableClickSelection": True}
    row_classes = {"sl-total-row": "params.node.rowPinned === 'bottom'"}
    if clickable:
        row_classes["sl-row-link"] = "!params.node.rowPinned"

    grid = dag.AgGrid(
        id=grid_id(name),
        rowData=rows,
        columnDefs=[*(_text_column(c, lang, wide, [*rows, *pinned]) for c in text_columns),
                    *(_metric_column(m, lang, [*rows, *pinned]) for m in metrics)],
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},
        getRowId=f"params.data.{ROW_ID}",
        rowClassRules=row_classes,
        dashGridOptions=options,
        csvExportParams=csv_export_params(
            name,
            allColumns=False,  # only the columns shown, in their display order
            skipPinnedTop=True,
            skipPinnedBottom=False,  # the totals row ends the file, as on screen
        ),
        className="sl-metric-grid" + (" sl-grid-clickable" if clickable else ""),
        style={} if small else {"height": height},
    )
    return grid_block(name, grid, len(rows), headers, lang, metrics=list(metrics),
                      totals=pinned[0] if pinned else None)


def grid_block(name: str, grid: dag.AgGrid, count: int, headers: dict[str, str], lang: str,
               metrics: list[str] | None = None, totals: dict | None = None,
               extra_tools: object | None = None) -> html.Div:
    """A grid with its toolbar (row count, CSV/Excel), empty notice, download and the
    stores the export callbacks read (components/grids/metric_grid_callbacks.py): every grid of
    the app is exported and audited the same way."""
    meta = {
        "name": name, "headers": headers, "metrics": metrics or [], "totals": totals,
        "count": {"one": t("grid.row_one", lang, n="{n}"), "many": t("grid.rows", lang, n="{n}")},
    }
    empty = not count
    toolbar = _toolbar(name, count, lang, hidden=empty)
    if extra_tools is not None:
        toolbar.children = [*toolbar.children, extra_tools]
    return html.Div([
        toolbar,
        html.Div(grid, hidden=empty),
        html.Div(t("grid.empty", lang), className="sl-grid-empty", hidden=not empty),
        dcc.Download(id={"type": DOWNLOAD, "name": name}),
        dcc.Store(id={"type": META, "name": name}, data=meta),
        dcc.Store(id={"type": AUDITED, "name": name}),
    ], className="sl-grid-block")
