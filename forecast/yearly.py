"""Year-on-year seasonality (beverages in summer, spirits before the new year, the 6·18 and
11·11 online peaks) as a multiplier of each day after the forecast origin.

A single SKU-location's daily sales are far too noisy to show a yearly season, but its
category in its channel shows it clearly. So the index is read from that aggregate, where
the history covers the same weeks one year earlier (364 days: the same weekdays):

    index(h) = mean aggregate demand over the 7 days around (origin − 364 + h)
               / mean aggregate demand over the 28 days up to (origin − 364)

i.e. how much demand rose or fell, last year, from the weeks before the origin to day h
after it. The per-series model (forecast/models.py) forecasts the current level with its
weekly pattern; multiplying by the index adds the season it cannot see. Without a year of
history, or with too little volume, the index is 1 (no yearly season assumed).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

YEAR = 364
BASE_DAYS = 28
MIN_BASE_UNITS = 5.0  # mean units/day of the aggregate below which the index is noise
INDEX_RANGE = (0.5, 2.0)  # a season may halve or double demand, not more

Group = tuple[str, str]  # (category, channel)


def aggregate_window(origin: date, horizon: int) -> tuple[date, date]:
    """The days of aggregate history the index of `horizon` days after `origin` reads:
    the base weeks one year before the origin, through the horizon one year back (plus
    the half week the centred mean looks ahead)."""
    return (origin - timedelta(days=YEAR + BASE_DAYS - 1),
            origin - timedelta(days=YEAR - horizon - 3))


def yearly_index(daily: pd.DataFrame, origin: date, horizon: int) -> dict[Group, np.ndarray]:
    """The index of each (category, channel) for days origin+1 … origin+horizon, from
    `daily` (date, category, channel, units). Groups without the history get none."""
    first, last = aggregate_window(origin, horizon)
    days = pd.date_range(first, last, freq="D").date
    if daily.empty:
        return {}
    window = daily[(daily["date"] >= first) & (daily["date"] <= last)]
    covered = daily["date"].min() <= first
    out: dict[Group, np.ndarray] = {}
    if not covered:
        return out
    table = window.pivot_table(index="date", columns=["category", "channel"], values="units",
                               aggfunc="sum").reindex(days).fillna(0.0)
    for group in table.columns:
        series = table[group].to_numpy(dtype=float)
        base = series[:BASE_DAYS].mean()
        if base < MIN_BASE_UNITS:
            continue
        centred = np.convolve(series, np.ones(7) / 7, mode="same")
        # day h after the origin is position BASE_DAYS − 1 + h in the window
        index = centred[BASE_DAYS: BASE_DAYS + horizon] / base
        out[(str(group[0]), str(group[1]))] = np.clip(index, *INDEX_RANGE)
    return out
