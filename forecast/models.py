"""One daily demand series → a forecast path and its error, with the model its history
supports.

    inactive         no stock and no sale for the last INACTIVE_DAYS days (a delisted or
                     abandoned SKU-location): forecast 0, nothing to replenish
    none             no sale in the window: forecast 0
    moving_average   fewer than MIN_OBSERVED known days: the mean of the known days
    croston          intermittent demand (a sale on fewer than 1 day in 1.32, Syntetos–
                     Boylan's cut): Croston's method with the SBA bias correction
    ets              otherwise: Holt-Winters exponential smoothing (statsmodels) with
                     additive weekly seasonality, its smoothing parameters pooled per
                     category and channel (engine.py), the level re-estimated per series

Unknown days (stockouts, NaN) are not zeros: Croston and the moving average skip them,
and for ETS, which needs a complete series, each is filled with the mean of the known
same-weekday days around it before fitting (and left out of the error).

σ (the daily error behind safety stock) is the standard deviation of one-step-ahead
errors on known days for ETS, and of known daily demand otherwise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from statsmodels.tsa.holtwinters import ExponentialSmoothing

WEEK = 7
MIN_OBSERVED = 28  # known days needed for a seasonal model
INTERMITTENT_ADI = 1.32  # average days between sales above which demand is intermittent
INACTIVE_DAYS = 56
CROSTON_ALPHA = 0.1
ERROR_DAYS = 91  # recent one-step errors that define σ
DEFAULT_LEVEL, DEFAULT_SEASONAL = 0.05, 0.05


@dataclass(frozen=True)
class EtsParams:
    """Smoothing parameters of the level and of the weekly seasonal terms."""

    level: float = DEFAULT_LEVEL
    seasonal: float = DEFAULT_SEASONAL


@dataclass(frozen=True)
class SeriesForecast:
    method: str
    path: np.ndarray  # expected demand of each day after the origin
    sigma: float  # standard deviation of the daily forecast error
    observed: int  # known days in the window
    mean: float  # mean known daily demand in the window


def _inactive(y: np.ndarray) -> bool:
    """No information for INACTIVE_DAYS at the end: no stock and no sale all that time."""
    tail = y[-INACTIVE_DAYS:]
    return len(y) >= INACTIVE_DAYS and bool(np.all(np.isnan(tail)))


def fill_unknown(y: np.ndarray) -> np.ndarray:
    """NaN days filled with the mean of the known days on the same weekday within four
    weeks either side (else of all known days): the demand the day would have had."""
    out = y.copy()
    known = ~np.isnan(y)
    fallback = float(np.mean(y[known])) if known.any() else 0.0
    for i in np.flatnonzero(~known):
        near = [y[j] for k in range(1, 5) for j in (i - k * WEEK, i + k * WEEK)
                if 0 <= j < len(y) and known[j]]
        out[i] = float(np.mean(near)) if near else fallback
    return out


def intervals(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Croston's view of known days: the non-zero demands and the number of known days
    from one to the next (unknown days do not count as days without demand)."""
    known = y[~np.isnan(y)]
    where = np.flatnonzero(known > 0)
    sizes = known[where]
    gaps = np.diff(np.concatenate([[-1], where])).astype(float)
    return sizes, gaps


def croston_sba(y: np.ndarray, alpha: float = CROSTON_ALPHA) -> float:
    """Daily demand rate by Croston's method with the Syntetos–Boylan approximation:
    smoothed size / smoothed interval × (1 − α/2)."""
    sizes, gaps = intervals(y)
    if not len(sizes):
        return 0.0
    size, gap = sizes[0], gaps[0]
    for s, q in zip(sizes[1:], gaps[1:], strict=True):
        size += alpha * (s - size)
        gap += alpha * (q - gap)
    return float((1 - alpha / 2) * size / gap)


def fit_ets(filled: np.ndarray, params: EtsParams | None) -> tuple[np.ndarray, object]:
    """Holt-Winters (level + additive weekly season). With `params` the smoothing is
    fixed (pooled); without, statsmodels estimates it. Returns (fitted one-step-ahead
    values, results)."""
    model = ExponentialSmoothing(filled, trend=None, seasonal="add", seasonal_periods=WEEK,
                                 initialization_method="heuristic")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if params is None:
            result = model.fit(use_brute=False)
        else:
            result = model.fit(smoothing_level=params.level,
                               smoothing_seasonal=params.seasonal, optimized=False)
    return np.asarray(result.fittedvalues, dtype=float), result


def estimate_params(series: list[np.ndarray]) -> EtsParams:
    """Smoothing parameters fitted by statsmodels on a few series, their median: one
    daily SKU-location series is too noisy to pin its own parameters down, and fitting
    each would take ~50 ms × thousands of series."""
    levels, seasonals = [], []
    for y in series:
        known = ~np.isnan(y)
        if known.sum() < MIN_OBSERVED:
            continue
        _, result = fit_ets(fill_unknown(y), None)
        levels.append(float(result.params["smoothing_level"]))
        seasonals.append(float(result.params["smoothing_seasonal"]))
    if not levels:
        return EtsParams()
    # keep the level adaptive enough to follow a season, and the weekly shape stable
    return EtsParams(float(np.clip(np.median(levels), 0.02, 0.5)),
                     float(np.clip(np.median(seasonals), 0.01, 0.3)))


def classify(y: np.ndarray) -> str:
    """Which model the series' history supports (see the module docstring)."""
    if _inactive(y):
        return "inactive"
    known = y[~np.isnan(y)]
    if not len(known) or not np.any(known > 0):
        return "none"
    if len(known) < MIN_OBSERVED:
        return "moving_average"
    if len(known) / np.count_nonzero(known > 0) > INTERMITTENT_ADI:
        return "croston"
    return "ets"


def forecast_series(y: np.ndarray, horizon: int, params: EtsParams | None = None
                    ) -> SeriesForecast:
    """The forecast of the `horizon` days after the last day of `y` (NaN = unknown)."""
    method = classify(y)
    seen = np.flatnonzero(~np.isnan(y))
    y = y[seen[0]:] if len(seen) else y  # before its first known day the pair did not exist
    known = y[~np.isnan(y)]
    n, mean = len(known), float(np.mean(known)) if len(known) else 0.0
    if method in ("inactive", "none"):
        return SeriesForecast(method, np.zeros(horizon), 0.0, n, mean)
    spread = float(np.std(known, ddof=1)) if n > 1 else mean
    if method == "moving_average":
        return SeriesForecast(method, np.full(horizon, mean), spread, n, mean)
    if method == "croston":
        return SeriesForecast(method, np.full(horizon, croston_sba(y)), spread, n, mean)
    filled = fill_unknown(y)
    fitted, result = fit_ets(filled, params or EtsParams())
    path = np.maximum(np.asarray(result.forecast(horizon), dtype=float), 0.0)
    recent = slice(-ERROR_DAYS, None)
    errors = (y - fitted)[recent][~np.isnan(y[recent])]
    sigma = float(np.sqrt(np.mean(errors ** 2))) if len(errors) else spread
    return SeriesForecast(method, path, sigma, n, mean)
