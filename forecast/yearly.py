"""Year-on-year seasonality (beverages in summer, spirits before the new year, the 6·18 and
11·11 online peaks) as a multiplier of each day after the forecast origin.

A single SKU-location's daily sales are far too noisy to show a yearly season, but its
category in its channel shows it clearly. So the index is read from that aggregate, where
the history covers the same weeks one year earlier (364 days: the same weekdays):

    index(h) = mean aggregate demand over the 7 days around (origin − 364 + h)
               / mean aggregate demand over the 28 days up to (origin − 364)

i.e. how much demand rose or fell, last year, from the weeks before the origin to day h
after it — where day h is near a lunar holiday (Spring Festival, Mid-Autumn), "a year
ago" is the same distance from last year's holiday (year_before). The per-series model
(forecast/models.py) forecasts the current level with its weekly pattern; multiplying by
the index adds the season it cannot see. Without a year of history, or with too little
volume, the index is 1 (no yearly season assumed).
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

# The lunar holidays move by up to three weeks from one year to the next (Spring Festival
# 2025-01-29, 2026-02-17; Mid-Autumn 2025-10-06, 2026-09-25), and they are when spirits,
# snacks and gift boxes sell: near one, "a year ago" is the same distance from last
# year's holiday, not 364 days back. Public calendar dates (month, day) by year.
MOVING_HOLIDAYS: dict[str, dict[int, tuple[int, int]]] = {
    "spring_festival": {
        2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
        2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
        2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
        2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
        2035: (2, 8)},
    "mid_autumn": {
        2015: (9, 27), 2016: (9, 15), 2017: (10, 4), 2018: (9, 24), 2019: (9, 13),
        2020: (10, 1), 2021: (9, 21), 2022: (9, 10), 2023: (9, 29), 2024: (9, 17),
        2025: (10, 6), 2026: (9, 25), 2027: (9, 15), 2028: (10, 3), 2029: (9, 22),
        2030: (9, 12)},
}
HOLIDAY_REACH = 21  # days either side of a moving holiday that follow it
HOLIDAY_SHIFT = 30  # the most a year-ago day can move from 364 days back (read margin)


def year_before(day: date) -> date:
    """The day last year whose demand `day` is compared with: 364 days earlier (the same
    weekday), or within HOLIDAY_REACH days of a moving holiday, the same distance from
    last year's."""
    for table in MOVING_HOLIDAYS.values():
        for year in (day.year - 1, day.year, day.year + 1):
            if year in table and year - 1 in table:
                gap = (day - date(year, *table[year])).days
                if abs(gap) <= HOLIDAY_REACH:
                    return date(year - 1, *table[year - 1]) + timedelta(days=gap)
    return day - timedelta(days=YEAR)


def aggregate_window(origin: date, horizon: int) -> tuple[date, date]:
    """The days of aggregate history the index of `horizon` days after `origin` reads:
    the base weeks one year before the origin, through the horizon one year back (plus
    the half week the centred mean looks ahead, and the moving holidays' margin)."""
    return (origin - timedelta(days=YEAR + BASE_DAYS - 1 + HOLIDAY_SHIFT),
            origin - timedelta(days=YEAR - horizon - 3 - HOLIDAY_SHIFT))


def yearly_index(daily: pd.DataFrame, origin: date, horizon: int) -> dict[Group, np.ndarray]:
    """The index of each (category, channel) for days origin+1 … origin+horizon, from
    `daily` (date, category, channel, units). Groups without the history get none."""
    first, last = aggregate_window(origin, horizon)
    days = pd.date_range(first, last, freq="D").date
    if daily.empty:
        return {}
    window = daily[(daily["date"] >= first) & (daily["date"] <= last)]
    start = daily["date"].min()
    covered = start <= origin - timedelta(days=YEAR + BASE_DAYS - 1)  # the base weeks
    out: dict[Group, np.ndarray] = {}
    if not covered:
        return out
    table = window.pivot_table(index="date", columns=["category", "channel"], values="units",
                               aggfunc="sum").reindex(days).fillna(0.0)
    base_end = (origin - timedelta(days=YEAR) - first).days
    ago = []
    for h in range(horizon):
        day = origin + timedelta(days=h + 1)
        moved = year_before(day)
        ago.append((moved if moved - timedelta(days=3) >= start else
                    day - timedelta(days=YEAR)) - first)
    ago = np.array([d.days for d in ago], dtype=int)
    for group in table.columns:
        series = table[group].to_numpy(dtype=float)
        base = series[base_end - BASE_DAYS + 1: base_end + 1].mean()
        if base < MIN_BASE_UNITS:
            continue
        centred = np.convolve(series, np.ones(7) / 7, mode="same")
        out[(str(group[0]), str(group[1]))] = np.clip(centred[ago] / base, *INDEX_RANGE)
    return out
