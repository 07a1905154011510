"""What the replenishment page shows of a plan: its KPI tiles, the demand chart (recent
daily sales and the forecast of the SKU-locations shown) and the plan's grid columns."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.grids.data_grid import Column
from components.kit.formatting import DASH, money_text, rate_text, units_text, value_axis
from components.kit.theme import ACCENT, MUTED, base_layout, light_figure
from components.kit.value_labels import source_labels
from i18n import t

CHART_FORECAST_DAYS = 56
FORECAST_COLOR = "#8e5bd6"


def status_card(label: str, value: str, state: str, note: str, value_id: str,
                lang: str, title: str | None = None) -> html.Div:
    """A KPI tile in the board's look, coloured by a status decided by the caller."""
    head = [html.Span(label, className="kpi-title")]
    if state in ("good", "warn", "bad"):
        head.append(html.Span(t(f"status.{state}", lang), className=f"kpi-badge badge-{state}"))
    return html.Div([html.Div(head, className="kpi-head"),
                     html.Div(value, className="kpi-value", id=value_id),
                     html.Div(note, className="kpi-note")],
                    className=f"kpi-card stat-card status-{state}", title=title)


def money(value: float, lang: str) -> str:
    return money_text(value, lang)


def plan_cards(plan: pd.DataFrame, paths: np.ndarray, lang: str) -> list[html.Div]:
    """SKU-locations due, those too late already, the value to order, forecast demand."""
    due = plan[plan["status"] != "good"]
    late = int((plan["status"] == "bad").sum())
    ordered = plan[plan["order_qty"] > 0]
    demand = float(paths[plan["_row"].to_numpy(dtype=int), :28].sum()) if len(plan) else 0.0
    share = len(due) / len(plan) if len(plan) else 0.0
    return [
        status_card(t("repl.kpi.due", lang), f"{len(due):,}",
                    "bad" if share > 0.25 else "warn" if len(due) else "good",
                    t("repl.kpi.due_note", lang, n=f"{len(plan):,}"), "repl-kpi-due", lang),
        status_card(t("repl.kpi.late", lang), f"{late:,}", "bad" if late else "good",
                    t("repl.kpi.late_note", lang), "repl-kpi-late", lang),
        status_card(t("repl.kpi.value", lang), money(float(ordered["order_value"].sum()), lang),
                    "none", t("repl.kpi.value_note", lang,
                              units=units_text(float(ordered["order_qty"].sum()), lang),
                              suppliers=ordered["supplier"].nunique()),
                    "repl-kpi-value", lang),
        status_card(t("repl.kpi.forecast", lang), units_text(demand, lang), "none",
                    t("repl.kpi.forecast_note", lang, units=rate_text(demand / 28)),
                    "repl-kpi-forecast", lang),
    ]


def methods_text(plan: pd.DataFrame, lang: str) -> str:
    """"exponential smoothing 1,203 · Croston (intermittent) 2,980 · …"."""
    counts = Counter(plan["method"])
    parts = [f"{t(f'repl.method.{m}', lang)} {n:,}" for m, n in counts.most_common()]
    return " · ".join(parts) if parts else DASH


def demand_figure(history: pd.DataFrame, plan: pd.DataFrame, paths: np.ndarray,
                  as_of: date, lang: str) -> go.Figure:
    """Daily units sold (bars) up to as-of, then the summed forecast of the plan's
    SKU-locations (line) for the next weeks."""
    rows = plan["_row"].to_numpy(dtype=int)
    horizon = min(CHART_FORECAST_DAYS, paths.shape[1]) if paths.ndim == 2 else 0
    forecast = paths[rows, :horizon].sum(axis=0) if len(rows) else np.zeros(horizon)
    days = [as_of + timedelta(days=h + 1) for h in range(horizon)]
    fig = light_figure()
    fig.add_bar(x=history["day"], y=history["units_sold"], marker_color=ACCENT,
                opacity=0.55, name=t("repl.chart.actual", lang),
                hovertemplate="%{x}<br>%{y:,.0f}<extra></extra>")
    fig.add_scatter(x=days, y=forecast, mode="lines", line={"color": FORECAST_COLOR,
                                                              "width": 2.5},
                    name=t("repl.chart.forecast", lang),
                    hovertemplate="%{x}<br>%{y:,.1f}<extra></extra>")
    fig.add_vline(x=as_of.isoformat(), line={"color": MUTED, "dash": "dot", "width": 1})
    fig.add_annotation(x=as_of.isoformat(), y=1, yref="paper", text=t("repl.chart.origin",
                                                                        lang),
                       showarrow=False, xanchor="left", font={"color": MUTED, "size": 11})
    fig.update_layout(**base_layout(
        height=300, showlegend=True, bargap=0.15,
        legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"size": 11}},
        yaxis=_units_axis(history, forecast, lang)))
    if t("chart.day_tick", lang):  # "8月9日" in Chinese (month names: assets/plotly_locale.js)
        fig.update_xaxes(tickformat=t("chart.day_tick", lang))
    return fig


def _units_axis(history: pd.DataFrame, forecast: np.ndarray, lang: str) -> dict[str, object]:
    """Units per day, ticked like the cards (20K in en, 2万 in zh)."""
    high = max([float(history["units_sold"].max() or 0.0) if len(history) else 0.0,
                float(forecast.max()) if forecast.size else 0.0])
    axis = value_axis("units_sold", lang, 0.0, high)
    axis["title"] = {"text": t("repl.chart.y", lang), "font": {"size": 11, "color": "#4a5870"}}
    return {**axis, "gridcolor": "#e7ebf0", "rangemode": "tozero"}


def plan_columns(lang: str) -> list[Column]:
    """The plan grid: identity, status, stock and forecast, the policy, the order."""
    status_labels = {s: t(f"repl.status.{s}", lang) for s in ("bad", "warn", "good")}
    method_labels = {m: t(f"repl.method.{m}", lang)
                     for m in ("ses", "croston", "sba", "tsb", "adida", "imapa", "pooled",
                               "moving_average", "none", "inactive")}

    names = source_labels(lang)  # the source's names in `lang`; the plan keeps the stored ones

    def col(field: str, kind: str = "text", **extra: object) -> Column:
        if kind == "text" and "labels" not in extra and field in names:
            extra["labels"] = names[field]
        return Column(field, t(f"repl.col.{field}", lang), kind, **extra)  # type: ignore[arg-type]

    return [
        col("sku", pinned=True), col("sku_name", pinned=True), col("location"),
        col("location_name"), col("status", status="status", labels=status_labels),
        col("supplier"), col("on_hand", "int", status="status"), col("reorder_point", "units"),
        col("order_qty", "int"), col("order_value", "money"), col("stockout_date", "date"),
        col("order_by", "date"), col("forecast_daily", "number"), col("sigma", "number"),
        col("lead_time", "days"), col("lead_sigma", "number"), col("safety_stock", "units"),
        col("order_up_to", "units"),
        col("category"), col("region"), col("method", labels=method_labels),
    ]

