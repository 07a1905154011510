"""Charts of metric results: a monthly trend and a breakdown by one dimension.

Each takes the small frame a MetricQuery returned and colours marks with the one status
function of the metrics layer, so a red bar means the same as a red card.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.kit.formatting import format_value, value_axis
from components.kit.theme import (
    ACCENT,
    GRID,
    STATUS_COLORS,
    base_layout,
    light_figure,
    reference_line,
)
from metrics.registry import METRICS
from metrics.thresholds import ThresholdSet, current_thresholds, status, thresholds_for


def threshold_lines(metric_id: str, category: str | None = None,
                    limits_set: ThresholdSet | None = None) -> list[dict[str, object]]:
    """Dashed target and alert lines of a metric whose thresholds are on the value itself
    (not on an annualized basis); none otherwise."""
    limits = thresholds_for(metric_id, category, limits_set)
    if limits is None or METRICS[metric_id].threshold_basis != "value":
        return []
    return [reference_line("y", value, STATUS_COLORS[level], "dash", 1, opacity=0.8)
            for level, value in (("good", limits.good), ("bad", limits.bad))]


def trend_chart(frame: pd.DataFrame, metric_id: str, grain: str, lang: str,
                days_by_period: dict[str, int], category: str | None = None) -> go.Figure:
    """Bars per period coloured by status, with dashed target/alert lines when the
    thresholds are on the value itself (not on an annualized basis). `category`: the one
    category shown, whose own thresholds (if any) apply."""
    values = frame[metric_id]
    limits_set = current_thresholds()  # one read for every bar
    colors = [STATUS_COLORS[status(metric_id, v, days_by_period.get(p), category,
                                   thresholds=limits_set)]
              for p, v in zip(frame[grain], values, strict=True)]
    fig = light_figure(go.Bar(
        x=frame[grain], y=values, marker_color=colors,
        text=[format_value(metric_id, v, lang) for v in values], textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    top = float(values.max()) if values.notna().any() else 0.0
    shapes = threshold_lines(metric_id, category, limits_set)
    if shapes:  # the lines stay in view
        top = max(top, *(shape["y0"] for shape in shapes))
    low = min(0.0, float(values.min())) if values.notna().any() else 0.0
    yaxis = {**value_axis(metric_id, lang, low, top * 1.15), "gridcolor": GRID}
    if top > 0:
        yaxis["range"] = [low, top * 1.15]
    fig.update_layout(**base_layout(height=320, yaxis=yaxis, xaxis={"type": "category"},
                                     bargap=0.35, shapes=shapes))
    return fig


def breakdown_chart(frame: pd.DataFrame, dim: str, metric_id: str, lang: str, days: int,
                    labels: dict[str, str] | None = None,
                    overall: float | None = None, category: str | None = None,
                    highlight: set[str] | None = None) -> go.Figure:
    """Horizontal bars of one metric by a dimension, best at the top, coloured by status,
    with the overall value as a reference line. `category`: as for `trend_chart`. Each bar
    carries its raw key as customdata (click-to-drill); with `highlight`, bars outside it
    are faded (cross-filtering)."""
    good = METRICS[metric_id].good
    data = frame[[dim, metric_id]].copy()
    data["_missing"] = data[metric_id].isna()
    data = data.sort_values(["_missing", metric_id], ascending=[False, good == "higher"])
    names = [(labels or {}).get(v, v) if v is not None else "—" for v in data[dim]]
    limits_set = current_thresholds()
    colors = [STATUS_COLORS[status(metric_id, v, days, category, thresholds=limits_set)]
              for v in data[metric_id]]
    opacity = [1.0 if not highlight or v in highlight else 0.35 for v in data[dim]]
    fig = light_figure(go.Bar(
        y=names, x=data[metric_id].fillna(0), orientation="h", marker_color=colors,
        marker_opacity=opacity, customdata=list(data[dim]),
        text=[format_value(metric_id, v, lang) for v in data[metric_id]],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    shapes = []
    if overall is not None and pd.notna(overall):
        shapes.append(reference_line("x", float(overall), ACCENT, "dot", 1.5))
    known = [float(v) for v in data[metric_id].dropna()] + [float(overall or 0), 0.0]
    xaxis = {**value_axis(metric_id, lang, min(known) * 1.22, max(known) * 1.22),
             "gridcolor": GRID}
    if max(known) > 0 or min(known) < 0:  # room for the value labels outside the bars
        xaxis["range"] = [min(known) * 1.22, max(known) * 1.22]
    fig.update_layout(**base_layout(height=max(150, 38 * len(data) + 50), bargap=0.35,
                                     xaxis=xaxis, yaxis={"automargin": True}, shapes=shapes))
    return fig
