"""The wall's KPI tiles: one number each, big enough to read across a warehouse, in its
threshold colour, with the change on the previous period of equal length.

The tiles are fixed (the six numbers a site is steered by) and judged like the board's
cards: inventory value by its days of supply, dead stock by its share of inventory value
— money amounts have no universal target. Status comes from metrics.thresholds.status,
the one status function, so a red tile means what a red card means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dash import html

from components.kit.formatting import format_change, format_value, is_missing
from components.wall.wall_params import Scope
from i18n import t
from metrics.query import MetricQuery
from metrics.registry import METRICS
from metrics.thresholds import change_is_good, status


@dataclass(frozen=True)
class WallTile:
    metric: str
    status_metric: str | None = None  # judged by another metric (see the module doc)
    share: bool = False  # show the dead-stock share under the value


TILES = (
    WallTile("turnover_days"),
    WallTile("sell_through"),
    WallTile("stockout_rate"),
    WallTile("inventory_value", status_metric="days_of_supply"),
    WallTile("dead_stock_value", status_metric="dead_stock_share", share=True),
    WallTile("days_of_supply"),
)
TILE_METRICS = tuple(dict.fromkeys(m for x in TILES for m in (x.metric, x.status_metric) if m))


def tile_id(metric: str) -> str:
    return f"wall-kpi-{metric}"


def kpi_query(start: date, end: date, scope: Scope | None) -> MetricQuery:
    query = MetricQuery.create(TILE_METRICS, start, end)
    return scope.apply(query) if scope else query


def _change(tile: WallTile, value: object, before: object, lang: str) -> tuple[str, str]:
    """(text, css class) of the change on the previous period."""
    text = format_change(tile.metric, value, before, lang)  # type: ignore[arg-type]
    if text is None:
        return "", "wall-delta-none"
    good = change_is_good(tile.metric, float(value) - float(before))  # type: ignore[arg-type]
    return text, {True: "wall-delta-good", False: "wall-delta-bad", None: ""}[good]


def tile_body(tile: WallTile, current: dict[str, object] | None,
              previous: dict[str, object] | None, days: int, lang: str) -> html.Div:
    """A tile's content (its outer box stays put, so an update changes only text and
    classes); `current` None: not read yet."""
    value = current.get(tile.metric) if current else None
    judged = tile.status_metric or tile.metric
    state = (status(judged, current.get(judged), days) if current else None) or "none"  # type: ignore[arg-type]
    before = previous.get(tile.metric) if previous else None
    change, change_class = _change(tile, value, before, lang)
    lines = [
        html.Div(METRICS[tile.metric].label(lang), className="wall-kpi-label"),
        html.Div(format_value(tile.metric, value, lang),  # type: ignore[arg-type]
                 className="wall-kpi-value", id=f"wall-value-{tile.metric}"),
        html.Div([
            html.Span(change or "—", className=f"wall-delta {change_class}"),
            html.Span(t("kpi.vs_previous", lang, days=days) if change
                      else t("kpi.no_previous", lang) if current else "",
                      className="wall-delta-label"),
        ], className="wall-kpi-change"),
    ]
    note = ""
    if tile.share and current and not is_missing(current.get("dead_stock_share")):
        note = t("kpi.share_of_stock", lang, value=format_value(
            "dead_stock_share", current.get("dead_stock_share"), lang))  # type: ignore[arg-type]
    elif tile.status_metric == "days_of_supply" and current:
        note = t("kpi.days_of_supply", lang, value=format_value(
            "days_of_supply", current.get("days_of_supply"), lang))  # type: ignore[arg-type]
    lines.append(html.Div([html.Span(t(f"status.{state}", lang), className="wall-kpi-state"),
                           html.Span(note, className="wall-kpi-note")],
                          className="wall-kpi-foot"))
    return html.Div(lines, className=f"wall-kpi wall-status-{state}")


def tile_boxes(lang: str, days: int) -> list[html.Div]:
    """The tiles as first drawn (labels and dashes), each box filled by the refresh."""
    return [html.Div(tile_body(tile, None, None, days, lang), id=tile_id(tile.metric),
                     className="wall-kpi-box") for tile in TILES]
