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
from forecast.engine import HORIZON, fit_window, read_yearly
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
from forecast.plan import DEFAULT_LEAD_DAYS, sku_lead_times
from metrics.replenishment import (
    DEFAULT_COVER_DAYS,
    SAFETY_BASES,
    SERVICE_LEVELS,
    Policy,
    extend,
    policy_reorder_point,
)

REPLAY_DAYS = 91
REPLAN_DAYS = 7
WARMUP_DAYS = 14  # cycles ordered before this start from the real planner's stock
TAIL_DAYS = 35  # cycles ordered this close to the end are left out (most not arrived)
LEAD_HISTORY_DAYS = 365
WEEK = 7
ACTUAL = "actual"
# totals per (location, category) and policy; the weekly arrays hold the first four
TOTALS = ("demand", "sold", "stockout_days", "stock_value", "days", "cycles", "cycles_ok",
          "pairs")
WEEKLY = ("demand", "sold", "stockout_days", "stock_value")


def policies(cover_days: int = DEFAULT_COVER_DAYS) -> list[Policy]:
    """Every service level with both safety-stock bases."""
    return [Policy(level, cover_days, basis) for basis in SAFETY_BASES
            for level in SERVICE_LEVELS]


def policy_key(policy: Policy) -> str:
    return f"{policy.service_level:g}|{policy.safety_basis}"


@dataclass
class ReplayResult:
    """keys: (location_id, category) rows; names: policy keys, then "actual";
    totals[key, name, TOTALS]; weekly[key, name, week, WEEKLY]; days of the replay."""

    first: date
    last: date
    cover_days: int
    keys: pd.DataFrame
    names: list[str]
    totals: np.ndarray
    weekly: np.ndarray
    seconds: float = 0.0

    def summary(self, keep: np.ndarray | None = None) -> pd.DataFrame:
        """Per policy and "actual": fill rate, cycle service level, stockout days, mean
        stock value a day, orders (cycles), over the keys `keep` (default all)."""
        rows = self.totals if keep is None else self.totals[keep]
        total = rows.sum(axis=0)  # names × TOTALS
        out = pd.DataFrame(total, columns=list(TOTALS))
        out.insert(0, "name", self.names)
        days = (self.last - self.first).days + 1
        out["fill_rate"] = out["sold"] / out["demand"].where(out["demand"] > 0)
        out["cycle_service"] = out["cycles_ok"] / out["cycles"].where(out["cycles"] > 0)
        out["stock_value_mean"] = out["stock_value"] / days
        out["service_level"] = [float(n.split("|")[0]) if "|" in n else None
                                for n in self.names]
        out["basis"] = [n.split("|")[1] if "|" in n else ACTUAL for n in self.names]
        return out


def fill_demand(sold: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    """Demand of each day (days × pairs): what sold, and on `unknown` days the mean of
    the same weekday's known days within four weeks either side (else of all known days,
    else 0), at least what sold."""
    known = ~unknown
    values = np.where(known, sold, np.nan)
    rows = values.shape[0]
    near = []
    for k in range(1, 5):
        for shift in (k * WEEK, -k * WEEK):
            moved = np.full_like(values, np.nan)
            if shift > 0 and shift < rows:
                moved[shift:] = values[:-shift]
            elif shift < 0 and -shift < rows:
                moved[:shift] = values[-shift:]
            near.append(moved)
    stack = np.stack(near)
    count = (~np.isnan(stack)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        nearby = np.where(count > 0, np.nansum(stack, axis=0) / np.maximum(count, 1), np.nan)
        overall = np.where(known.any(axis=0), np.where(known, sold, 0.0).sum(axis=0)
                           / np.maximum(known.sum(axis=0), 1), 0.0)
    guess = np.where(np.isnan(nearby), overall[None, :], nearby)
    return np.where(unknown, np.maximum(guess, sold), sold)


def realised_leads(receipts: pd.DataFrame, pairs: pd.DataFrame, first: date, days: int,
                   fallback: np.ndarray) -> np.ndarray:
    """days × pairs: the lead time (whole days ≥ 1) of an order placed on each day of the
    replay — the realised lead time of the pair's receipt ordered nearest that day, else
    of the SKU's at any location, else `fallback` (per pair)."""
    out = np.tile(np.maximum(np.rint(fallback), 1.0), (days, 1))
    if receipts.empty:
        return out
    lines = receipts.assign(
        day=(pd.to_datetime(receipts["order_date"]) - pd.Timestamp(first)).dt.days,
        lead=(pd.to_datetime(receipts["date"]) - pd.to_datetime(receipts["order_date"]))
        .dt.days).query("lead >= 0")
    wanted = np.arange(days)

    def nearest(day: np.ndarray, lead: np.ndarray) -> np.ndarray:
        order = np.argsort(day, kind="stable")
        day, lead = day[order], lead[order]
        at = np.clip(np.searchsorted(day, wanted), 0, len(day) - 1)
        before = np.clip(at - 1, 0, len(day) - 1)
        pick = np.where(np.abs(day[before] - wanted) <= np.abs(day[at] - wanted), before, at)
        return np.maximum(lead[pick], 1.0)

    column = {(s, loc): i for i, (s, loc) in enumerate(zip(pairs["sku_id"],
                                                          pairs["location_id"], strict=True))}
    by_sku: dict[str, list[int]] = {}
    for i, sku in enumerate(pairs["sku_id"]):
        by_sku.setdefault(sku, []).append(i)
    done = np.zeros(len(pairs), dtype=bool)
    for (sku, loc), rows in lines.groupby(["sku", "location"]):
        col = column.get((sku, loc))
        if col is not None:
            out[:, col] = nearest(rows["day"].to_numpy(), rows["lead"].to_numpy(dtype=float))
            done[col] = True
    for sku, rows in lines.groupby("sku"):
        cols = [c for c in by_sku.get(sku, []) if not done[c]]
        if cols:
            out[:, cols] = nearest(rows["day"].to_numpy(),
                                   rows["lead"].to_numpy(dtype=float))[:, None]
    return out


def lead_frames(receipts: pd.DataFrame, first: date, last: date
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lead-time frames sku_lead_times reads (by supplier and SKU, by supplier), from
    the receipts received in [first, last]."""
    rows = receipts[(receipts["date"] >= first) & (receipts["date"] <= last)].copy()
    rows["supplier"] = rows["supplier"].fillna("")
    rows["lead"] = (pd.to_datetime(rows["date"]) - pd.to_datetime(rows["order_date"])).dt.days
    rows = rows[rows["lead"] >= 0]
    rows["cost"] = rows["cost"].fillna(0.0)

    def stats(by: list[str]) -> pd.DataFrame:
        if rows.empty:
            return pd.DataFrame(columns=[*by, "receipts", "lead_time_mean", "lead_time_std",
                                         "last_receipt", "received_cost", "received_units"])
        return rows.groupby(by, as_index=False).agg(
            receipts=("lead", "size"), lead_time_mean=("lead", "mean"),
            lead_time_std=("lead", "std"), last_receipt=("date", "max"),
            received_cost=("cost", "sum"), received_units=("qty", "sum"))

    return stats(["supplier", "sku"]), stats(["supplier"])


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


def cycles_ok(short: np.ndarray, orders: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
              warmup: int = WARMUP_DAYS, tail: int = TAIL_DAYS
              ) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: cycles and those without unmet demand from the day after the order
    through its arrival. short: days × pairs (bool); orders: (pair, order day, arrival
    day) arrays. A cycle counts when its order was placed from day `warmup` on (before,
    the stock it starts from is the real planner's) and at least `tail` days before the
    end (so the cycles counted are not only the quick deliveries), and arrived in time."""
    days, count = short.shape
    running = np.concatenate([np.zeros((1, count)), np.cumsum(short, axis=0)])
    cycles = np.zeros(count)
    good = np.zeros(count)
    last_order = max(days - tail, warmup + 1)
    for pair, placed, arrived in orders:
        inside = (arrived < days) & (placed >= warmup) & (placed < last_order)
        pair, placed, arrived = pair[inside], placed[inside], arrived[inside]
        missed = running[arrived + 1, pair] - running[placed + 1, pair]
        np.add.at(cycles, pair, 1)
        np.add.at(good, pair, (missed == 0).astype(float))
    return cycles, good


@dataclass
class Plans:
    """The policy as the plan of one re-planning day has it, for every rule: the forecast
    paths from that day on (cumulated, to read demand over any span), the planning lead
    time and each rule's safety stock."""

    day: int
    paths: np.ndarray
    cumulative: np.ndarray
    lead: np.ndarray
    safety: list[np.ndarray]
    ordering: np.ndarray  # pairs with demand in the forecast

    def demand(self, day: int, span: np.ndarray) -> np.ndarray:
        """Forecast demand over `span` days (fractional) after day `day` of the replay."""
        start = day - self.day + 1
        whole = np.floor(span).astype(int)
        rows = np.arange(len(span))
        end = np.minimum(start + whole, self.cumulative.shape[1] - 1)
        part = self.paths[rows, np.minimum(start + whole, self.paths.shape[1] - 1)]
        return self.cumulative[rows, end] - self.cumulative[rows, start] + (span - whole) * part


def make_plans(history: History, origin_index: int, day: int, keep: np.ndarray,
               pairs: pd.DataFrame, receipts: pd.DataFrame, origin: date, rules: list[Policy],
               calibration: object, yearly: Callable[[date], dict] | None,
               choice: Choice) -> Plans:
    """Forecast from the data up to `origin` (history index `origin_index`) and set each
    rule's safety stock, as the page's plan would that day."""
    found, _, _ = fit_window(history, origin_index, HORIZON,
                             yearly(origin) if yearly else None, choice)
    by_sku, by_supplier = lead_frames(receipts, origin - timedelta(days=LEAD_HISTORY_DAYS - 1),
                                      origin)
    leads = sku_lead_times(by_sku, by_supplier).set_index("sku")
    lead = pairs["sku_id"].map(leads["lead_time"]).fillna(DEFAULT_LEAD_DAYS).to_numpy(float)
    spread = pairs["sku_id"].map(leads["lead_time_std"]).fillna(0.0).to_numpy(float)
    longest = int(np.ceil(lead.max(initial=1))) + max(r.cover_days for r in rules) \
        + REPLAN_DAYS + 2
    paths = extend(found.paths[keep], longest)
    cumulative = np.concatenate([np.zeros((len(keep), 1)), np.cumsum(paths, axis=1)], axis=1)
    root_slope, root_curve = calibration.factors(pairs)  # type: ignore[attr-defined]
    shapes = calibration.shapes(pairs)  # type: ignore[attr-defined]
    sigma = found.sigma[keep] * root_slope
    level = found.sigma[keep] * root_curve
    # the plan is made at the end of day `day`: its demand starts the day after
    safety = [policy_reorder_point(rule, paths[:, 1:], lead, sigma, level,
                                   found.sigma_demand[keep], spread, shapes,
                                   found.mean[keep])[1] for rule in rules]
    return Plans(day, paths, cumulative, lead, safety, found.paths[keep][:, :28].mean(axis=1)
                 > 0)


@dataclass
class Simulated:
    """One rule's replay: per day and pair the units sold, whether demand went unmet, the
    stock at the end of the day; and its orders as (pair, order day, arrival day)."""

    sold: np.ndarray
    short: np.ndarray
    stock: np.ndarray
    orders: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def simulate(demand: np.ndarray, stock: np.ndarray, arrivals: np.ndarray,
             on_order: np.ndarray, reorder: np.ndarray, up_to: np.ndarray,
             ordering: np.ndarray, lead: np.ndarray) -> Simulated:
    """Run the policy day by day (all arrays days × pairs, except the pair vectors
    `stock` at the start and `on_order`, and `arrivals`, (days + 1) × pairs of goods
    already on their way): goods arrive before the day's sales, demand takes what stock
    allows, and at the end of the day a pair whose position (stock + on order) is at or
    below its reorder point — and that `ordering` allows — orders up to its order-up-to
    level in whole units, arriving `lead` days later."""
    days, count = demand.shape
    arrivals = arrivals.copy()
    stock = stock.astype(float).copy()
    on_order = on_order.astype(float).copy()
    sold = np.zeros((days, count))
    short = np.zeros((days, count), dtype=bool)
    held = np.zeros((days, count))
    orders: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for t in range(days):
        stock += arrivals[t]
        on_order -= arrivals[t]
        sold[t] = np.minimum(demand[t], stock)
        short[t] = demand[t] - sold[t] > 1e-9
        stock -= sold[t]
        held[t] = stock
        position = stock + on_order
        cols = np.flatnonzero(ordering[t] & (position <= reorder[t]))
        qty = np.ceil(np.round(up_to[t, cols] - position[cols], 9))
        cols, qty = cols[qty > 0], qty[qty > 0]
        if not len(cols):
            continue
        arrive = t + np.maximum(lead[t, cols].astype(int), 1)
        np.add.at(arrivals, (np.minimum(arrive, days), cols), qty)
        on_order[cols] += qty
        orders.append((cols, np.full(len(cols), t), arrive))
    return Simulated(sold, short, held, orders)


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


def pack_replay(result: ReplayResult) -> bytes:
    """The replay as npz bytes (forecast/store.py's REPLAY artifact)."""
    from forecast.store import pack_arrays

    return pack_arrays(
        first=np.array(result.first.isoformat()), last=np.array(result.last.isoformat()),
        cover_days=np.array(result.cover_days), seconds=np.array(result.seconds),
        location=result.keys["location_id"].to_numpy(dtype=str),
        category=result.keys["category"].to_numpy(dtype=str),
        names=np.array(result.names), totals=result.totals.astype(np.float64),
        weekly=result.weekly.astype(np.float32))


def unpack_replay(payload: bytes) -> ReplayResult:
    from forecast.store import unpack_arrays

    found = unpack_arrays(payload)
    keys = pd.DataFrame({"location_id": found["location"], "category": found["category"]})
    return ReplayResult(date.fromisoformat(str(found["first"])),
                        date.fromisoformat(str(found["last"])), int(found["cover_days"]),
                        keys, [str(n) for n in found["names"]], found["totals"],
                        found["weekly"].astype(float), float(found["seconds"]))
