"""Policy replay: what if the company had followed StockLens over the last days?

Starting from the stock each SKU-location had at the end of the day before the replay
(and the orders then on their way, which arrive when they really did), the replay runs
day by day over the history:

1. every REPLAN_DAYS days the forecast is made again from the data up to the day before
   (the job's own method: forecast/engine.py, with its model choice and lead-time error
   calibration measured before the replay starts), the lead time of each SKU and its
   spread are read from the receipts received in the year before (forecast/plan.py), and
   the policy's safety stock, reorder point and order-up-to level follow
   (metrics/replenishment.py) — for every service level and both safety-stock bases at
   once;
2. each day goods arrive, demand takes what stock allows (lost sales, no backorders), and
   at the end of the day a SKU-location whose stock position (on hand + on order) is at
   or below its reorder point orders up to its order-up-to level;
3. an order arrives after a *real* lead time: the lead time the SKU-location's supplier
   actually took on the receipt ordered nearest that day (else the SKU's at any
   location, else its planning lead time).

Demand is what sold, except on days the history cannot tell: a day that ended with no
stock and no sale, or a day that sold out, takes the mean of the known same weekdays
within four weeks (at least what sold). The same demand is put to the stock that
actually was, so the two are compared on equal terms:

    fill rate            units sold / demand
    cycle service level  share of orders (replenishment cycles) with no unmet demand from
                         the day after the order through the day it arrived — the
                         probability the service level targets; what actually happened
                         is scored on the real receipts the same way
    stockout days        SKU-location days with unmet demand
    stock value          mean end-of-day units on hand × unit cost

Only SKU-locations that existed before the replay starts take part. Results are kept per
location and category (totals and weekly sums), so a page shows its reader's scope only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_connectors.source import Source, SourceError
from forecast.calibration import HISTORY_DAYS, calibrate
from forecast.engine import HORIZON, read_yearly
from forecast.history import (
    History,
    location_chunks,
    pair_attributes,
    read_history,
    receipt_lines,
    snapshot_dates,
    stock_on_hand,
    unit_costs,
)
from forecast.models import Choice
from forecast.replay_days import WEEK, Simulated, cycles_ok, fill_demand, simulate
from forecast.replay_leads import realised_leads
from forecast.replay_plans import LEAD_HISTORY_DAYS, REPLAN_DAYS, make_plans
from forecast.replay_result import ACTUAL, TOTALS, WEEKLY, ReplayResult
from metrics.replenishment import DEFAULT_COVER_DAYS, SAFETY_BASES, SERVICE_LEVELS, Policy

REPLAY_DAYS = 91


def policies(cover_days: int = DEFAULT_COVER_DAYS) -> list[Policy]:
    """Every service level with both safety-stock bases."""
    return [Policy(level, cover_days, basis) for basis in SAFETY_BASES
            for level in SERVICE_LEVELS]


def policy_key(policy: Policy) -> str:
    return f"{policy.service_level:g}|{policy.safety_basis}"


@dataclass
class Chunk:
    """What one group of locations' replay reads."""

    history: History  # demand from HISTORY_DAYS before the replay to its last day
    on_hand: np.ndarray  # replay days × pairs: units at the end of the day (NaN: no row)
    start_stock: np.ndarray  # units at the end of the day before the replay
    start: int  # index of the replay's first day in history


def read_chunk(source: Source, first: date, last: date, locations: list[str],
               attributes: tuple[dict[str, str], dict[str, str]],
               snapshots: list[date]) -> Chunk:
    begin = first - timedelta(days=HISTORY_DAYS)
    history = read_history(source, begin, last, locations, attributes, snapshots)
    column = {(s, loc): i for i, (s, loc) in enumerate(zip(
        history.pairs["sku_id"], history.pairs["location_id"], strict=True))}
    days = (last - first).days + 1
    on_hand = np.full((days + 1, len(column)), np.nan)  # row 0: the day before
    for sku, loc, day, units in stock_on_hand(source, first - timedelta(days=1), last,
                                              locations):
        col = column.get((sku, loc))
        if col is not None:
            on_hand[(day - first).days + 1, col] = units
    return Chunk(history, on_hand[1:], np.nan_to_num(on_hand[0]), history.index_of(first))


def replay_chunk(chunk: Chunk, receipts: pd.DataFrame, costs: dict[str, float],
                 rules: list[Policy], first: date, last: date,
                 yearly: Callable[[date], dict] | None, choice: Choice
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Replay `rules` (and the actual stock) over one chunk. Returns the pairs taking
    part (location_id, category), totals (pairs × names × TOTALS) and weekly sums
    (pairs × names × weeks × WEEKLY)."""
    history, start = chunk.history, chunk.start
    days = (last - first).days + 1
    keep = np.flatnonzero(history.first_seen < start)  # existed before the replay
    pairs = history.pairs.iloc[keep].reset_index(drop=True)
    count, n_rules = len(keep), len(rules)
    sold_real = np.nan_to_num(history.demand[start:start + days][:, keep])
    held_real = chunk.on_hand[:, keep]
    unknown = np.isnan(history.demand[start:start + days][:, keep]) | (
        (np.nan_to_num(held_real, nan=1.0) <= 0) & (sold_real > 0))
    demand = fill_demand(sold_real, unknown)
    cost = _unit_costs(pairs, costs, receipts)
    calibration = calibrate(history, start - 1, choice, yearly)  # before the replay
    index = {k: i for i, k in enumerate(zip(pairs["sku_id"], pairs["location_id"],
                                            strict=True))}

    # each rule's reorder point and order-up-to level on every day, as the weekly plan
    # of that day has them (the forecast moving on a day at a time in between)
    reorder = np.zeros((n_rules, days, count))
    up_to = np.zeros((n_rules, days, count))
    ordering = np.zeros((days, count), dtype=bool)
    real_lead = None
    for t in range(days):
        if t % REPLAN_DAYS == 0:
            plans = make_plans(history, start + t - 1, t, keep, pairs, receipts,
                               first + timedelta(days=t - 1), rules, calibration, yearly,
                               choice)
            if real_lead is None:
                real_lead = realised_leads(receipts, pairs, first, days, plans.lead)
        lead_demand = plans.demand(t, plans.lead)
        cover = {c: plans.demand(t, plans.lead + c) for c in {r.cover_days for r in rules}}
        ordering[t] = plans.ordering
        for k, rule in enumerate(rules):
            reorder[k, t] = lead_demand + plans.safety[k]
            up_to[k, t] = cover[rule.cover_days] + plans.safety[k]

    # the orders placed before the replay arrive when they did
    arrivals = np.zeros((days + 1, count))
    on_order = np.zeros(count)
    for row in receipts[(receipts["order_date"] < first) & (receipts["date"] >= first)
                        ].itertuples():
        col = index.get((row.sku, row.location))
        if col is not None:
            arrivals[min((row.date - first).days, days), col] += row.qty
            on_order[col] += row.qty
    runs = [simulate(demand, chunk.start_stock[keep], arrivals, on_order, reorder[k],
                     up_to[k], ordering, real_lead) for k in range(n_rules)]

    # what actually happened, on the same demand
    real_sold = np.minimum(sold_real, demand)
    real_short = demand - real_sold > 1e-9
    runs.append(Simulated(real_sold, real_short, np.nan_to_num(held_real),
                          [_real_orders(receipts, index, first, last)]))
    totals = np.zeros((count, n_rules + 1, len(TOTALS)))
    weekly = np.zeros((count, n_rules + 1, -(-days // WEEK), len(WEEKLY)))
    for k, run in enumerate(runs):
        cycles, good = cycles_ok(run.short, run.orders)
        daily = np.stack([demand, run.sold, run.short, run.stock * cost[None, :]], axis=-1)
        totals[:, k] = np.column_stack([daily.sum(axis=0), np.full(count, days), cycles,
                                        good, np.ones(count)])
        for w in range(weekly.shape[2]):
            weekly[:, k, w] = daily[w * WEEK:(w + 1) * WEEK].sum(axis=0)
    return pairs[["location_id", "category"]], totals, weekly


def _unit_costs(pairs: pd.DataFrame, costs: dict[str, float], receipts: pd.DataFrame
                ) -> np.ndarray:
    """Unit cost of each pair's SKU: the SKU table's, else its receipts' cost per unit."""
    cost = pairs["sku_id"].map(costs).fillna(0.0).to_numpy(dtype=float)
    if receipts.empty:
        return cost
    spent = receipts.groupby("sku")[["cost", "qty"]].sum()
    per_unit = (spent["cost"] / spent["qty"].where(spent["qty"] > 0)).dropna()
    return np.where(cost > 0, cost, pairs["sku_id"].map(per_unit).fillna(0.0).to_numpy())


def _real_orders(receipts: pd.DataFrame, index: dict[tuple[str, str], int], first: date,
                 last: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pair, order day, arrival day) of the real receipts ordered and received in the
    replay: the cycles that actually happened."""
    rows = receipts[(receipts["order_date"] >= first) & (receipts["date"] <= last)]
    found = [(index.get((r.sku, r.location)), (r.order_date - first).days,
              (r.date - first).days) for r in rows.itertuples()]
    found = [f for f in found if f[0] is not None]
    if not found:
        empty = np.zeros(0, dtype=int)
        return empty, empty, empty
    cols, placed, arrived = (np.array(v, dtype=int) for v in zip(*found, strict=True))
    return cols, placed, arrived


def replay_source(source: Source, days: int = REPLAY_DAYS, last: date | None = None,
                  rules: list[Policy] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> ReplayResult:
    """Replay `rules` (default: every service level × both bases, 28 days of cover) over
    the `days` days up to `last` (default: the data's last day)."""
    import time

    from service import ALL_DATA
    from service.queries import read_data_range

    began = time.perf_counter()
    rules = rules or policies()
    if last is None:
        last = read_data_range(ALL_DATA, source)[1]
        if last is None:
            raise SourceError("the source has no data to replay")
    first = last - timedelta(days=days - 1)
    snapshots = snapshot_dates(source, first - timedelta(days=HISTORY_DAYS), last)
    if not any(d < first for d in snapshots):
        raise SourceError(f"no stock snapshot before {first}: the replay needs the stock "
                          "it starts from")
    attributes = pair_attributes(source)
    receipts = receipt_lines(source, first - timedelta(days=LEAD_HISTORY_DAYS), last)
    costs = unit_costs(source)
    yearly_cache: dict[date, dict] = {}

    def yearly(origin: date) -> dict:
        if origin not in yearly_cache:
            yearly_cache[origin] = read_yearly(source, origin, HORIZON)
        return yearly_cache[origin]

    choice: Choice = {}
    keys: list[pd.DataFrame] = []
    totals: list[np.ndarray] = []
    weekly: list[np.ndarray] = []
    chunks = location_chunks(source, first - timedelta(days=HISTORY_DAYS), last)
    for done, locations in enumerate(chunks):
        chunk = read_chunk(source, first, last, locations, attributes, snapshots)
        pairs, total, week = replay_chunk(chunk, receipts, costs, rules, first, last,
                                          yearly, choice)
        frame = pairs.assign(_i=np.arange(len(pairs)))
        grouped = frame.groupby(["location_id", "category"], sort=True)["_i"].apply(list)
        keys.append(grouped.index.to_frame(index=False))
        totals.append(np.stack([total[i].sum(axis=0) for i in grouped]))
        weekly.append(np.stack([week[i].sum(axis=0) for i in grouped]))
        if progress:
            progress(done + 1, len(chunks))
    names = [policy_key(r) for r in rules] + [ACTUAL]
    if not keys:
        raise SourceError("nothing to replay")
    return ReplayResult(first, last, rules[0].cover_days,
                        pd.concat(keys, ignore_index=True), names,
                        np.concatenate(totals), np.concatenate(weekly),
                        time.perf_counter() - began)
