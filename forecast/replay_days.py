"""The day-by-day part of the policy replay (forecast/replay.py), on arrays only: the
demand of days the history cannot tell, the stock a policy would have held and the
orders it would have placed, and which replenishment cycles met all demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEK = 7
WARMUP_DAYS = 14  # cycles ordered before this start from the real planner's stock
TAIL_DAYS = 35  # cycles ordered this close to the end are left out (most not arrived)


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
