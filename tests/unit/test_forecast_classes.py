"""Syntetos–Boylan's classification on synthetic series of known type: smooth, erratic,
intermittent and lumpy by ADI and CV² (cut-offs 1.32 and 0.49), with ADI and CV² computed
by hand on small series, and the states that come first (inactive, none, new)."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.classify import (
    ADI_CUT,
    CV2_CUT,
    classify,
    classify_matrix,
    demand_pattern,
    pattern_of,
)

DAYS = 182


def _series(rng: np.random.Generator, chance: float, sizes: np.ndarray) -> np.ndarray:
    """Demand on a day with probability `chance`, of the next size drawn."""
    hits = rng.random(DAYS) < chance
    return np.where(hits, sizes[:DAYS], 0.0)


def test_adi_and_cv2_by_hand() -> None:
    # 10 known days, demand on 4 of them: ADI = 10 / 4 = 2.5
    # sizes 2, 4, 6, 8: mean 5, sample variance (9 + 1 + 1 + 9) / 3 = 20/3, CV² = 20/3/25
    y = np.array([0, 2, 0, 4, 0, 0, 6, 0, 8, 0], dtype=float)
    adi, cv2, known, demands = demand_pattern(y)
    assert (adi[0], known[0], demands[0]) == (2.5, 10, 4)
    assert cv2[0] == pytest.approx((20 / 3) / 25)
    # a stockout day is neither demand nor its absence: ADI counts known days only
    with_gap = np.insert(y, 3, np.nan)
    assert demand_pattern(with_gap)[0][0] == 2.5
    # one demand: CV² 0; no demand: ADI inf
    assert demand_pattern(np.array([0, 0, 3.0]))[1][0] == 0.0
    assert demand_pattern(np.zeros(5))[0][0] == np.inf


def test_the_four_quadrants_and_their_cut_offs() -> None:
    assert pattern_of(1.0, 0.1) == "smooth"
    assert pattern_of(1.0, 1.0) == "erratic"
    assert pattern_of(3.0, 0.1) == "intermittent"
    assert pattern_of(3.0, 1.0) == "lumpy"
    # the cut-offs belong to the upper side (ADI ≥ 1.32 is intermittent, CV² ≥ 0.49 erratic)
    assert pattern_of(ADI_CUT, 0.0) == "intermittent"
    assert pattern_of(1.0, CV2_CUT) == "erratic"
    assert pattern_of(ADI_CUT - 1e-9, CV2_CUT - 1e-9) == "smooth"


def test_synthetic_series_of_known_type_are_classified_as_such() -> None:
    rng = np.random.default_rng(11)
    steady = rng.poisson(20, DAYS).astype(float) + 1  # sizes CV² ≈ 0.05
    wild = np.ceil(rng.lognormal(1.5, 1.3, DAYS))  # sizes CV² = e^(1.3²) − 1 ≈ 4.4
    smooth = _series(rng, 1.0, steady)
    erratic = _series(rng, 1.0, wild)
    intermittent = _series(rng, 0.2, steady)  # ADI ≈ 5
    lumpy = _series(rng, 0.2, wild)
    found = classify_matrix(np.column_stack([smooth, erratic, intermittent, lumpy]))
    assert found.tolist() == ["smooth", "erratic", "intermittent", "lumpy"]
    adi, cv2, _, _ = demand_pattern(np.column_stack([smooth, erratic, intermittent, lumpy]))
    assert adi[0] == 1.0 and 4 < adi[2] < 6.5 and 4 < adi[3] < 6.5
    assert cv2[0] < 0.1 and cv2[1] > 1.0 and cv2[3] > 1.0  # far from the cut, 0.49


def test_inactive_none_and_new_come_before_the_pattern() -> None:
    rng = np.random.default_rng(5)
    busy = rng.poisson(5, DAYS).astype(float) + 1
    abandoned = busy.copy()
    abandoned[-60:] = np.nan  # no stock and no sale for the last 60 days
    assert classify(abandoned) == "inactive"
    assert classify(np.zeros(90)) == "none"  # known for 90 days, never a sale
    assert classify(np.zeros(40)) == "new"  # too short to say it has no demand
    launched = np.concatenate([np.full(150, np.nan), busy[:20]])  # 20 known days
    assert classify(launched) == "new"
    sparse = np.zeros(DAYS)
    sparse[[40, 120]] = 3.0  # two demands in half a year: too few to fit
    assert classify(sparse) == "new"
    assert classify(busy) == "smooth"
