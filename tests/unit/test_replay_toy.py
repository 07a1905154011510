"""The policy replay on a three-day toy history, every number worked out by hand below:
arrivals before sales, lost sales, the end-of-day review against the reorder point with
the stock position (on hand + on order), order quantities up to the order-up-to level,
cycles and their service, fill rate, stock value; and the demand the history cannot tell
(stockout and sold-out days)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.replay_days import cycles_ok, fill_demand, simulate
from forecast.replay_result import ReplayResult


def _one(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float)[:, None]


def test_three_days_by_hand() -> None:
    # one SKU-location: 10 on hand before day 0, demand 4, 9, 5; reorder point 8,
    # order-up-to 12, every order takes 2 days
    run = simulate(demand=_one([4, 9, 5]), stock=np.array([10.0]),
                   arrivals=np.zeros((4, 1)), on_order=np.zeros(1),
                   reorder=_one([8, 8, 8]), up_to=_one([12, 12, 12]),
                   ordering=np.ones((3, 1), dtype=bool), lead=_one([2, 2, 2]))
    # day 0: 10 − 4 = 6 left; position 6 ≤ 8 → order 12 − 6 = 6, arriving on day 2
    # day 1: demand 9 but 6 on hand → 6 sold, 3 lost, 0 left; position 0 + 6 on order
    #        = 6 ≤ 8 → order 12 − 6 = 6, arriving on day 3 (after the replay)
    # day 2: the 6 ordered on day 0 arrive before the sales → 6 − 5 = 1 left; position
    #        1 + 6 = 7 ≤ 8 → order 12 − 7 = 5
    assert run.sold[:, 0].tolist() == [4, 6, 5]
    assert run.short[:, 0].tolist() == [False, True, False]
    assert run.stock[:, 0].tolist() == [6, 0, 1]
    assert [(o[1][0], o[2][0]) for o in run.orders] == [(0, 2), (1, 3), (2, 4)]
    # the one cycle that arrived (ordered day 0, arrived day 2) had unmet demand on day 1
    cycles, good = cycles_ok(run.short, run.orders, warmup=0, tail=0)
    assert (cycles[0], good[0]) == (1, 0)
    # fill rate 15 / 18; stock value at 2 a unit: (6 + 0 + 1) · 2 / 3 days
    result = ReplayResult(
        date(2026, 1, 1), date(2026, 1, 3), 28,
        pd.DataFrame({"location_id": ["L1"], "category": ["Food"]}), ["0.95|error"],
        np.array([[[18, 15, 1, 14, 3, 1, 0, 1]]], dtype=float), np.zeros((1, 1, 1, 4)))
    row = result.summary().iloc[0]
    assert row["fill_rate"] == pytest.approx(15 / 18)
    assert row["cycle_service"] == 0.0 and row["stock_value_mean"] == pytest.approx(14 / 3)


def test_a_cycle_without_a_stockout_and_goods_on_their_way() -> None:
    # 5 on hand and 10 arriving on day 1 (ordered before the replay): demand 3, 3, 3;
    # reorder point 4, order-up-to 15, lead time 1
    run = simulate(demand=_one([3, 3, 3]), stock=np.array([5.0]),
                   arrivals=_one([0, 10, 0, 0]), on_order=np.array([10.0]),
                   reorder=_one([4, 4, 4]), up_to=_one([15, 15, 15]),
                   ordering=np.ones((3, 1), dtype=bool), lead=_one([1, 1, 1]))
    # day 0: 5 − 3 = 2; position 2 + 10 = 12 > 4: no order
    # day 1: 2 + 10 arrive = 12 − 3 = 9; position 9 > 4
    # day 2: 9 − 3 = 6 > 4
    assert run.stock[:, 0].tolist() == [2, 9, 6] and run.orders == []
    assert not run.short.any()
    # a pair the forecast gives no demand never orders, however low its stock
    idle = simulate(demand=_one([1, 1, 1]), stock=np.array([0.0]), arrivals=np.zeros((4, 1)),
                    on_order=np.zeros(1), reorder=_one([4, 4, 4]), up_to=_one([9, 9, 9]),
                    ordering=np.zeros((3, 1), dtype=bool), lead=_one([1, 1, 1]))
    assert idle.orders == [] and idle.short[:, 0].tolist() == [True, True, True]


def test_cycles_count_only_inside_the_measured_window() -> None:
    short = np.zeros((10, 1), dtype=bool)
    short[6, 0] = True
    orders = [(np.array([0]), np.array([1]), np.array([3])),  # before the warm-up
              (np.array([0]), np.array([2]), np.array([5])),  # counted, fine
              (np.array([0]), np.array([4]), np.array([7])),  # counted, day 6 short
              (np.array([0]), np.array([8]), np.array([9]))]  # too close to the end
    cycles, good = cycles_ok(short, orders, warmup=2, tail=3)
    assert (cycles[0], good[0]) == (2, 1)


def test_demand_on_days_the_history_cannot_tell() -> None:
    # a stockout day (no stock, no sale) takes the mean of the same weekday's known days
    # within four weeks; a sold-out day at least what it sold
    sold = np.full((15, 1), 4.0)
    sold[7, 0] = 0.0  # out of stock all day
    sold[8, 0] = 2.0  # sold out after 2
    unknown = np.zeros((15, 1), dtype=bool)
    unknown[[7, 8], 0] = True
    demand = fill_demand(sold, unknown)
    assert demand[7, 0] == 4.0  # days 0 and 14: 4 and 4
    assert demand[8, 0] == 4.0  # day 1: 4 (day 15 is past the history) ≥ the 2 sold
    assert demand[0, 0] == 4.0 and demand[8, 0] >= 2.0
