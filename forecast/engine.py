"""Forecast every SKU-location of a source at one origin (the data's last day, or an
earlier day for a backtest).

Per (category, channel) group the ETS smoothing parameters are estimated once, by
statsmodels, on the group's busiest series (forecast/models.py says why they are
pooled); every series of the group is then smoothed with them, and its path multiplied by
the group's year-on-year index (forecast/yearly.py). History is read in chunks of
locations, so memory stays bounded whatever the source's size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data_connectors.source import Source, SourceError
from forecast.history import (
    History,
    group_daily,
    location_chunks,
    pair_attributes,
    read_history,
    snapshot_dates,
)
from forecast.models import EtsParams, classify, estimate_params, forecast_series
from forecast.yearly import Group, aggregate_window, yearly_index
from service import ALL_DATA
from service.queries import read_data_range

HORIZON = 91  # days of daily forecast stored (13 weeks)
WINDOW = 182  # days of history each series is fitted on
SAMPLE_SERIES = 4  # busiest series per group that estimate its smoothing parameters
SUMMARY_DAYS = 28  # "forecast per day" shown = mean of the path's first four weeks


@dataclass
class ForecastSet:
    """The forecasts of `pairs` (sku_id, location_id, category, channel, method, sigma,
    observed, history_mean, forecast_mean) made at `origin`: paths[p, h] is the expected
    demand of day origin + h + 1."""

    origin: date
    pairs: pd.DataFrame
    paths: np.ndarray
    seconds: float = 0.0
    params: dict[Group, EtsParams] = field(default_factory=dict)
    base_paths: np.ndarray | None = None  # before the yearly index (for the backtest)

    @property
    def horizon(self) -> int:
        return self.paths.shape[1]


def group_params(history: History, end: int, known: dict[Group, EtsParams]) -> None:
    """Estimate the smoothing parameters of each group not yet in `known` from its
    SAMPLE_SERIES busiest ETS-class series in the window ending at day index `end`."""
    start = max(0, end + 1 - WINDOW)
    window = history.demand[start:end + 1]
    volume = np.nansum(window, axis=0)
    for group, rows in history.pairs.groupby(["category", "channel"]).groups.items():
        if group in known:
            continue
        columns = sorted(rows, key=lambda c: -volume[c])
        chosen = [window[:, c] for c in columns if classify(window[:, c]) == "ets"]
        known[group] = estimate_params(chosen[:SAMPLE_SERIES])


def forecast_history(history: History, end: int, horizon: int = HORIZON,
                     yearly: dict[Group, np.ndarray] | None = None,
                     params: dict[Group, EtsParams] | None = None) -> ForecastSet:
    """Forecast each pair of `history` from its days up to index `end` (the origin)."""
    began = time.perf_counter()
    params = {} if params is None else params
    group_params(history, end, params)
    start = max(0, end + 1 - WINDOW)
    window = history.demand[start:end + 1]
    paths = np.zeros((len(history.pairs), horizon))
    base = np.zeros_like(paths)
    rows = []
    for p, (category, channel) in enumerate(zip(history.pairs["category"],
                                                history.pairs["channel"], strict=True)):
        group = (category, channel)
        found = forecast_series(window[:, p], horizon, params.get(group))
        path = base[p] = found.path
        index = (yearly or {}).get(group)
        if index is not None and found.method in ("ets", "croston", "moving_average"):
            path = path * index[:horizon]
        paths[p] = path
        rows.append((found.method, found.sigma, found.observed, found.mean))
    pairs = history.pairs.copy()
    pairs[["method", "sigma", "observed", "history_mean"]] = pd.DataFrame(
        rows, columns=["method", "sigma", "observed", "history_mean"], index=pairs.index)
    pairs["forecast_mean"] = paths[:, :SUMMARY_DAYS].mean(axis=1) if horizon else 0.0
    origin = history.first + timedelta(days=end)
    return ForecastSet(origin, pairs, paths, time.perf_counter() - began, params, base)


def read_yearly(source: Source, origin: date, horizon: int) -> dict[Group, np.ndarray]:
    first, last = aggregate_window(origin, horizon)
    return yearly_index(group_daily(source, first, last), origin, horizon)


def forecast_source(source: Source, origin: date | None = None, horizon: int = HORIZON,
                    progress: Callable[[int, int], None] | None = None) -> ForecastSet:
    """Forecasts of every SKU-location with sales or stock in the WINDOW days up to
    `origin` (default: the last day of the data)."""
    began = time.perf_counter()
    if origin is None:
        origin = read_data_range(ALL_DATA, source)[1]
        if origin is None:
            raise SourceError("the source has no data to forecast from")
    first = origin - timedelta(days=WINDOW - 1)
    attributes = pair_attributes(source)
    snapshots = snapshot_dates(source, first, origin)
    yearly = read_yearly(source, origin, horizon)
    params: dict[Group, EtsParams] = {}
    parts: list[ForecastSet] = []
    chunks = location_chunks(source, first, origin)
    for done, locations in enumerate(chunks):
        history = read_history(source, first, origin, locations, attributes, snapshots)
        parts.append(forecast_history(history, history.days - 1, horizon, yearly, params))
        if progress:
            progress(done + 1, len(chunks))
    if not parts:
        empty = pd.DataFrame(columns=["sku_id", "location_id", "category", "channel", "method",
                                      "sigma", "observed", "history_mean", "forecast_mean"])
        return ForecastSet(origin, empty, np.zeros((0, horizon)), 0.0, params)
    pairs = pd.concat([p.pairs for p in parts], ignore_index=True)
    paths = np.concatenate([p.paths for p in parts])
    return ForecastSet(origin, pairs, paths, time.perf_counter() - began, params)
