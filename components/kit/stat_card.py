"""A KPI tile for the analysis pages: a label, a value, its red/amber/green status and a
short note — the board's card look (kpi-card classes) without the previous-period line,
which these pages do not compare against."""

from __future__ import annotations

from dash import html

from components.kit.formatting import format_value
from i18n import t
from metrics.registry import METRICS
from metrics.thresholds import status, thresholds_for


def share_text(value: float | None) -> str:
    """A share as a percentage with one decimal; "<0.1%" rather than a misleading 0.0% for
    a small positive share; "—" when undefined."""
    if value is None or value != value:  # None or NaN
        return "—"
    if 0 < value < 0.0005:
        return "<0.1%"
    return f"{value * 100:.1f}%"


def target_text(metric_id: str, lang: str) -> str:
    """"Target ≤ 60.0 days · alert > 120 days" for a metric judged on its value."""
    limits = thresholds_for(metric_id)
    if limits is None:
        return ""
    key = "kpi.target_higher" if METRICS[metric_id].good == "higher" else "kpi.target_lower"
    return t(key, lang, good=format_value(metric_id, limits.good, lang),
             bad=format_value(metric_id, limits.bad, lang))


def stat_card(label: str, value: str, *, value_id: str | None = None,
              judged: tuple[str, float | None] | None = None, note: object = "",
              foot: str = "", title: str | None = None, accent: str | None = None,
              lang: str = "en") -> html.Div:
    """One tile. `judged`: (metric, value) whose status colours the tile and its badge;
    `accent`: a colour for the left edge instead (e.g. an ABC class)."""
    state = "none"
    if judged is not None:
        state = status(judged[0], judged[1]) or "none"
    head = [html.Span(label, className="kpi-title")]
    if state != "none":
        head.append(html.Span(t(f"status.{state}", lang), className=f"kpi-badge badge-{state}"))
    value_props = {"id": value_id} if value_id else {}
    return html.Div(
        [html.Div(head, className="kpi-head"),
         html.Div(value, className="kpi-value", **value_props),
         html.Div(note, className="kpi-note"),
         html.Div(foot, className="kpi-target")],
        className=f"kpi-card stat-card status-{state}", title=title,
        style={"borderLeftColor": accent} if accent else None,
    )
