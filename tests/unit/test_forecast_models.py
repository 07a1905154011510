"""The per-series forecast on synthetic series with known answers: a weekly seasonal
series, an intermittent one, one with stockout gaps, a short one and an abandoned one;
new series pooled from their category; and the baselines and scores of the backtest."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.evaluation import Scores, rolling_origins, seasonal_naive
from forecast.models import (
    classify,
    croston_sba,
    fill_unknown,
    forecast_series,
    intervals,
)

WEEK = np.array([10.0, 10.0, 10.0, 10.0, 15.0, 25.0, 20.0])  # Mon … Sun, 100 a week


def test_a_seasonal_series_is_forecast_with_its_weekly_pattern_in_phase() -> None:
    y = np.tile(WEEK, 26)  # half a year of the same week, ending on a Sunday
    found = forecast_series(y, 14)
    assert (found.klass, found.method) == ("smooth", "ses")  # smoothing of a level × week
    # the next day is a Monday: the pattern continues where the history stopped
    assert found.path == pytest.approx(np.tile(WEEK, 2), abs=0.5)
    assert found.sigma < 0.5 and found.mean == pytest.approx(100 / 7)
    shifted = forecast_series(y[:-3], 7)  # history ends on a Thursday
    assert shifted.path == pytest.approx(np.roll(WEEK, -4), abs=0.5)


def test_noise_does_not_move_a_stable_level_and_sigma_measures_it() -> None:
    rng = np.random.default_rng(3)
    y = np.tile(WEEK, 26) + rng.normal(0, 2.0, 182)
    found = forecast_series(y, 7)
    assert found.path.sum() == pytest.approx(100, rel=0.08)
    assert found.sigma == pytest.approx(2.0, rel=0.35)


def test_intermittent_demand_uses_croston_with_the_sba_correction() -> None:
    y = np.zeros(120)
    y[3::4] = 6.0  # 6 units every fourth day: a rate of 1.5 a day
    assert classify(y) == "intermittent"  # ADI 4, sizes all 6 (CV² 0)
    sizes, gaps = intervals(y)
    assert set(sizes) == {6.0} and set(gaps) == {4.0}
    # SBA: (1 − α/2) × size / interval = 0.95 × 6 / 4
    assert croston_sba(y) == pytest.approx(1.425)
    found = forecast_series(y, 10)
    # the Croston family member cross-validation chose; the rate is 6 / 4 (Croston's own;
    # SBA would say 1.425, TSB a little more)
    assert found.klass == "intermittent"
    assert found.method in {"croston", "sba", "tsb", "adida", "imapa"}
    assert found.path == pytest.approx(np.full(10, 1.5), rel=0.06)


def test_stockout_days_are_missing_demand_not_zero() -> None:
    y = np.full(140, 8.0)
    gap = y.copy()
    gap[120:130] = np.nan  # ten days with an empty shelf, then stock again
    zeros = y.copy()
    zeros[120:130] = 0.0  # what a naive reading of the sales would say
    with_gap, with_zeros = forecast_series(gap, 7), forecast_series(zeros, 7)
    assert with_gap.method == "ses" and with_gap.observed == 130
    assert with_gap.path == pytest.approx(np.full(7, 8.0), abs=0.05)
    assert with_zeros.path.mean() < 7.5  # zeros drag the level down: the bug avoided
    # Croston counts known days only: a stockout does not lengthen the intervals
    sparse = np.zeros(120)
    sparse[3::4] = 6.0
    sparse[40:60] = np.nan
    assert set(intervals(sparse)[1]) == {4.0}


def test_unknown_days_are_filled_from_the_same_weekday() -> None:
    y = np.tile(WEEK, 4)
    y[[12, 14]] = np.nan  # a Saturday (25) and a Monday (10)
    filled = fill_unknown(y)
    assert filled[12] == 25.0 and filled[14] == 10.0
    assert np.array_equal(filled[~np.isnan(y)], y[~np.isnan(y)])


def test_short_inactive_and_silent_series() -> None:
    short = np.array([np.nan] * 100 + [4.0, 6.0, np.nan, 5.0, 5.0])
    found = forecast_series(short, 5)
    # too short for a model, and with no peers to borrow from: its own mean
    assert found.klass == "new" and found.method == "moving_average"
    assert found.path.tolist() == pytest.approx([5.0] * 5)
    abandoned = np.concatenate([np.full(100, 9.0), np.full(60, np.nan)])
    assert forecast_series(abandoned, 3).method == "inactive"
    assert forecast_series(abandoned, 3).path.tolist() == [0.0, 0.0, 0.0]
    silent = np.zeros(90)
    assert forecast_series(silent, 2).method == "none"


def test_seasonal_naive_repeats_the_last_week_with_stock() -> None:
    y = np.vstack([np.tile(WEEK, 3), np.tile(WEEK * 2, 3)]).T
    y[-1, 0] = np.nan  # last Sunday out of stock: the Sunday before stands in
    naive = seasonal_naive(y, 9)
    assert naive[:, 0].tolist() == [*WEEK.tolist(), 10.0, 10.0]
    assert naive[:, 1].tolist() == [*(WEEK * 2).tolist(), 20.0, 20.0]


def test_scores_are_wape_and_bias_over_known_days() -> None:
    scores = Scores([])
    actual = np.array([[10.0, 0.0, np.nan, 10.0]])
    scores.add("Dairy", "forecast", np.array([[8.0, 2.0, 50.0, 10.0]]), actual)
    scores.add("Dairy", "seasonal_naive", np.array([[0.0, 10.0, 0.0, 10.0]]), actual)
    table = scores.table().set_index(["category", "method"])
    assert table.loc[("Dairy", "forecast"), "wape"] == pytest.approx(4 / 20)  # |−2|+|2|
    assert table.loc[("Dairy", "forecast"), "bias"] == pytest.approx(0.0)
    assert table.loc[("Dairy", "seasonal_naive"), "wape"] == pytest.approx(20 / 20)
    assert table.loc[("(all)", "forecast"), "cells"] == 3  # the stockout day left out


def test_rolling_origins_leave_a_full_horizon() -> None:
    from datetime import date

    assert rolling_origins(date(2026, 10, 31), 3, 28) == [
        date(2026, 8, 8), date(2026, 9, 5), date(2026, 10, 3)]


def test_a_new_series_borrows_from_its_category_empirical_bayes() -> None:
    from datetime import date

    from scipy.special import gammaln

    from forecast.models import forecast_matrix

    # six established series of one category selling 1 … 6 a day for 60 days; a new one
    # known for 5 days that sold 10 in all; another new one that sold nothing yet
    y = np.full((60, 8), np.nan)
    for j in range(6):
        y[:, j] = j + 1.0
    y[-5:, 6] = 2.0
    y[-5:, 7] = 0.0
    found = forecast_matrix(y, np.zeros(8, dtype=int), 1, date(2026, 1, 5), 3)
    assert found.klass.tolist() == ["smooth"] * 6 + ["new", "new"]
    assert found.method[6] == found.method[7] == "pooled"
    # the prior: peers' pooled rate μ = Σ sold / Σ days = 21·60 / 360 = 3.5, and the gamma
    # shape a that makes their totals most likely (negative binomial, b = a / μ), found
    # here on a fine grid of our own
    totals, days = np.arange(1, 7) * 60.0, np.full(6, 60.0)
    shapes = np.logspace(-2, 2, 4001)
    likelihood = [(gammaln(a + totals) - gammaln(a) + a * np.log(a / 3.5 / (a / 3.5 + days))
                   + totals * np.log(days / (a / 3.5 + days))).sum() for a in shapes]
    b = min(max(shapes[int(np.argmax(likelihood))] / 3.5, 1.0), 56.0)
    assert found.paths[6] == pytest.approx(np.full(3, (b * 3.5 + 10) / (b + 5)), rel=0.01)
    assert 2.0 < found.paths[6][0] < 3.5  # between its own rate and its category's
    assert found.paths[7][0] == pytest.approx(b * 3.5 / (b + 5), rel=0.01)  # not zero
    assert found.paths[2] == pytest.approx(np.full(3, 3.0))  # a steady series: its level
    # with no established series to learn from (all the data is young) it keeps its own
    young = forecast_matrix(y[-5:, 6:7], np.zeros(1, dtype=int), 1, date(2026, 3, 1), 2)
    assert young.paths[0] == pytest.approx([2.0, 2.0]) and young.method[0] == "moving_average"


def test_a_group_shares_its_weekday_pattern() -> None:
    from datetime import date

    from forecast.models import forecast_matrix

    # two series of one group with the same weekly shape at different levels; the third
    # week of the first is unknown (out of stock) — the group still knows its pattern
    y = np.column_stack([np.tile(WEEK, 8), np.tile(WEEK * 3, 8)])
    y[14:21, 0] = np.nan
    found = forecast_matrix(y, np.zeros(2, dtype=int), 1, date(2026, 1, 5), 7)  # a Monday
    assert found.paths[0] == pytest.approx(WEEK, rel=0.02)
    assert found.paths[1] == pytest.approx(WEEK * 3, rel=0.02)


def test_naive_baselines_and_mase_rmsse_by_hand() -> None:
    from forecast.evaluation import moving_average, naive, naive_scale

    y = np.array([[2.0, 4.0, np.nan, 6.0]]).T
    assert naive(y, 2)[:, 0].tolist() == [6.0, 6.0]  # the last known day
    assert moving_average(y, 2, days=2)[:, 0].tolist() == [5.0, 5.0]  # (4 + 6) / 2
    # naive one-step errors over consecutive known days: |4 − 2| = 2 only (the unknown
    # day breaks the other pairs): MAE 2, MSE 4
    mae, mse = naive_scale(y)
    assert (mae[0], mse[0]) == (2.0, 4.0)
    scores = Scores([])
    scores.add("Dairy", "forecast", np.array([[5.0, 5.0]]), np.array([[4.0, 8.0]]),
               (mae, mse))
    row = scores.table().set_index(["category", "method"]).loc[("Dairy", "forecast")]
    # errors 1 and −3: MAE 2 → MASE 2 / 2 = 1; MSE 5 → RMSSE √(5 / 4)
    assert row["mase"] == pytest.approx(1.0)
    assert row["rmsse"] == pytest.approx(np.sqrt(5 / 4))
    assert row["wape"] == pytest.approx(4 / 12) and row["bias"] == pytest.approx(-2 / 12)


def test_a_year_ago_follows_the_lunar_holidays() -> None:
    from datetime import date

    from forecast.yearly import year_before

    # Mid-Autumn: 2025-10-06, 2026-09-25; Spring Festival: 2025-01-29, 2026-02-17
    assert year_before(date(2026, 9, 25)) == date(2025, 10, 6)
    assert year_before(date(2026, 9, 20)) == date(2025, 10, 1)  # 5 days before it
    assert year_before(date(2026, 2, 10)) == date(2025, 1, 22)  # a week before CNY
    assert year_before(date(2026, 7, 1)) == date(2025, 7, 2)  # else 364 days: a Wednesday
    assert date(2025, 7, 2).weekday() == date(2026, 7, 1).weekday()
