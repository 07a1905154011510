"""The lists StockLens watches for someone on the floor — stockouts, stock running out,
new dead stock — as MetricQuery values: the database filters, ranks and cuts them
(`having`, `sort`, `limit`). Shared by the wall's alert ticker and the alert rules, so a
"stockout" means the same on a warehouse screen and in a DingTalk message.

- Stockouts: nothing on hand at the as-of date, yet sold in the period — demand without
  stock. Ranked by the period's revenue (the sales at risk).
- Running out: stock for fewer days than `cut` days of supply, most urgent first.
- New dead stock: stock whose last sale is between N and N+6 days ago (N = the dead-stock
  window), i.e. stock that turned dead during the last week. Ranked by value.

Each asks for `limit + 1` rows, so a caller can say "20+".
"""

from __future__ import annotations

from datetime import date

from metrics.query import MetricQuery, QueryOptions

LIMIT = 20
NEW_DEAD_WEEK = 7  # days: "new" dead stock turned dead within the last week


def stockout_query(start: date, end: date, where: dict[str, list[str]] | None = None,
                   limit: int = LIMIT) -> MetricQuery:
    return MetricQuery.create(
        ["on_hand_units", "units_sold", "revenue"], start, end, by=["sku", "location"],
        where=where, having=[("on_hand_units", "<=", 0), ("units_sold", ">", 0)],
        sort=[("revenue", True)], limit=limit + 1)


def running_out_query(start: date, end: date, cut: float,
                      where: dict[str, list[str]] | None = None,
                      limit: int = LIMIT) -> MetricQuery:
    return MetricQuery.create(
        ["days_of_supply", "on_hand_units", "revenue"], start, end, by=["sku", "location"],
        where=where, having=[("on_hand_units", ">", 0), ("days_of_supply", "<", cut)],
        sort=[("days_of_supply", False), ("revenue", True)], limit=limit + 1)


def new_dead_query(start: date, end: date, where: dict[str, list[str]] | None = None,
                   dead_days: int = QueryOptions().dead_stock_days,
                   limit: int = LIMIT) -> MetricQuery:
    return MetricQuery.create(
        ["dead_stock_value", "days_since_last_sale"], start, end, by=["sku", "location"],
        where=where, having=[("dead_stock_value", ">", 0),
                             ("days_since_last_sale", ">=", dead_days),
                             ("days_since_last_sale", "<", dead_days + NEW_DEAD_WEEK)],
        sort=[("dead_stock_value", True)], limit=limit + 1, dead_stock_days=dead_days)
