"""An import report as the upload page shows it: an outcome line, the per-file counts and
the row-level problems or rejected rows in sortable, filterable grids."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from data_connectors.import_report import ImportReport
from i18n import t

FILE_COLUMNS = ("file_name", "entity", "rows_read", "rows_imported", "rows_rejected",
                "blank_lines", "problem_count")
PROBLEM_COLUMNS = ("file", "line", "column", "value", "reason")


def report_grid(grid_id: str, frame: pd.DataFrame, columns: tuple[str, ...], lang: str,
                height: int = 360) -> dag.AgGrid:
    """A read-only AG Grid over a report table (virtualised, so 100k rows are fine)."""
    def header(col: str) -> str:
        key = "col.file" if col == "file_name" else f"col.{col}"
        return t(key, lang)
    return dag.AgGrid(
        id=grid_id,
        rowData=frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
        .to_dict("records"),
        columnDefs=[{"field": c, "headerName": header(c),
                     "type": "numericColumn" if frame[c].dtype.kind in "iuf" else None,
                     "flex": 3 if c in ("reason", "file_name", "file") else 1}
                    for c in columns],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        dashGridOptions={"animateRows": False},
        style={"height": min(height, 48 + 42 * max(len(frame), 1))},
        className="ag-theme-quartz report-grid",
    )


def files_frame(report: ImportReport) -> pd.DataFrame:
    return pd.DataFrame([{c: getattr(f, c) for c in FILE_COLUMNS} for f in report.files])


def report_view(report: ImportReport, target: str, lang: str) -> html.Div:
    parts: list[object] = []
    if report.accepted:
        key = "import.done_rejected" if report.rows_rejected else "import.done"
        parts.append(dbc.Alert([
            t(key, lang, rows=f"{report.rows_imported:,}", name=target,
              rejected=f"{report.rows_rejected:,}"),
            html.A(t("import.open_board", lang, name=target), href=f"/?source={target}",
                   className="alert-link ms-2"),
        ], color="warning" if report.rows_rejected else "success", id="import-outcome"))
    else:
        summary = report.summary().removeprefix("import rejected: ")
        parts.append(dbc.Alert(t("import.rejected", lang, summary=summary),
                               color="danger", id="import-outcome"))
    parts += [html.H2(t("import.files_table", lang), className="section-title mt-3"),
              report_grid("import-files-grid", files_frame(report), FILE_COLUMNS, lang)]
    if report.problem_count:
        parts += [html.H2(t("import.problems_table", lang), className="section-title mt-3"),
                  report_grid("import-problems-grid", report.problem_rows(), PROBLEM_COLUMNS,
                              lang, height=480)]
    if report.rows_rejected:
        parts += [html.H2(t("import.rejected_table", lang), className="section-title mt-3"),
                  report_grid("import-rejected-grid", report.rejected_rows(), PROBLEM_COLUMNS,
                              lang, height=480)]
    return html.Div(parts, className="panel")
