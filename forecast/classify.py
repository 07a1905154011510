"""The demand pattern of a daily series, by Syntetos and Boylan's classification.

Two numbers describe how a series' demand arrives, computed on its known days (stockout
days, NaN, are neither demand nor its absence):

    ADI  average demand interval = known days / days with demand  (1: a sale every day)
    CV²  squared coefficient of variation of the non-zero demand sizes

and their cut-offs (Syntetos, Boylan & Croston 2005, "On the categorization of demand
patterns") split the plane in four:

                    CV² < 0.49       CV² ≥ 0.49
    ADI < 1.32      smooth           erratic
    ADI ≥ 1.32      intermittent     lumpy

Smooth and erratic series are forecast by exponential smoothing, intermittent and lumpy
ones by the Croston family (forecast/intermittent.py); which member of each family is
chosen per class by cross-validation (forecast/models.py). Three more states come first:

    inactive   no information at all (no stock, no sale) for the last INACTIVE_DAYS
    none       known for at least NONE_DAYS and never a sale: no demand
    new        fewer than MIN_OBSERVED known days, or fewer than MIN_DEMANDS days with
               demand: too little to fit anything, so the series borrows from its
               category (pooling, forecast/models.py)
"""

from __future__ import annotations

import numpy as np

ADI_CUT = 1.32
CV2_CUT = 0.49
MIN_OBSERVED = 28  # known days a series needs for a model of its own
MIN_DEMANDS = 3  # days with demand a series needs for a model of its own
NONE_DAYS = 56  # known days without one sale after which a series has no demand
INACTIVE_DAYS = 56

SMOOTH, ERRATIC, INTERMITTENT, LUMPY = "smooth", "erratic", "intermittent", "lumpy"
NEW, NONE, INACTIVE = "new", "none", "inactive"
PATTERNS = (SMOOTH, ERRATIC, INTERMITTENT, LUMPY)
CLASSES = (*PATTERNS, NEW, NONE, INACTIVE)


def demand_pattern(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ADI, CV², known days, days with demand) of each column of `y` (days × series, or
    one series). ADI is inf without demand; CV² is 0 with fewer than two demands."""
    y = np.asarray(y, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    known = ~np.isnan(y)
    values = np.where(known, y, 0.0)
    positive = values > 0
    n, k = known.sum(axis=0), positive.sum(axis=0)
    sizes = np.where(positive, values, 0.0)
    mean = sizes.sum(axis=0) / np.maximum(k, 1)
    squares = np.where(positive, (values - mean) ** 2, 0.0).sum(axis=0)
    variance = np.where(k > 1, squares / np.maximum(k - 1, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(k > 0, n / np.maximum(k, 1), np.inf)
        cv2 = np.where(mean > 0, variance / np.maximum(mean, 1e-300) ** 2, 0.0)
    return adi, cv2, n, k


def pattern_of(adi: np.ndarray | float, cv2: np.ndarray | float) -> np.ndarray:
    """Syntetos–Boylan's quadrant of each (ADI, CV²)."""
    adi, cv2 = np.asarray(adi, dtype=float), np.asarray(cv2, dtype=float)
    frequent = adi < ADI_CUT
    steady = cv2 < CV2_CUT
    return np.where(frequent, np.where(steady, SMOOTH, ERRATIC),
                    np.where(steady, INTERMITTENT, LUMPY))


def classify_matrix(y: np.ndarray) -> np.ndarray:
    """The class of each column of `y` (days × series, NaN = unknown): inactive, none,
    new, or its Syntetos–Boylan pattern."""
    y = np.asarray(y, dtype=float)
    y = y[:, None] if y.ndim == 1 else y
    adi, cv2, n, k = demand_pattern(y)
    tail = y[-INACTIVE_DAYS:]
    inactive = (y.shape[0] >= INACTIVE_DAYS) & np.all(np.isnan(tail), axis=0)
    none = (k == 0) & (n >= NONE_DAYS)
    new = (n < MIN_OBSERVED) | (k < MIN_DEMANDS)
    return np.where(inactive, INACTIVE, np.where(none, NONE, np.where(
        new, NEW, pattern_of(adi, cv2))))


def classify(y: np.ndarray) -> str:
    """The class of one series."""
    return str(classify_matrix(np.asarray(y, dtype=float))[0])
