"""The forecast's own error over a lead time, and its quality, from past origins.

Safety stock must cover what the forecast gets wrong over the lead time, and a daily
error σ times √L assumes the days' errors are independent — they are not: a level
estimated a little high stays high for the whole lead time. So, at CAL_ORIGINS past
origins (CAL_STEP days apart, the latest CAL_HORIZON days before the origin, each seeing
only the days up to it), every series is forecast again and the error of its cumulative
demand over h = 1 … CAL_HORIZON days is measured. Per group (category × channel):

    R(h) = Σ (cumulative error over h days)² / Σ σ²        over the group's series and
                                                            origins (σ: their daily error)
    R(h) ≈ a·h + λ·h²                                       least squares on R(h)/h

a·h is the day-to-day noise (a ≈ 1 when σ is right), λ·h² the error of the level that
persists over the lead time. A series' error over a lead time of L days is then

    σ_LT(L)² = L·σ_day² + L²·σ_level²,   σ_day = σ·√a,  σ_level = σ·√λ

which metrics/replenishment.py's safety stock uses (with the lead time's own spread).

The same past origins give the page's "forecast quality" panel: per category and
location, the sums behind WAPE, bias, MASE and RMSSE of the forecast and of seasonal
naive over their first QUALITY_DAYS — an honest rolling-origin backtest of what the job
stores, kept per location so a page shows only what its reader may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecast.engine import WINDOW, fit_window, group_keys
from forecast.evaluation import naive_scale, origin_window, seasonal_naive
from forecast.history import History
from forecast.models import Choice
from forecast.yearly import Group
from metrics.replenishment import ERROR_PROBS, normal_quantiles

CAL_ORIGINS = 4
CAL_STEP = 7
CAL_HORIZON = 35
QUALITY_DAYS = 28
MIN_SERIES = 30  # series-origins a group needs for a fit of its own
MIN_ERRORS = 400  # standardised errors a group needs for quantiles of its own
ERROR_HORIZONS = (3, 7, 14, 21, 28, 35)  # lead times whose errors shape the quantiles
HISTORY_DAYS = WINDOW + CAL_HORIZON + CAL_STEP * (CAL_ORIGINS - 1)  # what calibrate reads
SLOPE_RANGE = (0.5, 4.0)
QUALITY_METHODS = ("forecast", "seasonal_naive")
QUALITY_COLUMNS = ["category", "location_id", "method", "abs_error", "error", "actual",
                   "cells", "mase_sum", "rmsse_sum", "series"]


@dataclass
class Calibration:
    """Per group: the slope a and the curvature λ of R(h), and the quantiles (at
    metrics.replenishment.ERROR_PROBS) of the standardised lead-time error; the quality
    sums per category, location and method; the origins measured."""

    slope: dict[Group, float]
    curve: dict[Group, float]
    quality: pd.DataFrame
    origins: list[date]
    shape: dict[Group, np.ndarray] = field(default_factory=dict)

    def shapes(self, pairs: pd.DataFrame) -> np.ndarray:
        """pairs × probs: the error quantiles of each pair's group (else the pooled)."""
        pooled = self.shape.get(("*", "*"), normal_quantiles())
        return np.array([self.shape.get(k, pooled) for k in zip(
            pairs["category"].astype(str), pairs["channel"].astype(str), strict=True)])

    def factors(self, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(√a, √λ) of each pair's group (the pooled fit where its group has none)."""
        keys = list(zip(pairs["category"].astype(str), pairs["channel"].astype(str),
                        strict=True))
        slope = np.array([self.slope.get(k, self.slope.get(("*", "*"), 1.0)) for k in keys])
        curve = np.array([self.curve.get(k, self.curve.get(("*", "*"), 0.0)) for k in keys])
        return np.sqrt(slope), np.sqrt(curve)


def fit_curve(ratio: np.ndarray) -> tuple[float, float]:
    """(a, λ) of R(h) ≈ a·h + λ·h² (h = 1 … len(ratio)), from R(h)/h = a + λ·h."""
    h = np.arange(1, len(ratio) + 1, dtype=float)
    ok = np.isfinite(ratio)
    if ok.sum() < 2:
        return 1.0, 0.0
    lam, a = np.polyfit(h[ok], ratio[ok] / h[ok], 1)
    lam = max(float(lam), 0.0)
    a = float(np.clip(a if lam > 0 else np.mean(ratio[ok] / h[ok]), *SLOPE_RANGE))
    return a, lam


def series_scores(forecast: np.ndarray, actual: np.ndarray,
                  scale: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
    """Per series (rows of forecast/actual: series × days, NaN actual = unknown): the sums
    evaluation.Scores adds up."""
    known = ~np.isnan(actual)
    error = np.where(known, forecast - np.nan_to_num(actual), 0.0)
    cells = known.sum(axis=1)
    mae, mse = scale
    usable = (cells > 0) & (mae > 0) & np.isfinite(mae)
    with np.errstate(invalid="ignore", divide="ignore"):
        mase = np.abs(error).sum(axis=1) / np.maximum(cells, 1) / mae
        rmsse = np.sqrt((error ** 2).sum(axis=1) / np.maximum(cells, 1) / mse)
    return pd.DataFrame({
        "abs_error": np.abs(error).sum(axis=1), "error": error.sum(axis=1),
        "actual": np.where(known, actual, 0.0).sum(axis=1), "cells": cells,
        "mase_sum": np.where(usable, mase, 0.0), "rmsse_sum": np.where(usable, rmsse, 0.0),
        "series": usable.astype(int)})


def calibrate(history: History, end: int, choice: Choice,
              yearly: Callable[[date], dict[Group, np.ndarray]] | None = None) -> Calibration:
    """Measure the lead-time error curve and the quality sums at the past origins of
    `history` before day index `end`."""
    names, groups = group_keys(history.pairs)
    squared = np.zeros((len(names), CAL_HORIZON))
    variance = np.zeros(len(names))
    counted = np.zeros(len(names))
    quality: list[pd.DataFrame] = []
    origins: list[date] = []
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    categories = history.pairs["category"].astype(str).to_numpy()
    locations = history.pairs["location_id"].astype(str).to_numpy()
    for k in range(CAL_ORIGINS):
        cut = end - CAL_HORIZON - CAL_STEP * k
        if cut < 2 * CAL_STEP:
            break
        origin = history.first + timedelta(days=cut)
        found, _, _ = fit_window(history, cut, CAL_HORIZON,
                                 yearly(origin) if yearly else None, choice)
        actual = history.demand[cut + 1:cut + 1 + CAL_HORIZON].T
        window, existed = origin_window(history, cut)
        error = np.where(np.isnan(actual), 0.0, found.paths - np.nan_to_num(actual))
        cumulative = np.cumsum(error, axis=1)
        use = existed & (found.sigma > 0)
        np.add.at(squared, groups[use], cumulative[use] ** 2)
        kept.append((groups[use], found.sigma[use],
                     -cumulative[use][:, [h - 1 for h in ERROR_HORIZONS]]))
        np.add.at(variance, groups[use], found.sigma[use] ** 2)
        np.add.at(counted, groups[use], 1)
        days = min(QUALITY_DAYS, CAL_HORIZON)
        scale = naive_scale(window)
        naive = seasonal_naive(window, days).T
        for method, paths in (("forecast", found.paths[:, :days]), ("seasonal_naive", naive)):
            rows = series_scores(paths[existed], actual[existed, :days],
                                 (scale[0][existed], scale[1][existed]))
            rows.insert(0, "method", method)
            rows.insert(0, "location_id", locations[existed])
            rows.insert(0, "category", categories[existed])
            quality.append(rows)
        origins.append(origin)
    slope: dict[Group, float] = {}
    curve: dict[Group, float] = {}
    if counted.sum() > 0:
        slope[("*", "*")], curve[("*", "*")] = fit_curve(
            squared.sum(axis=0) / max(variance.sum(), 1e-12))
    for g, name in enumerate(names):
        if counted[g] >= MIN_SERIES and variance[g] > 0:
            slope[name], curve[name] = fit_curve(squared[g] / variance[g])
    shape = error_shapes(kept, names, slope, curve)
    table = (pd.concat(quality, ignore_index=True)
             .groupby(["category", "location_id", "method"], as_index=False).sum()
             if quality else pd.DataFrame(columns=QUALITY_COLUMNS))
    return Calibration(slope, curve, table[QUALITY_COLUMNS], origins[::-1], shape)


def error_shapes(kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]], names: list[Group],
                 slope: dict[Group, float], curve: dict[Group, float]
                 ) -> dict[Group, np.ndarray]:
    """Per group (and pooled, ("*", "*")): the quantiles at ERROR_PROBS of the lead-time
    errors (actual − forecast over h days) divided by the σ_LT(h) the fit predicts."""
    if not kept:
        return {}
    groups = np.concatenate([g for g, _, _ in kept])
    sigma = np.concatenate([s for _, s, _ in kept])
    shortfall = np.concatenate([e for _, _, e in kept])
    h = np.asarray(ERROR_HORIZONS, dtype=float)[None, :]
    pooled = (slope.get(("*", "*"), 1.0), curve.get(("*", "*"), 0.0))
    a = np.array([slope.get(names[g], pooled[0]) for g in groups])[:, None]
    lam = np.array([curve.get(names[g], pooled[1]) for g in groups])[:, None]
    scale = sigma[:, None] * np.sqrt(a * h + lam * h ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(scale > 0, shortfall / scale, np.nan)
    out: dict[Group, np.ndarray] = {}
    every = u[np.isfinite(u)]
    if len(every) >= MIN_ERRORS:
        out[("*", "*")] = np.quantile(every, ERROR_PROBS)
    for g, name in enumerate(names):
        mine = u[groups == g]
        mine = mine[np.isfinite(mine)]
        if len(mine) >= MIN_ERRORS:
            out[name] = np.quantile(mine, ERROR_PROBS)
    return out


def merge(parts: list[Calibration]) -> Calibration:
    """One calibration of several chunks (their groups' fits kept, quality concatenated;
    a group in several chunks keeps its first fit)."""
    slope: dict[Group, float] = {}
    curve: dict[Group, float] = {}
    for part in parts:
        for key, value in part.slope.items():
            slope.setdefault(key, value)
        for key, value in part.curve.items():
            curve.setdefault(key, value)
    quality = pd.concat([p.quality for p in parts], ignore_index=True) if parts else \
        pd.DataFrame(columns=QUALITY_COLUMNS)
    quality = quality.groupby(["category", "location_id", "method"], as_index=False).sum()
    origins = parts[0].origins if parts else []
    shape: dict[Group, np.ndarray] = {}
    for part in parts:
        for key, value in part.shape.items():
            shape.setdefault(key, value)
    return Calibration(slope, curve, quality, origins, shape)
