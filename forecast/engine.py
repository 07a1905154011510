"""Forecast every SKU-location of a read history at one origin (the data's last day, or
an earlier day for a backtest, a calibration or a replay).

A source's history is read in chunks of locations (forecast/refit.py), so memory stays
bounded whatever its size. Per chunk the groups' profiles (category × channel: weekday
pattern, level over the weeks) are pooled over the chunk's series, and each series gets
the model its class calls for (forecast/models.py). Which model each class gets in each
channel is cross-validated on the first chunk that has enough of its series and kept for
the others (`choice`), and each path is multiplied by the group's year-on-year index
(forecast/yearly.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_connectors.source import Source
from forecast.history import History, group_daily
from forecast.models import Choice, MatrixForecast, forecast_matrix
from forecast.yearly import Group, aggregate_window, yearly_index

HORIZON = 91  # days of daily forecast stored (13 weeks)
WINDOW = 182  # days of history each series is fitted on
SUMMARY_DAYS = 28  # "forecast per day" shown = mean of the path's first four weeks
PAIR_COLUMNS = ["sku_id", "location_id", "category", "channel", "method", "sigma",
                "observed", "history_mean", "forecast_mean"]
EXTRA_COLUMNS = ["klass", "model", "level", "sigma_demand"]


@dataclass
class ForecastSet:
    """The forecasts of `pairs` (PAIR_COLUMNS, and EXTRA_COLUMNS: class, model key,
    deseasonalised level, σ of demand) made at `origin`: paths[p, h] is the expected
    demand of day origin + h + 1."""

    origin: date
    pairs: pd.DataFrame
    paths: np.ndarray
    seconds: float = 0.0
    choice: Choice = field(default_factory=dict)
    base_paths: np.ndarray | None = None  # before the yearly index (for the backtest)

    @property
    def horizon(self) -> int:
        return self.paths.shape[1]


def group_keys(pairs: pd.DataFrame) -> tuple[list[Group], np.ndarray]:
    """The (category, channel) groups of `pairs` and each pair's group number."""
    keys = list(zip(pairs["category"].astype(str), pairs["channel"].astype(str),
                    strict=True))
    groups = sorted(set(keys))
    number = {g: i for i, g in enumerate(groups)}
    return groups, np.array([number[k] for k in keys], dtype=int)


def pool_keys(pairs: pd.DataFrame, groups: np.ndarray) -> list[np.ndarray]:
    """A new series borrows from its category at its location, else in its channel."""
    here = (pairs["category"].astype(str) + "\x1f" + pairs["location_id"].astype(str))
    return [here.to_numpy(dtype=object), groups]


def yearly_matrix(yearly: dict[Group, np.ndarray] | None, groups: list[Group],
                  horizon: int) -> np.ndarray:
    """horizon × groups year-on-year index (1 where a group has none)."""
    out = np.ones((horizon, len(groups)))
    for j, group in enumerate(groups):
        index = (yearly or {}).get(group)
        if index is not None:
            out[:, j] = index[:horizon]
    return out


def fit_window(history: History, end: int, horizon: int,
               yearly: dict[Group, np.ndarray] | None = None, choice: Choice | None = None,
               window: int = WINDOW) -> tuple[MatrixForecast, np.ndarray, Choice]:
    """The forecast of every pair of `history` from the `window` days up to index `end`
    (its origin), the paths without the yearly index, and the model choice used."""
    start = max(0, end + 1 - window)
    y = history.demand[start:end + 1].copy()
    y[:max(0, history.data_start() - start)] = np.nan  # before the data: unknown
    names, groups = group_keys(history.pairs)
    choice = {} if choice is None else choice
    first = history.first + timedelta(days=start)
    found = forecast_matrix(y, groups, len(names), first, horizon,
                            yearly_matrix(yearly, names, horizon),
                            history.pairs["channel"].astype(str).to_numpy(dtype=object),
                            choice, pool_keys(history.pairs, groups))
    index = yearly_matrix(yearly, names, horizon)[:, groups].T
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(index > 0, found.paths / index, found.paths)
    return found, base, choice


def forecast_history(history: History, end: int, horizon: int = HORIZON,
                     yearly: dict[Group, np.ndarray] | None = None,
                     choice: Choice | None = None, window: int = WINDOW) -> ForecastSet:
    """Forecast each pair of `history` from its days up to index `end` (the origin)."""
    began = time.perf_counter()
    choice = {} if choice is None else choice
    found, base, choice = fit_window(history, end, horizon, yearly, choice, window)
    pairs = history.pairs.copy()
    pairs["method"] = found.method
    pairs["sigma"] = found.sigma
    pairs["observed"] = found.observed
    pairs["history_mean"] = found.mean
    pairs["forecast_mean"] = found.paths[:, :SUMMARY_DAYS].mean(axis=1) if horizon else 0.0
    pairs["klass"] = found.klass
    pairs["model"] = found.model
    pairs["level"] = found.level
    pairs["sigma_demand"] = found.sigma_demand
    origin = history.first + timedelta(days=end)
    return ForecastSet(origin, pairs, found.paths, time.perf_counter() - began, choice, base)


def read_yearly(source: Source, origin: date, horizon: int) -> dict[Group, np.ndarray]:
    first, last = aggregate_window(origin, horizon)
    return yearly_index(group_daily(source, first, last), origin, horizon)


def empty_set(origin: date, horizon: int, choice: Choice | None = None) -> ForecastSet:
    return ForecastSet(origin, pd.DataFrame(columns=PAIR_COLUMNS + EXTRA_COLUMNS),
                       np.zeros((0, horizon)), 0.0, choice or {})
