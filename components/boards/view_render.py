"""A view's result as a component: a chart, a metric grid or a pivot table, or a plain
sentence saying why the choice cannot be shown (and what to change)."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.boards.view_charts import (
    axis_columns,
    cartesian_figure,
    heatmap_figure,
    labels_of,
    scatter_figure,
)
from components.boards.view_spec import ViewSpec
from components.grids.metric_grid import THEME, metric_grid
from components.kit.formatting import metric_column_format
from i18n import t
from metrics.dimensions import DIMENSIONS
from metrics.registry import METRICS

# plotly's tool bar only on hover, in the figure's top margin (view_charts leaves it room),
# without the tools that make no sense on a bar chart of a few groups
GRAPH_CONFIG = {"displaylogo": False, "displayModeBar": "hover",
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def code_labels(frame: pd.DataFrame, keys: list[str], lang: str) -> dict[str, dict[str, str]]:
    """Display labels of the key columns without a name column (channels: "online" →
    "Online"), so a view's table says what its chart says."""
    from components.filters.filter_bar import option_label

    return {k: {str(v): option_label(k, str(v), lang) for v in frame[k].dropna().unique()}
            for k in keys if k in frame.columns and k in DIMENSIONS
            and not DIMENSIONS[k].name_column}


def why_not(spec: ViewSpec, frame: pd.DataFrame, lang: str) -> str | None:
    """The reason a choice cannot be drawn, or None."""
    split = axis_columns(spec)[1]
    if frame.empty:
        return t("board.empty", lang)
    if spec.chart == "scatter" and len(spec.metrics) < 2:
        return t("explore.need_two_metrics", lang)
    if spec.chart in ("heatmap", "pivot") and split is None:
        return t("explore.need_two_axes", lang)
    return None


def pivot_grid(name: str, spec: ViewSpec, frame: pd.DataFrame, lang: str) -> dag.AgGrid:
    """Rows by the first dimension, columns by the time grain (else the second dimension),
    cells of the first metric."""
    x, y = (spec.dims[0], spec.grain) if spec.grain and spec.dims else axis_columns(spec)
    metric = spec.metrics[0]
    data = frame.assign(_row=labels_of(frame, x, lang), _col=labels_of(frame, y, lang))
    table = data.pivot_table(index="_row", columns="_col", values=metric, aggfunc="first",
                             sort=False)
    columns = [str(c) for c in table.columns]
    fmt = metric_column_format(metric, table.to_numpy().ravel().tolist(), lang)  # one format
    rows = []
    for label, values in zip(table.index, table.to_numpy(), strict=True):
        row: dict[str, object] = {"__row": label}
        for col, value in zip(columns, values, strict=True):
            row[col] = None if pd.isna(value) else float(value)
            row[f"__fmt__{col}"] = fmt(value)
        rows.append(row)
    head = DIMENSIONS[x].label(lang) if x in DIMENSIONS else ""
    defs = [{"field": "__row", "headerName": head, "pinned": "left", "minWidth": 160}] + [
        {"field": c, "headerName": c, "type": "numericColumn", "minWidth": 110,
         "valueFormatter": {"function": f"params.data ? params.data['__fmt__{c}'] : ''"}}
        for c in columns]
    return dag.AgGrid(id=f"{name}-pivot", rowData=rows, columnDefs=defs,
                      defaultColDef={"sortable": True, "resizable": True, "filter": True},
                      dashGridOptions={"theme": {"function": THEME}},
                      style={"height": min(520, 56 + 42 * max(len(rows), 1))})


def render_view(name: str, spec: ViewSpec, frame: pd.DataFrame, lang: str,
                days: int | None, with_data: bool = False) -> object:
    """The view's component; `with_data` adds the rows under a chart (Explore)."""
    reason = why_not(spec, frame, lang)
    if reason:
        return html.Div(reason, className="view-message")
    if spec.chart == "table":
        keys = [c for c in spec.columns() if c not in spec.metrics]
        return metric_grid(name, frame, keys, list(spec.metrics), lang, days=days,
                           labels=code_labels(frame, keys, lang))
    if spec.chart == "pivot":
        return pivot_grid(name, spec, frame, lang)
    if spec.chart == "scatter":
        figure = scatter_figure(spec, frame, lang)
    elif spec.chart == "heatmap":
        figure = heatmap_figure(spec, frame, lang)
    else:
        figure = cartesian_figure(spec, frame, lang, days)
    note = None
    if len(spec.metrics) > 1 and axis_columns(spec)[1] and spec.chart not in ("scatter",):
        note = html.Div(t("explore.first_metric_only", lang,
                          metric=METRICS[spec.metrics[0]].label(lang)), className="view-note")
    graph = dcc.Graph(id={"type": "view-graph", "name": name}, figure=figure,
                      config=GRAPH_CONFIG | {"toImageButtonOptions": {"filename": name}})
    if not with_data:
        return html.Div([note, graph])
    keys = [c for c in spec.columns() if c not in spec.metrics]
    data = html.Details([html.Summary(t("explore.data", lang)),
                         metric_grid(f"{name}-data", frame, keys, list(spec.metrics), lang,
                                     days=days, height=360,
                                     labels=code_labels(frame, keys, lang))],
                        className="view-data")
    return html.Div([note, graph, data])
