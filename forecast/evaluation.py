"""Rolling-origin backtest of the forecast against baselines.

At each origin (cut-off) every method sees only the days up to it and predicts the next
`horizon` days of every SKU-location that existed by then (sold or had stock); they are
scored on the days that followed, per SKU-location and day:

    WAPE  = Σ |forecast − actual| / Σ actual                          (lower is better)
    bias  = Σ (forecast − actual) / Σ actual                          (> 0: over-forecast)
    MASE  = mean over series of  MAE / the naive one-step MAE in the window
    RMSSE = mean over series of  √(MSE / the naive one-step MSE in the window)  (M5)

WAPE and bias are summed over every origin, per category and overall; MASE and RMSSE
average over (series, origin) pairs whose window has a naive error (a series that never
changed has no scale and is left out of them, as in M4/M5). Stockout days (unknown
demand) are left out of the score as they are out of the fit: their sales are not the
demand.

Baselines, fitted on the same window: seasonal naive (the last week with stock repeated),
naive (the last known day repeated), moving average (the mean of the last 28 known days);
bench/backtest.py adds statsforecast's own models, run by statsforecast itself.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from data_connectors.source import Source, SourceError
from forecast.engine import WINDOW, forecast_history, read_yearly
from forecast.history import History, read_history
from forecast.models import WEEK, Choice
from forecast.yearly import Group
from service import ALL_DATA, history_rows

MOVING_DAYS = 28
OVERALL = "(all)"

# method keys → names in the report; "forecast" is StockLens' chosen method
BASELINES = ("seasonal_naive", "naive", "moving_average")


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


def naive(y: np.ndarray, horizon: int) -> np.ndarray:
    """The last known day of each column repeated (0 for a column with none)."""
    known = ~np.isnan(y)
    last = y.shape[0] - 1 - np.argmax(known[::-1], axis=0)
    value = np.take_along_axis(y, last[None, :], axis=0)[0]
    return np.tile(np.where(known.any(axis=0), value, 0.0), (horizon, 1))


def moving_average(y: np.ndarray, horizon: int, days: int = MOVING_DAYS) -> np.ndarray:
    """The mean of the last `days` known days of each column, repeated."""
    out = np.zeros(y.shape[1])
    for col in range(y.shape[1]):
        known = y[:, col][~np.isnan(y[:, col])]
        if len(known):
            out[col] = known[-days:].mean()
    return np.tile(out, (horizon, 1))


def naive_scale(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(MAE, MSE) of the naive one-step forecast of each column over its consecutive
    known days (NaN without any): the denominators of MASE and RMSSE."""
    step = np.diff(y, axis=0)
    known = ~np.isnan(step)
    count = known.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = np.where(count > 0, np.where(known, np.abs(step), 0.0).sum(axis=0)
                       / np.maximum(count, 1), np.nan)
        mse = np.where(count > 0, np.where(known, step ** 2, 0.0).sum(axis=0)
                       / np.maximum(count, 1), np.nan)
    return mae, mse


@dataclass
class Scores:
    """Per category and method, summed over origins: Σ|error|, Σerror, Σactual, known
    cells, and the sums of the per-series MASE and RMSSE with their count."""

    rows: list[dict[str, object]]

    def add(self, category: str, method: str, forecast: np.ndarray, actual: np.ndarray,
            scale: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """forecast and actual: series × days (NaN actual = unknown); scale: the series'
        naive one-step (MAE, MSE), for MASE and RMSSE."""
        known = ~np.isnan(actual)
        error = np.where(known, forecast - np.nan_to_num(actual), 0.0)
        cells = known.sum(axis=1)
        row = {"category": category, "method": method,
               "abs_error": float(np.abs(error).sum()), "error": float(error.sum()),
               "actual": float(np.where(known, actual, 0.0).sum()),
               "cells": int(cells.sum()), "mase_sum": 0.0, "rmsse_sum": 0.0, "series": 0}
        if scale is not None:
            mae, mse = scale
            usable = (cells > 0) & (mae > 0) & np.isfinite(mae)
            with np.errstate(invalid="ignore", divide="ignore"):
                mase = np.abs(error).sum(axis=1) / np.maximum(cells, 1) / mae
                rmsse = np.sqrt((error ** 2).sum(axis=1) / np.maximum(cells, 1) / mse)
            row["mase_sum"] = float(mase[usable].sum())
            row["rmsse_sum"] = float(rmsse[usable].sum())
            row["series"] = int(usable.sum())
        self.rows.append(row)

    def table(self) -> pd.DataFrame:
        """WAPE, bias, MASE and RMSSE per category and method, with an "(all)" row per
        method."""
        frame = pd.DataFrame(self.rows)
        sums = ["abs_error", "error", "actual", "cells", "mase_sum", "rmsse_sum", "series"]
        per = frame.groupby(["category", "method"], as_index=False)[sums].sum()
        overall = frame.groupby("method", as_index=False)[sums].sum()
        overall.insert(0, "category", OVERALL)
        out = pd.concat([per, overall], ignore_index=True)
        out["wape"] = out["abs_error"] / out["actual"].where(out["actual"] > 0)
        out["bias"] = out["error"] / out["actual"].where(out["actual"] > 0)
        out["mase"] = out["mase_sum"] / out["series"].where(out["series"] > 0)
        out["rmsse"] = out["rmsse_sum"] / out["series"].where(out["series"] > 0)
        return out


def demand_last_day(source: Source) -> date:
    """The last day with sales: a backtest's origins leave a horizon of *demand* before
    it (a source may count its stock after its sales end, as the Bibitor files do)."""
    sales = source.relation("sales")
    found = history_rows(ALL_DATA, source, sa.select(sa.func.max(sales.c.date)))[0][0]
    if found is None:
        raise SourceError("the source has no sales to backtest on")
    return found if isinstance(found, date) else date.fromisoformat(str(found)[:10])


def rolling_origins(last: date, count: int, horizon: int) -> list[date]:
    """`count` origins `horizon` days apart, the latest leaving a full horizon of data."""
    latest = last - timedelta(days=horizon)
    return [latest - timedelta(days=horizon * k) for k in range(count)][::-1]


def origin_window(history: History, end: int, window: int = WINDOW
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(the window up to day index `end`, the days before the data unknown; whether each
    pair existed by then: had sold or had stock)."""
    start = max(0, end + 1 - window)
    y = history.demand[start:end + 1].copy()
    y[:max(0, history.data_start() - start)] = np.nan
    seen = history.first_seen if history.first_seen is not None else np.zeros(
        y.shape[1], dtype=int)
    return y, seen <= end


# Others: (origin, window days × series) → {method: forecast series × horizon}
Others = Callable[[date, np.ndarray], dict[str, np.ndarray]]


def backtest_history(history: History, origins: list[date], horizon: int,
                     yearly: Callable[[date], dict[Group, np.ndarray]],
                     others: Others | None = None) -> Scores:
    """Score the forecast, the baselines and `others` at each origin of a read history."""
    scores = Scores([])
    categories = history.pairs["category"].astype(str).to_numpy()
    for origin in origins:
        end = history.index_of(origin)
        choice: Choice = {}
        found = forecast_history(history, end, horizon, yearly(origin), choice)
        window, existed = origin_window(history, end)
        actual = history.demand[end + 1:end + 1 + horizon].T
        methods = {"forecast": found.paths, "forecast_no_yearly": found.base_paths,
                   "seasonal_naive": seasonal_naive(window, horizon).T,
                   "naive": naive(window, horizon).T,
                   "moving_average": moving_average(window, horizon).T}
        if others is not None:
            methods.update(others(origin, window))
        scale = naive_scale(window)
        for category in sorted(set(categories)):
            cols = (categories == category) & existed
            for method, paths in methods.items():
                scores.add(category, method, paths[cols], actual[cols],
                           (scale[0][cols], scale[1][cols]))
    return scores


def backtest_source(source: Source, origins: list[date], horizon: int = 28,
                    others: Others | None = None) -> Scores:
    """Read the history the origins need once, then score every origin."""
    first = min(origins) - timedelta(days=WINDOW - 1)
    last = max(origins) + timedelta(days=horizon)
    history = read_history(source, first, last)
    return backtest_history(history, origins, horizon,
                            lambda origin: read_yearly(source, origin, horizon), others)
