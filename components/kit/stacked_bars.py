"""Stacked bars of one metric: x groups (age buckets, categories) split by a second
dimension (category, region, ABC class), with each bar's total above it.

The frame is a MetricQuery result grouped by both dimensions; a missing combination is a
zero segment. Sums of parts are only shown for additive metrics (money, units), which is
what callers stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from components.kit.formatting import format_value, value_axis
from components.kit.theme import GRID, base_layout, light_figure

# A qualitative palette in the board's tones (the status colours are kept for status).
PALETTE = ("#2f6fde", "#20a39e", "#f0a43a", "#8e6bd8", "#e0607e", "#5bb6e8", "#9bb43a",
           "#c9784a", "#4a5b8c", "#7b8aa0")


def stack_table(frame: pd.DataFrame, x: str, stack: str, metric: str,
                x_order: Sequence[str] | None = None,
                stack_order: Sequence[str] | None = None) -> pd.DataFrame:
    """x values as rows, stack values as columns, the metric in the cells (0 if absent).

    Order: `x_order` (else by total, largest first), `stack_order` (else by total)."""
    data = frame[[x, stack, metric]].copy()
    data[[x, stack]] = data[[x, stack]].fillna("—").astype(str)
    table = data.pivot_table(index=x, columns=stack, values=metric, aggfunc="sum",
                             fill_value=0.0, sort=False)
    rows = list(x_order) if x_order is not None else list(
        table.sum(axis=1).sort_values(ascending=False).index)
    columns = list(stack_order) if stack_order is not None else list(
        table.sum(axis=0).sort_values(ascending=False).index)
    return table.reindex(index=rows, columns=columns, fill_value=0.0).astype(float)


def stacked_bar_chart(frame: pd.DataFrame, x: str, stack: str, metric: str, lang: str,
                      x_order: Sequence[str] | None = None,
                      stack_order: Sequence[str] | None = None,
                      colors: Mapping[str, str] | None = None,
                      stack_labels: Mapping[str, str] | None = None,
                      height: int = 320) -> go.Figure:
    """The chart; `stack_labels` name the legend entries (e.g. translated channels)."""
    table = stack_table(frame, x, stack, metric, x_order, stack_order)
    xs = [str(v) for v in table.index]
    fig = light_figure()
    for index, column in enumerate(table.columns):
        name = (stack_labels or {}).get(column, column)
        values = table[column].tolist()
        fig.add_bar(
            x=xs, y=values, name=name,
            marker_color=(colors or {}).get(column, PALETTE[index % len(PALETTE)]),
            customdata=[format_value(metric, v, lang) for v in values],
            hovertemplate=f"{name} · %{{x}}: %{{customdata}}<extra></extra>",
        )
    totals = table.sum(axis=1).tolist()
    fig.add_scatter(x=xs, y=totals, mode="text", showlegend=False, hoverinfo="skip",
                    text=[format_value(metric, v, lang) for v in totals],
                    textposition="top center", textfont={"size": 11, "color": "#4a5870"},
                    cliponaxis=False)
    top = max(totals, default=0.0)
    yaxis = {**value_axis(metric, lang, 0.0, top * 1.14), "gridcolor": GRID,
             "automargin": True}
    if top > 0:
        yaxis["range"] = [0, top * 1.14]
    fig.update_layout(**base_layout(
        height=height, barmode="stack", bargap=0.3, showlegend=True, yaxis=yaxis,
        xaxis={"type": "category", "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                "font": {"size": 11}, "traceorder": "normal"},
        margin={"l": 8, "r": 16, "t": 36, "b": 8},
    ))
    return fig
