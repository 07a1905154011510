"""The shape of demand a group of series shares: its weekday pattern and its level over
the weeks (pooling, the M5 lesson).

One SKU-location's daily sales are far too noisy to show a weekday pattern or a season,
but its group — the category in the location's channel — shows both. So per group:

    r(t)    relative demand of day t = Σ sales of the group's series known that day
            / Σ their mean daily sales in the window (stockout days drop out of both)
    W(d)    weekday factor: the mean of r(t) / (centred 7-day mean of r) over the days
            with weekday d, normalised to a mean of 1, and shrunk towards 1 by how noisy
            it is (James–Stein: a pattern the data cannot tell from noise is flattened)
    T(t)    the group's level: the centred 28-day mean of r / W, relative to its mean over
            the last 28 days (1 = the level at the origin); 1 for groups selling fewer than
            MIN_GROUP_UNITS a day, whose level is noise

    s(t) = W(weekday of t) · T(t)

Each series is divided by its group's s(t) before its own model smooths it (so a slow
level need not chase the week or the season) and its forecast of day origin + h is
level × W(weekday) × the group's year-on-year index of h (forecast/yearly.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

WEEK = 7
TREND_DAYS = 28
MIN_GROUP_UNITS = 5.0  # mean units a day below which a group's level over time is noise
MIN_WEEKS = 2  # weeks of history a weekday pattern needs


@dataclass(frozen=True)
class Profile:
    """Per group: weekday factors `weekday[d, g]` (d = 0 Monday … 6 Sunday) and the
    in-window profile `daily[t, g]` of the window's days first, first + 1, …"""

    first: date
    weekday: np.ndarray
    daily: np.ndarray

    def future(self, origin: date, horizon: int, yearly: np.ndarray | None = None
               ) -> np.ndarray:
        """horizon × groups: the weekday factor of each day after `origin`, times the
        year-on-year index (horizon × groups) when there is one."""
        days = (origin.weekday() + 1 + np.arange(horizon)) % WEEK
        out = self.weekday[days]
        return out if yearly is None else out * yearly


def _moving_mean(values: np.ndarray, width: int, whole: bool = False) -> np.ndarray:
    """Centred moving mean down the rows over the known values in reach (partial at the
    ends, or with `whole` NaN where the window does not fit), NaN where none."""
    rows = values.shape[0]
    known = ~np.isnan(values)
    zero = np.zeros((1, *values.shape[1:]))
    total = np.concatenate([zero, np.cumsum(np.where(known, values, 0.0), axis=0)])
    count = np.concatenate([zero, np.cumsum(known, axis=0)])
    lo = np.clip(np.arange(rows) - width // 2, 0, rows)
    hi = np.clip(np.arange(rows) + width - width // 2, 0, rows)
    n = count[hi] - count[lo]
    fits = (hi - lo == width)[:, None] if whole and values.ndim == 2 else (
        hi - lo == width) if whole else True
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n > 0) & fits, (total[hi] - total[lo]) / np.maximum(n, 1), np.nan)


def relative_demand(y: np.ndarray, groups: np.ndarray, n_groups: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(r: days × groups, the group's demand relative to its series' means; the group's
    mean units a day)."""
    known = ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        counts = known.sum(axis=0)
        means = np.where(counts > 0, np.where(known, y, 0.0).sum(axis=0)
                         / np.maximum(counts, 1), 0.0)
    member = np.zeros((y.shape[1], n_groups))
    member[np.arange(y.shape[1]), groups] = 1.0
    sold = np.where(known, y, 0.0) @ member
    expected = (known * means[None, :]) @ member
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(expected > 0, sold / np.maximum(expected, 1e-300), np.nan)
    return r, sold.sum(axis=0) / max(y.shape[0], 1)


def weekday_factors(r: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """7 × groups weekday factors of relative demand r (days × groups), shrunk to 1."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = r / _moving_mean(r, WEEK, whole=True)  # a partial week would tilt it
    out = np.ones((WEEK, r.shape[1]))
    for g in range(r.shape[1]):
        days = [ratio[weekdays == d, g] for d in range(WEEK)]
        days = [v[np.isfinite(v)] for v in days]
        if min(len(v) for v in days) < MIN_WEEKS:
            continue
        raw = np.array([v.mean() for v in days])
        if not np.all(raw > 0):
            continue
        raw = raw / raw.mean()
        noise = np.mean([v.var(ddof=1) / len(v) for v in days]) / raw.mean() ** 2
        signal = np.mean((raw - 1.0) ** 2)
        keep = float(np.clip(1.0 - noise / signal, 0.0, 1.0)) if signal > 0 else 0.0
        shrunk = 1.0 + keep * (raw - 1.0)
        out[:, g] = shrunk / shrunk.mean()
    return out


def group_profile(y: np.ndarray, groups: np.ndarray, n_groups: int, first: date,
                  trend: bool = True) -> Profile:
    """The profile of each group from the window `y` (days × series, NaN = unknown) whose
    first day is `first`; `groups[p]` is series p's group (0 … n_groups − 1)."""
    days = y.shape[0]
    weekdays = (first.weekday() + np.arange(days)) % WEEK
    r, units = relative_demand(y, groups, n_groups)
    weekday = weekday_factors(r, weekdays)
    level = np.ones_like(r)
    if trend and days >= 2 * TREND_DAYS:
        with np.errstate(invalid="ignore", divide="ignore"):
            smooth = _moving_mean(r / weekday[weekdays], TREND_DAYS)
            recent = smooth[-TREND_DAYS:]
            seen = np.isfinite(recent)
            base = np.where(seen.any(axis=0), np.where(seen, recent, 0.0).sum(axis=0)
                            / np.maximum(seen.sum(axis=0), 1), np.nan)
            relative = smooth / base
        usable = (units >= MIN_GROUP_UNITS) & np.isfinite(base) & (base > 0)
        level = np.where(usable[None, :] & np.isfinite(relative) & (relative > 0),
                         relative, 1.0)
    return Profile(first, weekday, weekday[weekdays] * level)
