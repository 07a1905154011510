"""The Croston family and exponential smoothing on a short series computed by hand, step
by step (the numbers below are written out here, not taken from the code), the stockout
days they skip, and many series at once."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.intermittent import compact, croston, mean_interval, ses, tsb, uncompact
from forecast.models import croston_sba

# days:  0  1  2  3  4  5  6
Y = np.array([0, 3, 0, 0, 5, 0, 2], dtype=float)


def test_croston_and_sba_by_hand() -> None:
    # demands 3, 5, 2 on days 1, 4, 6; intervals in known days: 2 (from the first day),
    # 3, 2
    # size:     3 → 3 + 0.1·(5 − 3) = 3.2 → 3.2 + 0.1·(2 − 3.2) = 3.08
    # interval: 2 → 2 + 0.1·(3 − 2) = 2.1 → 2.1 + 0.1·(2 − 2.1) = 2.09
    rate, fitted = croston(Y, 0.1)
    assert rate[0] == pytest.approx(3.08 / 2.09)
    sba, _ = croston(Y, 0.1, sba=True)
    assert sba[0] == pytest.approx(0.95 * 3.08 / 2.09)  # × (1 − α/2)
    assert croston_sba(Y) == pytest.approx(0.95 * 3.08 / 2.09)  # the one-series version
    # one-step forecasts: 0 until the first demand, then the rate after each demand
    assert fitted[:, 0].tolist() == pytest.approx([0, 0, 3 / 2, 3 / 2, 3 / 2, 3.2 / 2.1,
                                                   3.2 / 2.1])


def test_tsb_by_hand() -> None:
    # probability (α_p = 0.2) from the first day's indicator 0:
    # 0 → .2 → .16 → .128 → .128 + .2·.872 = .3024 → .24192 → .24192 + .2·.75808 = .393536
    # size (α_d = 0.1) on demand days: 3 → 3.2 → 3.08
    rate, fitted = tsb(Y, alpha_d=0.1, alpha_p=0.2)
    assert rate[0] == pytest.approx(0.393536 * 3.08)
    assert fitted[5, 0] == pytest.approx(0.3024 * 3.2)  # before day 5: after day 4


def test_ses_starts_from_the_first_days_mean() -> None:
    y = np.array([4.0, 6.0, 8.0, 2.0])
    level, fitted = ses(y, 0.5, init_days=2)
    # start: (4 + 6) / 2 = 5; then 5 → 4.5 → 5.25 → 6.625 → 4.3125
    assert fitted[:, 0].tolist() == pytest.approx([5.0, 4.5, 5.25, 6.625])
    assert level[0] == pytest.approx(4.3125)


def test_stockout_days_are_skipped_not_zero() -> None:
    gap = np.insert(Y, [2, 5], np.nan)  # two stockout days inside the history
    assert croston(gap, 0.1)[0][0] == pytest.approx(3.08 / 2.09)
    assert tsb(gap, 0.1, 0.2)[0][0] == pytest.approx(0.393536 * 3.08)
    assert mean_interval(compact(gap[:, None])[0])[0] == pytest.approx((2 + 3 + 2) / 3)


def test_many_series_at_once_equal_each_alone() -> None:
    rng = np.random.default_rng(2)
    many = np.where(rng.random((60, 5)) < 0.3, rng.poisson(4, (60, 5)), 0).astype(float)
    many[rng.random((60, 5)) < 0.1] = np.nan
    together = croston(many, 0.1, sba=True)[0]
    alone = [croston(many[:, j], 0.1, sba=True)[0][0] for j in range(5)]
    assert together == pytest.approx(alone)
    squeezed, order = compact(many)
    assert np.array_equal(uncompact(squeezed, order), many, equal_nan=True)
    assert np.isnan(squeezed[: int(np.isnan(many[:, 0]).sum()), 0]).all()
