"""Rolling-origin backtest of the forecast against a seasonal-naive baseline.

At each origin the forecast sees only the days up to it and predicts the next `horizon`
days; so does the baseline, "same weekday last week" (the last known week repeated). Both
are scored on the days that followed, per SKU-location and day:

    WAPE = Σ |forecast − actual| / Σ actual        (lower is better)
    bias = Σ (forecast − actual) / Σ actual        (> 0: over-forecast)

summed over every origin, per category and overall. Stockout days (unknown demand) are
left out of the score as they are left out of the fit: their sales are not the demand.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_connectors.source import Source
from forecast.engine import WINDOW, forecast_history, read_yearly
from forecast.history import History, read_history
from forecast.models import WEEK, EtsParams
from forecast.yearly import Group


def seasonal_naive(y: np.ndarray, horizon: int) -> np.ndarray:
    """The last week repeated, per column of `y` (days × series). A stockout day of that
    week takes the same weekday of an earlier week, else the mean known day of the last
    four weeks, else 0."""
    weeks = [y[len(y) - WEEK * (k + 1): len(y) - WEEK * k] for k in range(4)
             if len(y) >= WEEK * (k + 1)]
    last = weeks[0].copy()
    for earlier in weeks[1:]:
        last = np.where(np.isnan(last), earlier, last)
    with warnings.catch_warnings():  # a series unknown all four weeks: mean of nothing
        warnings.simplefilter("ignore", RuntimeWarning)
        recent = np.nanmean(y[-4 * WEEK:], axis=0)
    last = np.where(np.isnan(last), np.nan_to_num(recent), last)
    reps = -(-horizon // WEEK)
    return np.tile(last, (reps, 1))[:horizon]


@dataclass
class Scores:
    """Σ|error|, Σerror and Σactual of the forecast, the forecast without its yearly
    index, and the baseline, per category (summed over origins)."""

    rows: list[dict[str, object]]

    def add(self, category: str, method: str, forecast: np.ndarray,
            actual: np.ndarray) -> None:
        known = ~np.isnan(actual)
        error = (forecast - np.nan_to_num(actual))[known]
        self.rows.append({"category": category, "method": method,
                          "abs_error": float(np.abs(error).sum()),
                          "error": float(error.sum()),
                          "actual": float(actual[known].sum()),
                          "cells": int(known.sum())})

    def table(self) -> pd.DataFrame:
        """WAPE and bias per category and method, with an "(all)" row per method."""
        frame = pd.DataFrame(self.rows)
        per = frame.groupby(["category", "method"], as_index=False)[
            ["abs_error", "error", "actual", "cells"]].sum()
        overall = frame.groupby("method", as_index=False)[
            ["abs_error", "error", "actual", "cells"]].sum()
        overall.insert(0, "category", "(all)")
        out = pd.concat([per, overall], ignore_index=True)
        out["wape"] = out["abs_error"] / out["actual"].where(out["actual"] > 0)
        out["bias"] = out["error"] / out["actual"].where(out["actual"] > 0)
        return out


def rolling_origins(last: date, count: int, horizon: int) -> list[date]:
    """`count` origins `horizon` days apart, the latest leaving a full horizon of data."""
    latest = last - timedelta(days=horizon)
    return [latest - timedelta(days=horizon * k) for k in range(count)][::-1]


def backtest_history(history: History, origins: list[date], horizon: int,
                     yearly: Callable[[date], dict[Group, np.ndarray]]) -> Scores:
    """Score forecast and baseline at each origin of an already read history."""
    scores = Scores([])
    categories = history.pairs["category"].to_numpy()
    for origin in origins:
        end = history.index_of(origin)
        params: dict[Group, EtsParams] = {}
        found = forecast_history(history, end, horizon, yearly(origin), params)
        actual = history.demand[end + 1:end + 1 + horizon].T
        naive = seasonal_naive(history.demand[max(0, end + 1 - WINDOW):end + 1], horizon).T
        for category in sorted(set(categories)):
            cols = categories == category
            scores.add(category, "forecast", found.paths[cols], actual[cols])
            scores.add(category, "forecast_no_yearly", found.base_paths[cols], actual[cols])
            scores.add(category, "seasonal_naive", naive[cols], actual[cols])
    return scores


def backtest_source(source: Source, origins: list[date], horizon: int = 28) -> Scores:
    """Read the history the origins need once, then score every origin."""
    first = min(origins) - timedelta(days=WINDOW - 1)
    last = max(origins) + timedelta(days=horizon)
    history = read_history(source, first, last)
    return backtest_history(history, origins, horizon,
                            lambda origin: read_yearly(source, origin, horizon))
