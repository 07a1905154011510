"""KPI card: a metric's value, its red/amber/green status, and its change on the previous
period with an arrow coloured by whether the change is good for that metric."""

from __future__ import annotations

from dataclasses import dataclass

from dash import html

from components.kit.formatting import format_change, format_value, is_missing
from i18n import t
from metrics.registry import METRICS
from metrics.thresholds import change_is_good, in_force, status


@dataclass(frozen=True)
class CardSpec:
    """Which metric a card shows, and which metric (if another) decides its status —
    e.g. dead stock is judged by its share of inventory, inventory value by days of supply."""

    metric: str
    status_metric: str | None = None
    note: str | None = None  # "annualized", "share", "supply": the small line under the value


# The executive board's cards, in order: the board (pages/overview.py) and the
# subscriptions that mail it (alerts/subscription_message.py) show the same ones.
BOARD_CARDS = (
    CardSpec("revenue"),
    CardSpec("inventory_value", status_metric="days_of_supply", note="supply"),
    CardSpec("turnover", note="annualized"),
    CardSpec("turnover_days"),
    CardSpec("sell_through"),
    CardSpec("gmroi", note="annualized"),
    CardSpec("stockout_rate"),
    CardSpec("dead_stock_value", status_metric="dead_stock_share", note="share"),
)
BOARD_CARD_METRICS = tuple(dict.fromkeys(
    m for c in BOARD_CARDS for m in (c.metric, c.status_metric) if m))


def _threshold_text(metric_id: str, lang: str, category: str | None) -> str:
    limits, origin = in_force(metric_id, category)
    if limits is None:
        return ""
    key = "kpi.target_higher" if METRICS[metric_id].good == "higher" else "kpi.target_lower"
    text = t(key, lang, good=format_value(metric_id, limits.good, lang),
             bad=format_value(metric_id, limits.bad, lang))
    if METRICS[metric_id].threshold_basis == "annualized":
        text += t("kpi.target_per_year", lang)
    if origin == "category":  # say whose targets these are: not the usual ones
        text += t("thresholds.kpi_category", lang, category=category)
    return text


def card_note(spec: CardSpec, row: dict[str, float | None], days: int, lang: str) -> str:
    """The small line under a card's value; the subscription messages print the same."""
    if spec.note == "annualized" and not is_missing(row.get(spec.metric)):
        value = float(row[spec.metric]) * 365.0 / days  # type: ignore[arg-type]
        return t("kpi.annualized", lang, value=format_value(spec.metric, value, lang))
    if spec.note == "share":
        return t("kpi.share_of_stock", lang,
                 value=format_value("dead_stock_share", row.get("dead_stock_share"), lang))
    if spec.note == "supply":
        return t("kpi.days_of_supply", lang,
                 value=format_value("days_of_supply", row.get("days_of_supply"), lang))
    return ""


def kpi_card(spec: CardSpec, current: dict[str, float | None],
             previous: dict[str, float | None] | None, days: int, lang: str,
             category: str | None = None) -> html.Div:
    """One card. `current`/`previous` map metric ids to values of the two periods;
    `category`: the board shows only this category, so its own thresholds (if any) judge."""
    metric = METRICS[spec.metric]
    judged_by = spec.status_metric or spec.metric
    state = status(judged_by, current.get(judged_by), days, category) or "none"
    value = current.get(spec.metric)
    change = format_change(spec.metric, value, previous.get(spec.metric) if previous else None,
                           lang)
    good = None
    if change is not None and previous is not None:
        good = change_is_good(spec.metric, float(value) - float(previous[spec.metric]))  # type: ignore[arg-type]
    change_class = {True: "delta-good", False: "delta-bad", None: "delta-neutral"}[good]
    return html.Div(
        [
            html.Div([
                html.Span(metric.label(lang), className="kpi-title"),
                html.Span(t(f"status.{state}", lang), className=f"kpi-badge badge-{state}"),
            ], className="kpi-head"),
            html.Div(format_value(spec.metric, value, lang), className="kpi-value",
                     id=f"kpi-value-{spec.metric}"),
            html.Div([
                html.Span(change or "—", className=f"kpi-delta {change_class}"),
                html.Span(" " + (t("kpi.vs_previous", lang, days=days) if change
                                 else t("kpi.no_previous", lang)), className="kpi-delta-label"),
            ], className="kpi-change"),
            html.Div(card_note(spec, current, days, lang), className="kpi-note"),
            html.Div(_threshold_text(judged_by, lang, category), className="kpi-target"),
        ],
        className=f"kpi-card status-{state}",
        title=metric.formula_text,
    )
