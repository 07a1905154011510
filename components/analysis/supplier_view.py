"""What the suppliers page shows of lead-time statistics: KPI tiles, the lead-time chart
(mean ± one standard deviation per supplier, coloured by on-time share) and grid columns.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.grids.data_grid import Column
from components.kit.formatting import DASH
from components.kit.theme import STATUS_COLORS, base_layout, light_figure
from components.kit.value_labels import source_labels, value_label
from components.replenishment.replenishment_view import status_card
from i18n import t

ON_TIME_GOOD, ON_TIME_BAD = 0.9, 0.75


def _weighted_mean(frame: pd.DataFrame) -> float | None:
    n = frame["receipts"].sum()
    return float((frame["lead_time_mean"] * frame["receipts"]).sum() / n) if n else None


def _pooled_std(frame: pd.DataFrame) -> float | None:
    """Spread of all receipts' lead times around the overall mean, from each group's
    count, mean and standard deviation (no raw rows needed)."""
    n = frame["receipts"].sum()
    mean = _weighted_mean(frame)
    if mean is None or n < 2:
        return None
    within = ((frame["receipts"] - 1).clip(lower=0) * frame["lead_time_std"].fillna(0) ** 2).sum()
    between = (frame["receipts"] * (frame["lead_time_mean"] - mean) ** 2).sum()
    return float(((within + between) / (n - 1)) ** 0.5)


def _status(share: float | None) -> str:
    if share is None or share != share:
        return "none"
    return "good" if share >= ON_TIME_GOOD else "warn" if share >= ON_TIME_BAD else "bad"


def supplier_cards(frame: pd.DataFrame, lang: str) -> list[html.Div]:
    receipts = int(frame["receipts"].sum())
    on_time = float((frame["on_time_share"] * frame["receipts"]).sum() / receipts) \
        if receipts else None
    late = receipts - round((frame["on_time_share"] * frame["receipts"]).sum())
    mean, std = _weighted_mean(frame), _pooled_std(frame)
    slowest = frame.sort_values("lead_time_mean", ascending=False).iloc[0]
    return [
        status_card(t("sup.kpi.suppliers", lang), f"{len(frame):,}", "none",
                    t("sup.kpi.suppliers_note", lang, receipts=f"{receipts:,}"),
                    "sup-kpi-suppliers", lang),
        status_card(t("sup.kpi.lead", lang),
                    t("unit.days", lang, value=f"{mean:,.1f}") if mean is not None else DASH,
                    "none", t("sup.kpi.lead_note", lang,
                              std=f"{std:,.1f}" if std is not None else DASH),
                    "sup-kpi-lead", lang),
        status_card(t("sup.kpi.on_time", lang),
                    f"{on_time * 100:.1f}%" if on_time is not None else DASH, _status(on_time),
                    t("sup.kpi.on_time_note", lang, late=f"{late:,}"), "sup-kpi-on-time", lang),
        status_card(t("sup.kpi.slowest", lang),
                    t("unit.days", lang, value=f"{slowest['lead_time_mean']:,.1f}"), "none",
                    value_label("supplier", str(slowest["supplier"]), lang), "sup-kpi-slowest",
                    lang),
    ]


def lead_figure(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars: mean lead time, ±1σ error bars, red/amber/green by on-time share,
    the longest at the top."""
    data = frame.sort_values("lead_time_mean")
    colors = [STATUS_COLORS[_status(s) if _status(s) != "none" else None]
              for s in data["on_time_share"]]
    hover = [t("sup.col.on_time_share", lang) + f": {s * 100:.1f}%" if s == s else DASH
             for s in data["on_time_share"]]
    fig = light_figure(go.Bar(
        x=data["lead_time_mean"],
        y=[value_label("supplier", str(s), lang) for s in data["supplier"]],
        orientation="h", marker_color=colors,
        error_x={"type": "data", "array": data["lead_time_std"].fillna(0), "color": "#7b8aa0",
                 "thickness": 1.2, "width": 3},
        customdata=hover,
        hovertemplate="%{y}<br>%{x:.1f} ± %{error_x.array:.1f}<br>%{customdata}<extra></extra>"))
    fig.update_layout(**base_layout(height=max(240, 15 * len(data) + 60), bargap=0.25,
                                    xaxis={"gridcolor": "#e7ebf0", "rangemode": "tozero",
                                           "title": {"text": t("sup.col.lead_time_mean", lang),
                                                     "font": {"size": 11}}},
                                    yaxis={"automargin": True, "tickfont": {"size": 10}}))
    return fig


def supplier_columns(lang: str, with_sku: bool) -> list[Column]:
    def col(field: str, kind: str = "text", **extra: object) -> Column:
        return Column(field, t(f"sup.col.{field}", lang), kind, **extra)  # type: ignore[arg-type]

    names = source_labels(lang)  # shown in `lang`; the row id keeps the stored supplier
    keys = [Column("supplier", t("repl.col.supplier", lang), pinned=with_sku,
                   labels=names.get("supplier"))]
    if with_sku:
        keys += [Column("sku", t("repl.col.sku", lang), pinned=True),
                 Column("sku_name", t("repl.col.sku_name", lang), labels=names.get("sku_name"))]
    stats = [col("receipts", "int"), col("lead_time_mean", "days"), col("lead_time_std", "days"),
             col("lead_time_min", "int"), col("lead_time_max", "int"),
             col("on_time_share", "percent", status="on_time_status"),
             col("received_cost", "money"), col("last_receipt", "date")]
    if not with_sku:
        stats.insert(6, col("skus", "int"))
    return keys + stats
