"""The per-series forecast on synthetic series with known answers: a weekly seasonal
series, an intermittent one, one with stockout gaps, a short one and an abandoned one;
and the seasonal-naive baseline and scores of the backtest."""

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
    assert found.method == "ets"
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
    assert classify(y) == "croston"
    sizes, gaps = intervals(y)
    assert set(sizes) == {6.0} and set(gaps) == {4.0}
    # SBA: (1 − α/2) × size / interval = 0.95 × 6 / 4
    assert croston_sba(y) == pytest.approx(1.425)
    found = forecast_series(y, 10)
    assert found.method == "croston" and found.path == pytest.approx(np.full(10, 1.425))


def test_stockout_days_are_missing_demand_not_zero() -> None:
    y = np.full(140, 8.0)
    gap = y.copy()
    gap[120:130] = np.nan  # ten days with an empty shelf, then stock again
    zeros = y.copy()
    zeros[120:130] = 0.0  # what a naive reading of the sales would say
    with_gap, with_zeros = forecast_series(gap, 7), forecast_series(zeros, 7)
    assert with_gap.method == "ets" and with_gap.observed == 130
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
    assert found.method == "moving_average" and found.path.tolist() == [5.0] * 5
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
