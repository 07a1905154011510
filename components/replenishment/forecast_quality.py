"""The replenishment page's evidence: the forecast-quality panel (how the stored forecasts
did against seasonal naive on the job's past origins, per category) and the policy
replay chart (service achieved against stock held, StockLens' policy against what
actually happened). Both read figures the forecast job stored (service/replenishment.py
narrows them to the page's SKU-locations); nothing is computed here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.kit.formatting import CURRENCY, DASH, _compact, value_axis
from components.kit.theme import ACCENT, MUTED, base_layout, light_figure
from i18n import t
from metrics.replenishment import Policy

DEMAND_COLOR = "#e8a317"
ACTUAL_COLOR = "#d64545"
OVERALL = "(all)"


def _pct(value: object) -> str:
    return DASH if value is None or value != value else f"{float(value) * 100:.1f}%"


def _num(value: object) -> str:
    return DASH if value is None or value != value else f"{float(value):.2f}"


def quality_table(frame: pd.DataFrame | None, lang: str) -> html.Div:
    """Per category: the forecast's WAPE, MASE, RMSSE and bias next to seasonal naive's
    (the "(all)" row first)."""
    if frame is None:
        return html.Div(t("repl.quality.none", lang), className="repl-quality-none")
    by = {(r.category, r.method): r for r in frame.itertuples()}
    categories = [OVERALL, *sorted({c for c, _ in by} - {OVERALL})]
    head = html.Tr([html.Th(t(f"repl.quality.col.{c}", lang)) for c in (
        "category", "wape", "naive_wape", "mase", "naive_mase", "rmsse", "bias", "verdict")])
    rows = []
    for category in categories:
        ours, naive = by.get((category, "forecast")), by.get((category, "seasonal_naive"))
        if ours is None or naive is None:
            continue
        better = (ours.wape == ours.wape and naive.wape == naive.wape and ours.wape < naive.wape
                  and (ours.mase != ours.mase or naive.mase != naive.mase
                       or ours.mase < naive.mase))
        verdict = html.Span(t("repl.quality.better" if better else "repl.quality.worse", lang),
                            className=f"kpi-badge badge-{'good' if better else 'warn'}")
        name = t("repl.quality.overall", lang) if category == OVERALL else category
        rows.append(html.Tr([html.Td(name), html.Td(_pct(ours.wape)), html.Td(_pct(naive.wape)),
                             html.Td(_num(ours.mase)), html.Td(_num(naive.mase)),
                             html.Td(_num(ours.rmsse)),
                             html.Td(DASH if ours.bias != ours.bias
                                     else f"{ours.bias * 100:+.1f}%"),
                             html.Td(verdict)],
                            className="repl-quality-all" if category == OVERALL else None))
    return html.Div(html.Table([html.Thead(head), html.Tbody(rows)],
                               className="table table-sm repl-quality-table"),
                    className="repl-quality", id="repl-quality-table")


def replay_summary(table: pd.DataFrame, policy: Policy, lang: str) -> str:
    """One line: at the page's service level, what the replay achieved against the target
    and against what actually happened."""
    row = table[(table["basis"] == policy.safety_basis)
                & np.isclose(table["service_level"].astype(float), policy.service_level)]
    actual = table[table["basis"] == "actual"]
    if row.empty or actual.empty:
        return ""
    ours, real = row.iloc[0], actual.iloc[0]
    return t("repl.replay.summary", lang, target=f"{policy.service_level * 100:g}",
             csl=_pct(ours["cycle_service"]), fill=_pct(ours["fill_rate"]),
             actual_csl=_pct(real["cycle_service"]), actual_fill=_pct(real["fill_rate"]),
             stock=f"{CURRENCY}{_compact(float(ours['stock_value_mean']), lang)}",
             actual_stock=f"{CURRENCY}{_compact(float(real['stock_value_mean']), lang)}",
             out=f"{ours['stockout_days']:,.0f}", actual_out=f"{real['stockout_days']:,.0f}")


def replay_figure(table: pd.DataFrame, policy: Policy, lang: str) -> go.Figure:
    """Cycle service level achieved (y) against mean stock value held (x): a line per
    safety-stock basis through its four targets, the page's own marked, and a point for
    what actually happened; dotted: the page's target."""
    fig = light_figure()
    for basis, color in (("error", ACCENT), ("demand", DEMAND_COLOR)):
        rows = table[table["basis"] == basis].sort_values("service_level")
        if rows.empty:
            continue
        mine = np.isclose(rows["service_level"].astype(float), policy.service_level)
        fig.add_scatter(
            x=rows["stock_value_mean"], y=rows["cycle_service"], mode="lines+markers+text",
            name=t(f"repl.replay.{basis}", lang), line={"color": color, "width": 2},
            marker={"size": np.where(mine, 13, 8), "color": color,
                    "line": {"width": np.where(mine, 2, 0), "color": "#1b2a3a"}},
            text=[f"{v * 100:g}%" for v in rows["service_level"]], textposition="top left",
            textfont={"size": 10, "color": color},
            customdata=np.column_stack([rows["service_level"] * 100, rows["fill_rate"] * 100]),
            hovertemplate=t("repl.replay.hover", lang) + "<extra></extra>")
    actual = table[table["basis"] == "actual"]
    if not actual.empty:
        fig.add_scatter(x=actual["stock_value_mean"], y=actual["cycle_service"],
                        mode="markers", name=t("repl.replay.actual", lang),
                        marker={"symbol": "star", "size": 15, "color": ACTUAL_COLOR},
                        customdata=np.column_stack([actual["fill_rate"] * 100]),
                        hovertemplate=t("repl.replay.hover_actual", lang) + "<extra></extra>")
    fig.add_hline(y=policy.service_level, line={"color": MUTED, "dash": "dot", "width": 1})
    fig.update_layout(**base_layout(
        height=320, showlegend=True,
        legend={"orientation": "h", "y": 1.14, "x": 0, "font": {"size": 11}},
        xaxis={**value_axis("inventory_value", lang, float(table["stock_value_mean"].min()),
                            float(table["stock_value_mean"].max()), from_zero=False),
               "title": t("repl.replay.x", lang), "gridcolor": "#e7ebf0"},
        yaxis={"title": t("repl.replay.y", lang), "tickformat": ".0%",
               "gridcolor": "#e7ebf0"}))
    return fig
