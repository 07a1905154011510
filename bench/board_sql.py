"""Hand-written DuckDB SQL for the numbers of one executive-board refresh: the floor.

The board (pages/overview.py) shows, for a filter state: the KPI cards over the period
and the previous period of equal length, a 12-month trend of one metric, and that metric
overall and by region and by channel. This module answers the same questions the way a
DuckDB expert would write them by hand for this one schema — date_trunc for months, one
scan per fact, no generic machinery — so the benchmark can say how far StockLens's
compiled, dialect-neutral SQL is from the best one can do on the same engine.

It is written from DESIGN.md's metric definitions, not from metrics/, so the test that
compares it with the compiled queries (tests/unit/test_board_hand_sql.py) checks both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

CARD_METRICS = ("revenue", "inventory_value", "days_of_supply", "turnover", "turnover_days",
                "sell_through", "gmroi", "stockout_rate", "dead_stock_value",
                "dead_stock_share")
DEAD_DAYS = 90


@dataclass(frozen=True)
class BoardAsk:
    """One board refresh: the period, the filters and the metric of trend and breakdowns."""

    start: date
    end: date
    region: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    metric: str = "turnover_days"

    def previous(self) -> tuple[date, date]:
        days = (self.end - self.start).days + 1
        return self.start - timedelta(days=days), self.start - timedelta(days=1)

    def trend_start(self, first_day: date) -> date:
        month = self.end.year * 12 + self.end.month - 1 - 11
        return max(date(month // 12, month % 12 + 1, 1), first_day)


def _in(column: str, values: tuple[str, ...]) -> str:
    if not values:
        return "TRUE"
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _filters(ask: BoardAsk, channel_sql: str) -> str:
    return " AND ".join((_in("l.region", ask.region), _in(channel_sql, ask.channel),
                         _in("k.category", ask.category)))


SALES_CHANNEL = "coalesce(s.channel, l.channel, 'default')"
STOCK_CHANNEL = "coalesce(l.channel, 'default')"


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def cards_sql(ask: BoardAsk, start: date, end: date) -> str:
    """Every card metric over [start, end] (as-of = end) in one statement."""
    s, e, dead_from = _d(start), _d(end), _d(end - timedelta(days=DEAD_DAYS - 1))
    sales_f, stock_f = _filters(ask, SALES_CHANNEL), _filters(ask, STOCK_CHANNEL)
    days = (end - start).days + 1
    return f"""
WITH snaps AS (SELECT DISTINCT date AS d FROM inventory),
marks AS (SELECT count(*) FILTER (WHERE d BETWEEN {s} AND {e}) AS n,
                 max(d) FILTER (WHERE d <= {e}) AS asof,
                 coalesce(max(d) FILTER (WHERE d < {s}),
                          min(d) FILTER (WHERE d BETWEEN {s} AND {e})) AS open
          FROM snaps),
sold AS (SELECT sum(s.revenue) AS revenue, sum(coalesce(s.cost, s.qty * k.unit_cost)) AS cogs,
                sum(s.qty) AS units
         FROM sales s JOIN sku k USING (sku_id) JOIN location l USING (location_id)
         WHERE s.date BETWEEN {s} AND {e} AND {sales_f}),
got AS (SELECT sum(r.qty) AS units FROM receipts r JOIN sku k USING (sku_id)
        JOIN location l USING (location_id) WHERE r.date BETWEEN {s} AND {e} AND {stock_f}),
stock AS (
  SELECT sum(coalesce(i.on_hand_value, i.on_hand_qty * k.unit_cost))
           FILTER (WHERE i.date BETWEEN {s} AND {e}) AS value_sum,
         count(*) FILTER (WHERE i.date BETWEEN {s} AND {e} AND i.on_hand_qty > 0) AS stocked,
         sum(coalesce(i.on_hand_value, i.on_hand_qty * k.unit_cost))
           FILTER (WHERE i.date = m.asof) AS asof_value,
         sum(i.on_hand_qty) FILTER (WHERE i.date = m.asof) AS asof_units,
         sum(i.on_hand_qty) FILTER (WHERE i.date = m.open) AS open_units
  FROM inventory i JOIN sku k USING (sku_id) JOIN location l USING (location_id), marks m
  WHERE (i.date BETWEEN {s} AND {e} OR i.date IN (m.asof, m.open)) AND {stock_f}),
recent AS (SELECT DISTINCT sku_id, location_id FROM sales
           WHERE date BETWEEN {dead_from} AND {e} AND qty > 0),
dead AS (SELECT sum(coalesce(i.on_hand_value, i.on_hand_qty * k.unit_cost)) AS value
         FROM inventory i JOIN sku k USING (sku_id) JOIN location l USING (location_id)
         JOIN marks m ON i.date = m.asof
         ANTI JOIN recent r ON r.sku_id = i.sku_id AND r.location_id = i.location_id
         WHERE i.on_hand_qty > 0 AND {stock_f}),
pairs AS (SELECT count(*) AS n FROM (
            SELECT sku_id, location_id FROM inventory
            WHERE date BETWEEN {s} AND {e} AND on_hand_qty > 0
            UNION SELECT sku_id, location_id FROM sales
            WHERE date BETWEEN {s} AND {e} AND qty > 0) a
          JOIN sku k USING (sku_id) JOIN location l USING (location_id)
          WHERE {stock_f}),
v AS (SELECT coalesce(sold.revenue, 0) AS revenue, coalesce(sold.cogs, 0) AS cogs,
             coalesce(sold.units, 0) AS units, coalesce(got.units, 0) AS received,
             CASE WHEN m.asof IS NOT NULL THEN coalesce(stock.asof_value, 0) END AS inv,
             CASE WHEN m.asof IS NOT NULL THEN coalesce(stock.asof_units, 0) END AS asof_units,
             CASE WHEN m.open IS NOT NULL THEN coalesce(stock.open_units, 0) END AS open_units,
             CASE WHEN m.asof IS NOT NULL THEN coalesce(dead.value, 0) END AS dead,
             coalesce(stock.value_sum, 0) / nullif(m.n, 0) AS avg_inv,
             pairs.n * m.n AS pair_dates, stock.stocked AS stocked
      FROM sold, got, stock, dead, pairs, marks m)
SELECT revenue, inv AS inventory_value,
       asof_units / nullif(units / {days}, 0) AS days_of_supply,
       cogs / nullif(avg_inv, 0) AS turnover,
       {days} / nullif(cogs / nullif(avg_inv, 0), 0) AS turnover_days,
       units / nullif(open_units + received, 0) AS sell_through,
       (revenue - cogs) / nullif(avg_inv, 0) AS gmroi,
       (pair_dates - stocked) / nullif(pair_dates, 0) AS stockout_rate,
       dead AS dead_stock_value, dead / nullif(inv, 0) AS dead_stock_share
FROM v"""


def turnover_days_sql(ask: BoardAsk, start: date, end: date, key: str | None) -> str:
    """Turnover days over [start, end]: by month (key "month"), by region or channel, or
    overall (key None). The snapshot count is the whole source's, per month or period."""
    s, e = _d(start), _d(end)
    group = {"month": ("strftime(s.date, '%Y-%m')", "strftime(i.date, '%Y-%m')"),
             "region": ("l.region", "l.region"),
             "channel": (SALES_CHANNEL, STOCK_CHANNEL), None: ("'all'", "'all'")}[key]
    if key == "month":
        days = f"least(last_day(strptime(g || '-01', '%Y-%m-%d')::DATE), {e}) " \
               f"- greatest(strptime(g || '-01', '%Y-%m-%d')::DATE, {s}) + 1"
        count = ("(SELECT strftime(d, '%Y-%m') AS g, count(*) AS n FROM "
                 f"(SELECT DISTINCT date AS d FROM inventory WHERE date BETWEEN {s} AND {e}) "
                 "GROUP BY 1)")
        join_n = "LEFT JOIN snaps USING (g)"
    else:
        days = str((end - start).days + 1)
        count = (f"(SELECT count(DISTINCT date) AS n FROM inventory "
                 f"WHERE date BETWEEN {s} AND {e})")
        join_n = ", snaps"
    return f"""
WITH snaps AS {count},
c AS (SELECT {group[0]} AS g, sum(coalesce(s.cost, s.qty * k.unit_cost)) AS cogs
      FROM sales s JOIN sku k USING (sku_id) JOIN location l USING (location_id)
      WHERE s.date BETWEEN {s} AND {e} AND {_filters(ask, SALES_CHANNEL)} GROUP BY 1),
i AS (SELECT {group[1]} AS g, sum(coalesce(i.on_hand_value, i.on_hand_qty * k.unit_cost)) AS v
      FROM inventory i JOIN sku k USING (sku_id) JOIN location l USING (location_id)
      WHERE i.date BETWEEN {s} AND {e} AND {_filters(ask, STOCK_CHANNEL)} GROUP BY 1),
g AS (SELECT g, coalesce(c.cogs, 0) AS cogs, coalesce(i.v, 0) AS v
      FROM c FULL JOIN i USING (g))
SELECT g, ({days}) / nullif(cogs / nullif(v / nullif(n, 0), 0), 0) AS turnover_days
FROM g {join_n} ORDER BY g"""


def board_statements(ask: BoardAsk, first_day: date) -> dict[str, str]:
    """The statements of one board refresh, named after the page's queries."""
    prev_start, prev_end = ask.previous()
    trend_start = ask.trend_start(first_day)
    out = {"cards": cards_sql(ask, ask.start, ask.end)}
    if prev_start >= first_day:  # the page leaves the comparison out otherwise
        out["cards_previous"] = cards_sql(ask, prev_start, prev_end)
    out["trend"] = turnover_days_sql(ask, trend_start, ask.end, "month")
    out["overall"] = turnover_days_sql(ask, ask.start, ask.end, None)
    out["by_region"] = turnover_days_sql(ask, ask.start, ask.end, "region")
    out["by_channel"] = turnover_days_sql(ask, ask.start, ask.end, "channel")
    return out


def run_board(con: Any, ask: BoardAsk, first_day: date) -> dict[str, list[tuple]]:
    """Run one refresh's statements on a DuckDB connection; rows per statement."""
    return {name: con.execute(sql).fetchall()
            for name, sql in board_statements(ask, first_day).items()}
