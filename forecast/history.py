"""Daily demand per SKU-location, with stockout days marked as unknown demand.

What a day's sales say about demand depends on the stock: a day that ended with nothing
on hand and sold nothing says nothing at all (the shelf was empty), so it is *missing*
demand (NaN), never a zero a model would learn from. Such a day is known only where the
source has a stock snapshot that day; days between snapshots (weekly or monthly stock
counts) keep their sales as demand.

The database does the aggregation, in three small statements (SQLAlchemy Core, any
engine): units sold per (SKU, location, day); the runs of consecutive snapshot dates on
which a SKU-location had stock (gaps-and-islands with window functions, so a pair that is
always in stock is one row, not one per day); and the snapshot dates. This is a batch
job's read, never a page callback's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from canonical.model import DEFAULT_CHANNEL
from data_connectors.source import Source
from metrics.sqlfuncs import date_param
from service import ALL_DATA, history_rows

PAIR_CHUNK = 4000  # SKU-locations per read: bounds memory at large scales


@dataclass
class History:
    """Demand of `pairs` (a frame of sku_id, location_id, category, channel) on the
    consecutive days first … first + len(days) − 1: `demand[d, p]`, NaN when unknown;
    `first_seen[p]`, the index of the first day pair p sold or had stock (before it, the
    pair did not exist as far as the data tells: its zeros are no demand)."""

    first: date
    pairs: pd.DataFrame
    demand: np.ndarray
    first_seen: np.ndarray | None = None
    seen: np.ndarray | None = None  # days × pairs: a sale or stock on hand that day

    @property
    def days(self) -> int:
        return self.demand.shape[0]

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def index_of(self, day: date) -> int:
        return (day - self.first).days

    def data_start(self) -> int:
        """The index of the first day any pair sold or had stock: the days before it are
        before the data, not days without demand."""
        if self.first_seen is None or not len(self.first_seen):
            return 0
        return int(self.first_seen.min())


def _rows(source: Source, statement: sa.Select) -> list[tuple]:
    """Through the query service, as the forecast job: all data (history is unscoped)."""
    return history_rows(ALL_DATA, source, statement)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def sales_statement(source: Source, first: date, last: date,
                    locations: list[str] | None) -> sa.Select:
    """Σ qty per (SKU, location, day) in [first, last]."""
    s = source.relation("sales").alias()
    where = [s.c.date.between(date_param(first), date_param(last))]
    if locations is not None:
        where.append(s.c.location_id.in_(locations))
    return (sa.select(s.c.sku_id, s.c.location_id, s.c.date, sa.func.sum(s.c.qty))
            .where(*where).group_by(s.c.sku_id, s.c.location_id, s.c.date))


def stocked_runs_statement(source: Source, first: date, last: date,
                           locations: list[str] | None) -> sa.Select:
    """(SKU, location, first k, last k) per run of consecutive snapshot indexes k (the
    source's snapshot dates in [first, last], numbered 1, 2, …) with stock on hand."""
    inv = source.relation("inventory").alias()
    in_range = inv.c.date.between(date_param(first), date_param(last))
    dates = sa.select(inv.c.date.label("d")).where(in_range).distinct().subquery("snap_dates")
    numbered = sa.select(dates.c.d, sa.func.row_number().over(order_by=dates.c.d).label("k")
                         ).subquery("snap_index")
    stock = source.relation("inventory").alias()
    where = [stock.c.on_hand_qty > 0]
    if locations is not None:
        where.append(stock.c.location_id.in_(locations))
    stocked = (sa.select(stock.c.sku_id, stock.c.location_id, numbered.c.k)
               .select_from(stock.join(numbered, numbered.c.d == stock.c.date))
               .where(*where).distinct().subquery("stocked"))
    island = (stocked.c.k - sa.func.row_number().over(
        partition_by=(stocked.c.sku_id, stocked.c.location_id), order_by=stocked.c.k))
    runs = sa.select(stocked.c.sku_id, stocked.c.location_id, stocked.c.k,
                     island.label("island")).subquery("runs")
    return (sa.select(runs.c.sku_id, runs.c.location_id, sa.func.min(runs.c.k),
                      sa.func.max(runs.c.k))
            .group_by(runs.c.sku_id, runs.c.location_id, runs.c.island))


def snapshot_dates(source: Source, first: date, last: date) -> list[date]:
    inv = source.relation("inventory")
    statement = (sa.select(inv.c.date).where(inv.c.date.between(date_param(first),
                                                                date_param(last)))
                 .distinct().order_by(inv.c.date))
    return [_as_date(r[0]) for r in _rows(source, statement)]


def pair_attributes(source: Source) -> tuple[dict[str, str], dict[str, str]]:
    """Category of each SKU and channel of each location (dimension tables are small)."""
    sku, loc = source.relation("sku"), source.relation("location")
    categories = {str(k): str(v) for k, v in _rows(source, sa.select(sku.c.sku_id,
                                                                     sku.c.category))}
    channels = {str(k): str(v or DEFAULT_CHANNEL)
                for k, v in _rows(source, sa.select(loc.c.location_id, loc.c.channel))}
    return categories, channels


def location_chunks(source: Source, first: date, last: date,
                    size: int = PAIR_CHUNK) -> list[list[str]]:
    """Locations grouped so that each group has about `size` SKU-locations with sales or
    stock in the window (one location is never split)."""
    inv, sales = source.relation("inventory"), source.relation("sales")
    pairs = sa.union(
        sa.select(inv.c.sku_id, inv.c.location_id).where(
            inv.c.date.between(date_param(first), date_param(last))),
        sa.select(sales.c.sku_id, sales.c.location_id).where(
            sales.c.date.between(date_param(first), date_param(last))),
    ).subquery("pairs")
    counts = _rows(source, sa.select(pairs.c.location_id, sa.func.count())
                   .group_by(pairs.c.location_id).order_by(pairs.c.location_id))
    chunks: list[list[str]] = [[]]
    filled = 0
    for location, n in counts:
        if chunks[-1] and filled + int(n) > size:
            chunks.append([])
            filled = 0
        chunks[-1].append(str(location))
        filled += int(n)
    return [c for c in chunks if c]


def read_history(source: Source, first: date, last: date,
                 locations: list[str] | None = None,
                 attributes: tuple[dict[str, str], dict[str, str]] | None = None,
                 snapshots: list[date] | None = None) -> History:
    """Daily demand of every SKU-location (of `locations`, default all) with sales or
    stock in [first, last]; stockout days (a snapshot with nothing on hand, no sale) NaN."""
    categories, channels = attributes or pair_attributes(source)
    snapshots = snapshot_dates(source, first, last) if snapshots is None else snapshots
    sales = _rows(source, sales_statement(source, first, last, locations))
    runs = _rows(source, stocked_runs_statement(source, first, last, locations))
    keys = sorted({(str(s), str(loc)) for s, loc, *_ in sales}
                  | {(str(s), str(loc)) for s, loc, *_ in runs})
    column = {key: i for i, key in enumerate(keys)}
    n_days = (last - first).days + 1
    demand = np.zeros((n_days, len(keys)))
    seen = np.zeros((n_days, len(keys)), dtype=bool)
    for sku, loc, day, qty in sales:
        row, col = (_as_date(day) - first).days, column[(str(sku), str(loc))]
        demand[row, col] = float(qty or 0)
        seen[row, col] = bool(qty and qty > 0)
    in_stock = np.zeros((len(snapshots) + 2, len(keys)), dtype=bool)  # by snapshot index k
    for sku, loc, k0, k1 in runs:
        in_stock[int(k0):int(k1) + 1, column[(str(sku), str(loc))]] = True
    snap_rows = np.array([(d - first).days for d in snapshots], dtype=int)
    if len(snap_rows):
        seen[snap_rows] |= in_stock[1:len(snapshots) + 1]
    if len(snap_rows):
        unknown = ~in_stock[1:len(snapshots) + 1] & (demand[snap_rows] <= 0)
        block = demand[snap_rows]
        block[unknown] = np.nan
        demand[snap_rows] = block
    pairs = pd.DataFrame(keys, columns=["sku_id", "location_id"])
    pairs["category"] = pairs["sku_id"].map(categories).fillna("—")
    pairs["channel"] = pairs["location_id"].map(channels).fillna(DEFAULT_CHANNEL)
    return History(first, pairs, demand, first_seen_of(seen), seen)


def first_seen_of(seen: np.ndarray) -> np.ndarray:
    """Per pair the index of its first day with a sale or stock (the days if none)."""
    return np.where(seen.any(axis=0), np.argmax(seen, axis=0), seen.shape[0])


def group_daily(source: Source, first: date, last: date) -> pd.DataFrame:
    """Units sold per day, category and location channel in [first, last]: the smooth
    aggregate a year-on-year seasonal index is read from (forecast/yearly.py)."""
    s = source.relation("sales").alias()
    sku, loc = source.relation("sku").alias(), source.relation("location").alias()
    channel = sa.func.coalesce(loc.c.channel, DEFAULT_CHANNEL)
    statement = (
        sa.select(s.c.date, sku.c.category, channel, sa.func.sum(s.c.qty))
        .select_from(s.join(sku, sku.c.sku_id == s.c.sku_id)
                     .join(loc, loc.c.location_id == s.c.location_id))
        .where(s.c.date.between(date_param(first), date_param(last)))
        .group_by(s.c.date, sku.c.category, channel)
    )
    rows = [(_as_date(d), str(c), str(ch), float(q or 0))
            for d, c, ch, q in _rows(source, statement)]
    return pd.DataFrame(rows, columns=["date", "category", "channel", "units"])


def _has(source: Source, entity: str, column: str) -> bool:
    return column not in source.missing.get(entity, ())


def stock_on_hand(source: Source, first: date, last: date,
                  locations: list[str] | None) -> list[tuple]:
    """(sku_id, location_id, date, units on hand) of every snapshot row in [first, last]
    (the policy replay's starting stock and what the stock actually was)."""
    inv = source.relation("inventory").alias()
    where = [inv.c.date.between(date_param(first), date_param(last))]
    if locations is not None:
        where.append(inv.c.location_id.in_(locations))
    statement = (sa.select(inv.c.sku_id, inv.c.location_id, inv.c.date,
                           sa.func.sum(inv.c.on_hand_qty))
                 .where(*where).group_by(inv.c.sku_id, inv.c.location_id, inv.c.date))
    return [(str(s), str(loc), _as_date(d), float(q or 0))
            for s, loc, d, q in _rows(source, statement)]


def receipt_lines(source: Source, first: date, last: date) -> pd.DataFrame:
    """Receipts that arrived in [first, last] with an order date: sku, location, supplier,
    order_date, date, qty, cost (the realised lead times the replay uses)."""
    columns = ["sku", "location", "supplier", "order_date", "date", "qty", "cost"]
    if not _has(source, "receipts", "order_date"):
        return pd.DataFrame(columns=columns)
    r = source.relation("receipts").alias()
    supplier = r.c.supplier if _has(source, "receipts", "supplier") else sa.literal(None)
    cost = r.c.cost if _has(source, "receipts", "cost") else sa.literal(None)
    statement = (sa.select(r.c.sku_id, r.c.location_id, supplier, r.c.order_date, r.c.date,
                           r.c.qty, cost)
                 .where(r.c.date.between(date_param(first), date_param(last)),
                        r.c.order_date.is_not(None)))
    rows = [(str(s), str(loc), None if sup is None else str(sup), _as_date(o), _as_date(d),
             float(q or 0), None if c is None else float(c))
            for s, loc, sup, o, d, q, c in _rows(source, statement)]
    return pd.DataFrame(rows, columns=columns)


def unit_costs(source: Source) -> dict[str, float]:
    """Unit cost of each SKU from the SKU table (where the source has one)."""
    if not _has(source, "sku", "unit_cost"):
        return {}
    sku = source.relation("sku")
    return {str(k): float(v) for k, v in _rows(source, sa.select(sku.c.sku_id, sku.c.unit_cost))
            if v is not None}
