"""Figures for a view's chart types (bar, stacked bar, line, area, scatter, heatmap).

The axes follow the view: the time grain (else the first dimension) runs along x; a second
dimension — or the metrics, when there are several — becomes the series. One metric shown
alone keeps its thresholds: bars take their status colours, lines get target/alert lines.
A chart that cannot show the choice says why instead of drawing something misleading.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.boards.view_spec import ViewSpec
from components.kit.charts import threshold_lines
from components.kit.formatting import axis_format, axis_title, format_value, value_axis
from components.kit.theme import GRID, STATUS_COLORS, base_layout, light_figure
from i18n import t
from metrics.dimensions import DIMENSIONS
from metrics.registry import METRICS
from metrics.thresholds import current_thresholds, status

PALETTE = ("#2f6fde", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
MAX_SERIES = 12


def axis_columns(spec: ViewSpec) -> tuple[str | None, str | None]:
    """(x, split): the grain or first dimension along x; the remaining one splits series."""
    axes = [*([spec.grain] if spec.grain else []), *spec.dims]
    return (axes[0] if axes else None), (axes[1] if len(axes) > 1 else None)


def labels_of(frame: pd.DataFrame, column: str | None, lang: str) -> list[str]:
    """Readable values of a column: "name (id)" for SKUs and locations, translated channels."""
    from components.filters.filter_bar import option_label
    from components.kit.value_labels import value_label

    if column is None:
        return [t("explore.total", lang)] * len(frame)
    name_col = DIMENSIONS[column].name_column if column in DIMENSIONS else ""
    names = frame[name_col] if name_col and name_col in frame else [None] * len(frame)
    out = []
    for value, name in zip(frame[column], names, strict=True):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            out.append("—")
        elif name:
            out.append(f"{value_label(name_col, str(name), lang)} ({value})")
        else:
            out.append(option_label(column, str(value), lang))
    return out


def _series_frames(spec: ViewSpec, frame: pd.DataFrame, lang: str):
    """(name, sub-frame, metric) per series."""
    split = axis_columns(spec)[1]
    if split is None:
        return [(METRICS[m].label(lang), frame, m) for m in spec.metrics]
    labels = pd.Series(labels_of(frame, split, lang), index=frame.index)
    metric = spec.metrics[0]
    return [(name, frame[labels == name], metric) for name in dict.fromkeys(labels)]


def _status_colors(metric: str, values: pd.Series, days: int | None) -> list[str]:
    limits = current_thresholds()
    return [STATUS_COLORS[status(metric, v, days, thresholds=limits)] for v in values]


def cartesian_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str,
                     days: int | None) -> go.Figure:
    """Bar, stacked bar, line or area."""
    x, split = axis_columns(spec)
    series = _series_frames(spec, frame, lang)[:MAX_SERIES]
    units = [METRICS[m].unit for m in spec.metrics]
    second_axis = split is None and len(spec.metrics) == 2 and units[0] != units[1]
    fig = light_figure()
    for i, (name, part, metric) in enumerate(series):
        xs = labels_of(part, x, lang)
        text = [format_value(metric, v, lang) for v in part[metric]]
        color = PALETTE[i % len(PALETTE)]
        common = {"name": name, "x": xs, "y": part[metric], "text": text,
                  "hovertemplate": "%{x} · " + name + ": %{text}<extra></extra>",
                  "yaxis": "y2" if second_axis and i == 1 else "y"}
        if spec.chart in ("bar", "stacked_bar"):
            single = len(series) == 1
            marker = _status_colors(metric, part[metric], days) if single else color
            fig.add_trace(go.Bar(**common, marker_color=marker,
                                 textposition="outside" if single and len(part) <= 24
                                 else "none", cliponaxis=False))
        else:
            area = spec.chart == "area"
            fig.add_trace(go.Scatter(  # areas of one metric split by a dimension stack up
                **common, mode="lines+markers", line_color=color,
                stackgroup="one" if area and split else None,
                fill="tozeroy" if area and not split else None))
    shapes = threshold_lines(spec.metrics[0]) if len(spec.metrics) == 1 or split is not None \
        else []
    low, high = _y_extent(fig, spec.chart in ("stacked_bar", "area") and split is not None)
    layout = base_layout(height=420, shapes=shapes, showlegend=len(series) > 1,
                         legend={"orientation": "h", "y": -0.18},
                         barmode="stack" if spec.chart == "stacked_bar" else "group",
                         # room above the bars' value labels for plotly's tool bar
                         margin={"l": 8, "r": 16, "t": 40, "b": 8},
                         xaxis={"type": "category", "gridcolor": GRID, "automargin": True,
                                "title": {"text": _x_title(x, lang),
                                          "font": {"size": 11, "color": "#4a5870"}}},
                         yaxis={**value_axis(spec.metrics[0], lang, low, high),
                                "gridcolor": GRID, "rangemode": "tozero"})
    if second_axis:
        layout["yaxis2"] = {**axis_format(spec.metrics[1]), "overlaying": "y", "side": "right",
                            "showgrid": False, "rangemode": "tozero",
                            "title": {"text": axis_title(spec.metrics[1], lang),
                                      "font": {"size": 11, "color": "#4a5870"}}}
    fig.update_layout(**layout)
    return fig


def _x_title(x: str | None, lang: str) -> str:
    return DIMENSIONS[x].label(lang) if x in DIMENSIONS else ""


def _y_extent(fig: go.Figure, stacked: bool) -> tuple[float, float]:
    """The lowest and highest value drawn on the left axis (stacked: the sums per x), for
    its tick labels."""
    totals: dict[object, float] = {}
    values: list[float] = [0.0]
    for trace in fig.data:
        if getattr(trace, "yaxis", "y") not in (None, "y"):
            continue
        for x_value, y_value in zip(trace.x or (), trace.y if trace.y is not None else (),
                                    strict=False):
            if y_value is None or pd.isna(y_value):
                continue
            values.append(float(y_value))
            totals[x_value] = totals.get(x_value, 0.0) + float(y_value)
    if stacked and totals:
        values += list(totals.values())
    return min(values), max(values)


def scatter_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str) -> go.Figure:
    """One point per group: the first metric across, the second up, a third as size."""
    x_metric, y_metric = spec.metrics[0], spec.metrics[1]
    point, split = axis_columns(spec)
    names = labels_of(frame, point, lang)
    sizes = None
    if len(spec.metrics) > 2:
        raw = frame[spec.metrics[2]].fillna(0).abs()
        sizes = (8 + 32 * raw / raw.max()).tolist() if raw.max() else None
    groups = labels_of(frame, split, lang) if split else [None] * len(frame)
    fig = light_figure()
    for i, group in enumerate(dict.fromkeys(groups)):
        mask = [g == group for g in groups]
        part = frame[mask]
        fig.add_trace(go.Scatter(
            x=part[x_metric], y=part[y_metric], mode="markers", name=group or "",
            text=[n for n, m in zip(names, mask, strict=True) if m],
            marker={"color": PALETTE[i % len(PALETTE)], "opacity": 0.8,
                    "size": [s for s, m in zip(sizes, mask, strict=True) if m] if sizes else 10},
            hovertemplate="%{text}<br>" + METRICS[x_metric].label(lang) + ": %{x}<br>"
            + METRICS[y_metric].label(lang) + ": %{y}<extra></extra>"))
    fig.update_layout(**base_layout(
        height=420, showlegend=split is not None,
        xaxis={**value_axis(x_metric, lang, float(frame[x_metric].min()),
                            float(frame[x_metric].max())), "gridcolor": GRID},
        yaxis={**value_axis(y_metric, lang, float(frame[y_metric].min()),
                            float(frame[y_metric].max())), "gridcolor": GRID}))
    return fig


def heatmap_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str) -> go.Figure:
    """The first metric by two axes; each cell shows its formatted value when they fit."""
    x, y = axis_columns(spec)
    metric = spec.metrics[0]
    data = frame.assign(_x=labels_of(frame, x, lang), _y=labels_of(frame, y, lang))
    grid = data.pivot_table(index="_y", columns="_x", values=metric, aggfunc="first",
                            sort=False)
    text = [[format_value(metric, v, lang) for v in row] for row in grid.to_numpy()]
    reverse = METRICS[metric].good == "lower"
    fig = light_figure(go.Heatmap(
        z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index), text=text,
        texttemplate="%{text}" if grid.size <= 300 else None, hoverongaps=False,
        colorscale="RdYlGn_r" if reverse else "RdYlGn",
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorbar={"tickformat": axis_format(metric).get("tickformat", "")}))
    fig.update_layout(**base_layout(height=max(320, 28 * len(grid.index) + 120),
                                    xaxis={"type": "category", "automargin": True},
                                    yaxis={"type": "category", "automargin": True}))
    return fig
