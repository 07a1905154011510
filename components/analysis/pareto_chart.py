"""The Pareto chart of an ABC analysis: a bar per SKU, largest first, coloured by class,
the cumulative share of the measure as a line on a second axis, the A and B cut-offs as
dashed lines.

The cumulative share is presentation over the query's rows (one per SKU, a few thousand
at most), ranked as the metrics layer ranks them: measure descending, ties by SKU id.
Bars carry no text and are drawn as one trace per class, so thousands of SKUs stay fast;
hovering shows the SKU, its value and the cumulative share.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.analysis.abc_summary import CLASS_COLORS, CLASSES
from components.kit.formatting import format_value, value_axis
from components.kit.theme import GRID, MUTED, base_layout, light_figure
from components.kit.value_labels import value_label
from i18n import t
from metrics.registry import METRICS

LINE_COLOR = "#14213d"


def pareto_frame(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The SKUs ranked (rank 1 = largest), with `cum_share`: the share of the total
    measure of that SKU and every SKU above it; None throughout when the total is ≤ 0."""
    ranked = frame.assign(_m=frame[measure].fillna(0.0).astype(float))
    ranked = ranked.sort_values(["_m", "sku"], ascending=[False, True], kind="mergesort")
    ranked = ranked.reset_index(drop=True)
    total = float(ranked["_m"].sum())
    ranked["rank"] = range(1, len(ranked) + 1)
    ranked["cum_share"] = (ranked["_m"].cumsum() / total) if total > 0 else None
    return ranked.drop(columns="_m")


def _percent(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value) * 100:.1f}%"


def pareto_chart(ranked: pd.DataFrame, measure: str, cuts: tuple[float, float],
                 lang: str) -> go.Figure:
    """`ranked`: from `pareto_frame`; `cuts`: the A and B cut-offs as fractions."""
    fig = light_figure()
    for klass in CLASSES:
        part = ranked[ranked["abc_class"] == klass]
        if part.empty:
            continue
        names = [f"{value_label('sku_name', n, lang)} ({s})" if isinstance(n, str) and n
                 else str(s)
                 for s, n in zip(part["sku"], part.get("sku_name", part["sku"]), strict=True)]
        fig.add_bar(
            x=part["rank"], y=part[measure], name=t("insight.abc.class", lang, klass=klass),
            marker={"color": CLASS_COLORS[klass], "line": {"width": 0}},
            customdata=list(zip(names, [format_value(measure, v, lang) for v in part[measure]],
                                [_percent(v) for v in part["cum_share"]], strict=True)),
            hovertemplate=("#%{x} %{customdata[0]}<br>%{customdata[1]} · "
                           + t("insight.abc.cumulative_short", lang)
                           + " %{customdata[2]}<extra>" + klass + "</extra>"),
        )
    if ranked["cum_share"].notna().any():
        fig.add_scatter(x=ranked["rank"], y=ranked["cum_share"], yaxis="y2", mode="lines",
                        name=t("insight.abc.cumulative", lang), hoverinfo="skip",
                        line={"color": LINE_COLOR, "width": 2})
        for klass, cut in zip(("A", "B"), cuts, strict=True):
            fig.add_hline(y=cut, yref="y2", line_dash="dash", line_width=1,
                          line_color=MUTED, annotation_text=f"{klass} {cut * 100:g}%",
                          annotation_position="bottom right",
                          annotation_font={"size": 11, "color": MUTED})
    n = len(ranked)
    top = ranked["cum_share"].max() if ranked["cum_share"].notna().any() else 1.0
    fig.update_layout(**base_layout(
        height=380, bargap=0.0 if n > 60 else 0.2, barmode="overlay", showlegend=True,
        hovermode="closest",
        xaxis={"title": {"text": t("insight.abc.rank_axis", lang,
                                   label=METRICS[measure].label(lang)),
                         "font": {"size": 12, "color": MUTED}},
               "range": [0.5, max(n, 1) + 0.5], "tickformat": ",d", "showgrid": False,
               "automargin": True},
        yaxis={**value_axis(measure, lang, 0.0, float(ranked[measure].max() or 0.0)
                            if n else 0.0), "gridcolor": GRID, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, max(1.04, float(top) + 0.02)],
                "tickformat": ".0%", "dtick": 0.2, "showgrid": False, "automargin": True},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0,
                "font": {"size": 11}},
        margin={"l": 8, "r": 8, "t": 36, "b": 8},
    ))
    return fig
