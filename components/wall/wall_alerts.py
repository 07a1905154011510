"""The wall's alert ticker: what needs someone on the floor today, at this site.

Three lists, each one MetricQuery by SKU and location: the database filters, ranks and
cuts them (`having`, `sort`, `limit`); the builders here check each row against the same
rule once more (so a hand-made frame can test them) and turn rows into alerts.

- Stockouts: nothing on hand at the as-of date, yet sold in the period — demand without
  stock. Ranked by the period's revenue (the sales at risk).
- Below reorder point: once the source has stored demand forecasts (forecast/job.py),
  stock at or below its reorder point (forecast/plan.py, at the default service level),
  most urgent first: the soonest projected stockout, then the largest order value.
  Sku-locations with nothing on hand are left to the stockout list.
- Running out (while there are no stored forecasts): stock for fewer days than the
  days-of-supply target's "good" value, most urgent first.
- New dead stock: stock whose last sale is between N and N+6 days ago (N = the dead-stock
  window), i.e. stock that turned dead during the last week. Old dead stock is the slow
  movers page's business; a wall only announces what is new. Ranked by value.

Each list keeps LIMIT alerts; one row more is asked for, so the count can say "20+".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from cachetools import TTLCache
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from components.kit.formatting import format_value, is_missing
from components.kit.value_labels import value_label
from components.wall.wall_params import Scope
from i18n import t
from metrics import watch_lists
from metrics.query import MetricQuery, QueryOptions
from metrics.thresholds import thresholds_for
from metrics.watch_lists import LIMIT, NEW_DEAD_WEEK
from service.principal import Principal, require

KINDS = ("stockout", "reorder", "running_out", "new_dead")
REORDER_REUSE_S = 5.0  # one site's screens share a reorder-point list this long
# Keyed by the principal's scope as well as the wall's own site: a manager's /wall
# without a site must never get the list an all-data wall computed a second before.
_recent: TTLCache[tuple, pd.DataFrame | None] = TTLCache(maxsize=256, ttl=REORDER_REUSE_S)
_recent_lock = threading.Lock()
REORDER_COLUMNS = ("sku", "sku_name", "location", "location_name", "on_hand",
                   "reorder_point", "days_to_stockout", "order_value", "stockout")


@dataclass(frozen=True)
class Alert:
    kind: str  # one of KINDS
    sku: str
    location: str
    number: str  # the key number, formatted


@dataclass(frozen=True)
class AlertList:
    kind: str
    alerts: tuple[Alert, ...]
    more: bool  # there were more than shown


def _scoped(query: MetricQuery, scope: Scope | None) -> MetricQuery:
    return scope.apply(query) if scope else query


def stockout_query(start: date, end: date, scope: Scope | None,
                   limit: int = LIMIT) -> MetricQuery:
    return _scoped(watch_lists.stockout_query(start, end, limit=limit), scope)


def running_out_cut() -> float | None:
    """Days of supply under which stock is "running out": the target's good value (all
    categories). Replaced by the reorder point once replenishment exists."""
    limits = thresholds_for("days_of_supply")
    return float(limits.good) if limits is not None else None


def running_out_query(start: date, end: date, scope: Scope | None, cut: float,
                      limit: int = LIMIT) -> MetricQuery:
    return _scoped(watch_lists.running_out_query(start, end, cut, limit=limit), scope)


def reorder_frame(principal: Principal, source: str, scope: Scope | None,
                  limit: int = LIMIT) -> pd.DataFrame | None:
    """The sku-locations with stock at or below their reorder point at the site, in the
    principal's scope, most urgent first (one more than shown), or None while the source
    has no stored forecast. Plain columns only (the stockout date as ISO text), so the
    wall's rendering cache can fingerprint them.

    Looking the plan up means reading every sku-location's stock and lead time and
    fingerprinting them (~25 ms); the screens of one site all ask within seconds of each
    other, so an answer is shared for REORDER_REUSE_S — less than the shortest refresh
    interval, so each screen's next refresh still asks afresh — and only while the same
    forecast run is the latest (a new run is seen at once), and only by screens of the
    same scope."""
    from app_state.forecasts import latest_run  # one small read of the state database

    principal = require(principal)
    try:
        run = latest_run(source)
    except SQLAlchemyError:
        run = None
    key = (principal.cache_key, source, scope, limit, run.id if run is not None else None)
    with _recent_lock:
        if key in _recent:
            return _recent[key]
    frame = _reorder_frame(principal, source, scope, limit)
    with _recent_lock:
        _recent[key] = frame
    return frame


def _reorder_frame(principal: Principal, source: str, scope: Scope | None,
                   limit: int) -> pd.DataFrame | None:
    from metrics.replenishment import Policy
    from service.replenishment import current_plan  # reads the state database

    try:
        plan = current_plan(principal, source, scope.where() if scope else None, Policy())
    except SQLAlchemyError:  # the state database is unreadable: keep the stand-in rule
        return None
    if plan is None:
        return None
    rows = plan.frame[(plan.frame["status"] != "good") & (plan.frame["on_hand"] > 0)]
    rows = rows.sort_values(["days_to_stockout", "order_value"], ascending=[True, False],
                            na_position="last", kind="stable").head(limit + 1).copy()
    rows["stockout"] = [d.isoformat() if d else None for d in rows["stockout_date"]]
    out = rows[list(REORDER_COLUMNS)].reset_index(drop=True)
    out.attrs["stale_since"] = plan.frame.attrs.get("stale_since")
    out.attrs["run"] = plan.run.id
    return out


def new_dead_query(start: date, end: date, scope: Scope | None,
                   dead_days: int = QueryOptions().dead_stock_days,
                   limit: int = LIMIT) -> MetricQuery:
    return _scoped(watch_lists.new_dead_query(start, end, dead_days=dead_days, limit=limit),
                   scope)


def _names(row: pd.Series) -> tuple[str, str]:
    sku = row.get("sku_name")
    location = row.get("location_name")
    return (str(sku) if not is_missing(sku) and sku else str(row["sku"]),
            str(location) if not is_missing(location) and location else str(row["location"]))


def _build(kind: str, frame: pd.DataFrame, keep: Callable[[pd.Series], bool],
           order: list[tuple[str, bool]], number: Callable[[pd.Series], str],
           limit: int) -> AlertList:
    rows = frame[frame.apply(keep, axis=1)] if not frame.empty else frame
    if not rows.empty:
        rows = rows.sort_values([c for c, _ in order], ascending=[not d for _, d in order],
                                kind="stable")
    alerts = tuple(Alert(kind, *_names(row), number(row))
                   for _, row in rows.head(limit).iterrows())
    return AlertList(kind, alerts, len(rows) > limit)


def _number(row: pd.Series, column: str) -> float | None:
    value = row.get(column)
    return None if is_missing(value) else float(value)


def stockout_alerts(frame: pd.DataFrame, days: int, lang: str,
                    limit: int = LIMIT) -> AlertList:
    def keep(row: pd.Series) -> bool:
        on_hand, sold = _number(row, "on_hand_units"), _number(row, "units_sold")
        return on_hand is not None and on_hand <= 0 and sold is not None and sold > 0

    return _build("stockout", frame, keep, [("revenue", True)],
                  lambda r: t("wall.alert.sold", lang, days=days,
                              units=format_value("units_sold", r["units_sold"], lang)), limit)


def running_out_alerts(frame: pd.DataFrame, cut: float, lang: str,
                       limit: int = LIMIT) -> AlertList:
    def keep(row: pd.Series) -> bool:
        supply, on_hand = _number(row, "days_of_supply"), _number(row, "on_hand_units")
        return supply is not None and supply < cut and on_hand is not None and on_hand > 0

    return _build("running_out", frame, keep, [("days_of_supply", False), ("revenue", True)],
                  lambda r: t("kpi.days_of_supply", lang,
                              value=format_value("days_of_supply", r["days_of_supply"], lang)),
                  limit)


def reorder_alerts(frame: pd.DataFrame, lang: str, limit: int = LIMIT) -> AlertList:
    def keep(row: pd.Series) -> bool:
        on_hand, rop = _number(row, "on_hand"), _number(row, "reorder_point")
        return on_hand is not None and rop is not None and 0 < on_hand <= rop

    def number(row: pd.Series) -> str:
        when = row.get("stockout")
        return t("wall.alert.reorder_num", lang,
                 on_hand=format_value("on_hand_units", row["on_hand"], lang),
                 rop=f"{row['reorder_point']:,.0f}",
                 when=str(when)[5:] if when else t("wall.alert.reorder_never", lang))

    return _build("reorder", frame, keep, [("days_to_stockout", False),
                                           ("order_value", True)], number, limit)


def new_dead_alerts(frame: pd.DataFrame, dead_days: int, lang: str,
                    limit: int = LIMIT) -> AlertList:
    def keep(row: pd.Series) -> bool:
        value, since = _number(row, "dead_stock_value"), _number(row, "days_since_last_sale")
        return (value is not None and value > 0 and since is not None
                and dead_days <= since < dead_days + NEW_DEAD_WEEK)

    return _build("new_dead", frame, keep, [("dead_stock_value", True)],
                  lambda r: t("wall.alert.dead", lang, days=f"{r['days_since_last_sale']:.0f}",
                              value=format_value("dead_stock_value", r["dead_stock_value"],
                                                 lang)), limit)


# ---- the ticker ----------------------------------------------------------------------------
SECONDS_PER_ALERT = 4.5  # scrolling speed: long enough to read an alert from afar


def _item(alert: Alert, lang: str, show_location: bool) -> html.Span:
    return html.Span([
        html.Span(t(f"wall.alert.{alert.kind}", lang), className="wall-alert-kind"),
        html.Span(value_label("sku_name", alert.sku, lang), className="wall-alert-sku"),
        html.Span(value_label("location_name", alert.location, lang),
                  className="wall-alert-loc") if show_location else None,
        html.Span(alert.number, className="wall-alert-num"),
    ], className=f"wall-alert wall-alert-{alert.kind}")


def _count(found: AlertList, lang: str) -> html.Span:
    n = f"{len(found.alerts)}+" if found.more else str(len(found.alerts))
    return html.Span([html.Span(t(f"wall.alert.{found.kind}", lang)), html.B(n)],
                     className=f"wall-count wall-count-{found.kind}"
                               + (" wall-count-zero" if not found.alerts else ""))


def ticker(lists: Sequence[AlertList], lang: str, show_location: bool = True) -> list:
    """The ticker's children: counts per kind, then the alerts scrolling right to left
    (the list twice in a row, so the loop is seamless), or a calm line when all is well."""
    counts = html.Div([_count(found, lang) for found in lists], className="wall-counts")
    alerts = [a for found in lists for a in found.alerts]
    if not alerts:
        return [counts, html.Div(t("wall.alert.none", lang), className="wall-ticker-calm")]
    items = [_item(a, lang, show_location) for a in alerts]
    copy = [_item(a, lang, show_location) for a in alerts]
    track = html.Div([html.Div(items, className="wall-ticker-run"),
                      html.Div(copy, className="wall-ticker-run", **{"aria-hidden": "true"})],
                     className="wall-ticker-track",
                     style={"animationDuration": f"{max(20.0, SECONDS_PER_ALERT * len(alerts))}s"})
    return [counts, html.Div(track, className="wall-ticker-window")]
