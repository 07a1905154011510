"""Calendar effects on demand: yearly seasonality, Chinese holidays, shopping festivals, weekdays.

Everything here is a pure function of the dates, so the whole horizon is computed once as
a small (days × channels × categories) factor table and the simulation only gathers from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

CHANNELS = ("store", "online", "wholesale")
STORE, ONLINE, WHOLESALE = 0, 1, 2

# Chinese New Year (Spring Festival) and Mid-Autumn dates move with the lunar calendar, and
# they are when spirits, snacks and gift boxes sell: a fixed table beats an approximation.
CNY = {
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25),
    2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17),
    2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11),
    2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}
MID_AUTUMN = {
    2020: (10, 1), 2021: (9, 21), 2022: (9, 10), 2023: (9, 29), 2024: (9, 17), 2025: (10, 6),
    2026: (9, 25), 2027: (9, 15), 2028: (10, 3), 2029: (9, 22), 2030: (9, 12),
}

# Per category (same order as names.CATEGORIES): amplitude of the summer wave, the pre-CNY
# rush, the Mid-Autumn gift season, the Nov–Dec year-end season and the online festivals.
#                 summer  cny   mid-autumn  year-end  festival
CATEGORY_SEASON = np.array(
    [
        [0.45, 0.25, 0.10, 0.05, 0.8],  # beverages: a summer product
        [0.00, 1.50, 0.25, 0.35, 1.2],  # snacks: New Year goods (年货)
        [0.05, 0.20, 0.00, 0.10, 1.5],  # household
        [-0.05, 0.50, 0.30, 0.10, 0.8],  # grain & oil
        [0.10, 0.60, 0.20, 0.05, 1.0],  # dairy: gift boxes before CNY
        [-0.15, 1.60, 0.80, 0.40, 1.2],  # spirits & wine: CNY and Mid-Autumn gifting
        [0.15, 0.20, 0.00, 0.10, 2.0],  # personal care: an online festival category
        [0.00, 0.20, 0.00, 0.35, 2.5],  # home
    ]
)

# Monday..Sunday: shoppers fill stores at the weekend; wholesale customers buy on workdays.
WEEKDAY = np.array(
    [
        [0.88, 0.85, 0.88, 0.93, 1.05, 1.25, 1.16],
        [1.02, 1.00, 0.98, 0.97, 0.98, 1.00, 1.05],
        [1.20, 1.15, 1.10, 1.10, 1.05, 0.30, 0.10],
    ]
)
WEEKDAY = WEEKDAY / WEEKDAY.mean(axis=1, keepdims=True)

YEARLY_GROWTH = 0.06  # a slowly growing business makes year-over-year comparisons meaningful


@dataclass(frozen=True)
class DemandCalendar:
    """Per-day demand factors and the online festival discount over the simulated horizon."""

    first: date
    n_days: int
    factor: np.ndarray  # (n_days, channels × categories), index channel * n_categories + category
    festival_discount: np.ndarray  # (n_days,) price cut online during 6-18 and 11-11
    n_categories: int


def _holiday(table: dict[int, tuple[int, int]], year: int, fallback: tuple[int, int]) -> date:
    month, day = table.get(year, fallback)
    return date(year, month, day)


def _bump(days: np.ndarray, centers: list[int], width: float) -> np.ndarray:
    """Sum of Gaussian bumps (height 1) at day offsets `centers`, each `width` days wide."""
    out = np.zeros(days.shape, dtype=np.float64)
    for center in centers:
        out += np.exp(-0.5 * ((days - center) / width) ** 2)
    return out


def build_calendar(first: date, n_days: int, n_categories: int) -> DemandCalendar:
    """Compute every calendar effect for the days first .. first + n_days - 1."""
    days = np.arange(n_days, dtype=np.float64)
    dates = [first + timedelta(days=int(i)) for i in range(n_days)]
    years = range(first.year - 1, dates[-1].year + 2)

    def lunar(table: dict[int, tuple[int, int]], fallback: tuple[int, int]) -> list[int]:
        return [(_holiday(table, y, fallback) - first).days for y in years]

    def yearly(month: int, day: int) -> list[int]:
        return [(date(y, month, day) - first).days for y in years]

    cny = lunar(CNY, (2, 5))
    mid_autumn = lunar(MID_AUTUMN, (9, 20))
    doy = np.array([d.timetuple().tm_yday for d in dates], dtype=np.float64)
    weekday = np.array([d.weekday() for d in dates])

    summer = np.cos(2 * np.pi * (doy - 200) / 365.25)
    pre_cny = _bump(days, [c - 10 for c in cny], 8.0)
    post_cny_lull = _bump(days, [c + 10 for c in cny], 6.0)
    gifting = _bump(days, [m - 7 for m in mid_autumn], 6.0)
    year_end = _bump(days, yearly(12, 15), 20.0)
    festival = 0.6 * _bump(days, yearly(6, 18), 2.5) + _bump(days, yearly(11, 11), 2.0)
    holiday_closed = np.zeros(n_days)
    for c in cny:
        holiday_closed[max(0, c - 1) : max(0, min(n_days, c + 7))] = 1.0

    amp = CATEGORY_SEASON[:n_categories]
    season = (
        1.0
        + np.outer(summer, amp[:, 0])
        + np.outer(pre_cny, amp[:, 1])
        + np.outer(gifting, amp[:, 2])
        + np.outer(year_end, amp[:, 3])
    ) * (1.0 - 0.2 * post_cny_lull)[:, None]
    season = np.maximum(season, 0.2)
    trend = 1.0 + YEARLY_GROWTH * days / 365.25

    factor = np.empty((n_days, len(CHANNELS), n_categories))
    for ch in range(len(CHANNELS)):
        factor[:, ch, :] = season * (WEEKDAY[ch, weekday] * trend)[:, None]
    factor[:, ONLINE, :] *= 1.0 + np.outer(festival, amp[:, 4])
    factor[:, WHOLESALE, :] *= (1.0 - 0.7 * holiday_closed)[:, None]
    festival_discount = np.round(0.12 * np.clip(festival * 2.0, 0.0, 1.0), 2)
    return DemandCalendar(
        first=first,
        n_days=n_days,
        factor=factor.reshape(n_days, len(CHANNELS) * n_categories),
        festival_discount=festival_discount,
        n_categories=n_categories,
    )
