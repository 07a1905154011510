"""Replenishment formulas against textbook numbers computed by hand."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from metrics.replenishment import (
    Policy,
    days_until_stockout,
    demand_over,
    extend,
    order_quantity,
    order_up_to,
    reorder_point,
    safety_stock,
    service_z,
    stockout_date,
)


def test_z_values_of_the_usual_service_levels() -> None:
    assert round(service_z(0.95), 3) == 1.645
    assert round(service_z(0.90), 3) == 1.282
    assert round(service_z(0.975), 2) == 1.96
    assert round(service_z(0.99), 3) == 2.326
    assert service_z(0.5) == 0.0
    assert round(Policy().z, 3) == 1.645  # the default service level is 95 %
    for bad in (1.0, 0.4, 1.2):
        with pytest.raises(ValueError):
            service_z(bad)


def test_safety_stock_is_z_sigma_root_lead_time() -> None:
    # σ = 10 units/day, L = 4 days, 95 %: 1.645 × 10 × 2 = 32.9
    assert safety_stock(1.645, 10, 4) == pytest.approx(32.9)
    assert round(safety_stock(service_z(0.95), 10, 4), 1) == 32.9
    # σ = 5, L = 9 days, 99 %: 2.326 × 5 × 3 = 34.9
    assert round(safety_stock(service_z(0.99), 5, 9), 1) == 34.9
    many = safety_stock(2.0, np.array([1.0, 3.0]), np.array([16.0, 1.0]))
    assert many.tolist() == [8.0, 6.0]


def test_demand_over_sums_whole_and_part_days_and_repeats_the_last_week() -> None:
    flat = np.full(14, 20.0)
    assert demand_over(flat, 4).tolist() == [80.0]
    assert demand_over(flat, 4.5).tolist() == [90.0]
    assert demand_over(flat, 0).tolist() == [0.0]
    week = np.arange(1.0, 8.0)  # 1 … 7: past day 7 the week starts again at 1
    assert extend(week, 10).tolist() == [[1, 2, 3, 4, 5, 6, 7, 1, 2, 3]]
    assert demand_over(week, 10).tolist() == [28.0 + 6.0]
    both = np.vstack([flat, np.full(14, 2.0)])
    assert demand_over(both, np.array([3.0, 20.0])).tolist() == [60.0, 40.0]


def test_reorder_point_order_up_to_and_quantity_by_hand() -> None:
    path = np.full(60, 20.0)  # 20 units a day
    ss = safety_stock(service_z(0.95), 10, 4)  # 32.897
    rop = reorder_point(path, 4, ss)[0]
    assert rop == pytest.approx(80 + 32.897, abs=1e-3)  # demand over the lead time + SS
    up_to = order_up_to(path, 4, 30, ss)[0]
    assert up_to == pytest.approx(20 * 34 + 32.897, abs=1e-3)  # 712.9
    assert order_quantity(100, rop, up_to).tolist() == 613.0  # ceil(712.9 − 100)
    assert order_quantity(113, rop, up_to).tolist() == 0.0  # above the reorder point
    assert order_quantity(-5, rop, up_to).tolist() == 718.0  # a backlog is owed too
    exact = order_quantity(np.array([12.0]), np.array([20.0]), np.array([52.0]))
    assert exact.tolist() == [40.0]  # 52 − 12 is a whole number: not rounded up to 41


def test_days_until_stockout_and_its_date() -> None:
    path = np.full(30, 20.0)
    assert days_until_stockout(100, path).tolist() == [5.0]  # 20, 40, 60, 80, 100
    assert days_until_stockout(101, path).tolist() == [6.0]
    assert days_until_stockout(0, path).tolist() == [0.0]  # out of stock now
    assert math.isnan(days_until_stockout(10, np.zeros(30))[0])  # no demand: never
    assert math.isnan(days_until_stockout(1e6, path, max_days=365)[0])  # too far out
    weekly = np.array([0, 0, 0, 0, 0, 10, 10], dtype=float)  # sells at weekends only
    assert days_until_stockout(15, weekly).tolist() == [7.0]
    assert stockout_date(date(2026, 10, 31), 5.0) == date(2026, 11, 5)
    assert stockout_date(date(2026, 10, 31), float("nan")) is None


def test_policy_validates_its_knobs() -> None:
    assert Policy(0.99, 14).cover_days == 14
    with pytest.raises(ValueError):
        Policy(0.95, 0)
    with pytest.raises(ValueError):
        Policy(1.0, 28)


def test_safety_stock_from_the_forecast_error_over_the_lead_time() -> None:
    from metrics.replenishment import (
        error_reorder_point,
        lead_time_sigma,
        policy_reorder_point,
        review_undershoot,
    )

    # σ = 2/day, σ_level = 0.5/day, L = 9: √(9·4 + 81·0.25) = √56.25 = 7.5
    assert lead_time_sigma(2.0, 9, 0.5) == pytest.approx(7.5)
    assert lead_time_sigma(10.0, 4) == pytest.approx(20.0)  # no level error: σ·√L
    path = np.full((1, 30), 3.0)  # 3 a day
    # one lead time, normal errors: R = D(L) + z·σ_LT = 27 + 1.645 × 7.5
    assert error_reorder_point(0.95, path, 9, 2.0, 0.5)[0] == pytest.approx(
        27 + service_z(0.95) * 7.5, abs=1e-6)
    # an uncertain lead time needs more stock, never less
    assert error_reorder_point(0.95, path, 9, 2.0, 0.5, lead_spread=3.0)[0] > 27 + 1.645 * 7.5
    # a right-skewed error (its 95 % quantile 2.0 instead of 1.645) raises it to D + 2·σ_LT
    from metrics.replenishment import ERROR_PROBS, normal_quantiles

    skewed = normal_quantiles()
    upper = np.asarray(ERROR_PROBS) >= 0.95
    skewed[upper] *= 2.0 / skewed[ERROR_PROBS.index(0.95)]
    assert error_reorder_point(0.95, path, 9, 2.0, 0.5, quantiles=skewed[None, :])[0] == \
        pytest.approx(27 + 2.0 * 7.5, abs=1e-3)
    # the review's undershoot: (σ²/μ + μ − 1) / 2 = (9/3 + 3 − 1) / 2 = 2.5 units
    assert review_undershoot(3.0, 3.0) == pytest.approx(2.5)
    assert review_undershoot(0.0, 1.0) == 0.0
    rop, safety = policy_reorder_point(Policy(0.95, 28, "error"), path, 9, 2.0, 0.5,
                                       sigma_demand=3.0, mean_daily=3.0)
    assert rop[0] == pytest.approx(27 + service_z(0.95) * 7.5 + 2.5, abs=1e-6)
    assert safety[0] == pytest.approx(rop[0] - 27)
    # the textbook basis: z · σ_demand · √L = 1.645 × 3 × 3
    rop, safety = policy_reorder_point(Policy(0.95, 28, "demand"), path, 9, 2.0, 0.5,
                                       sigma_demand=3.0)
    assert safety[0] == pytest.approx(service_z(0.95) * 9) and rop[0] == pytest.approx(
        27 + service_z(0.95) * 9)
    with pytest.raises(ValueError):
        Policy(0.95, 28, "gut feeling")
