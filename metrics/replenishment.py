"""Replenishment formulas (智能补货): safety stock, reorder point, order quantity and the
projected stockout date, from a daily demand forecast, its error and a lead time.

Textbook definitions, written once so the page, the wall, the CLI and the purchase CSV
agree, and tested against hand-computed numbers:

    z               = Φ⁻¹(service level)                   (1.645 at 95 %)
    safety stock    = z · σ · √L                            σ: daily forecast error, L: days
    reorder point   = demand forecast over the lead time + safety stock
    order-up-to     = demand forecast over L + cover days + safety stock
    order quantity  = order-up-to − on hand, rounded up, when on hand ≤ reorder point, else 0
    stockout date   = as-of + the first day on which cumulative forecast demand ≥ on hand

A forecast "path" is the expected demand of each day after the as-of date. Past its end
the path repeats its last week (the forecast's weekly pattern), so a lead time plus cover
longer than the stored horizon still has a demand. Functions take numpy arrays of many
SKU-locations at once (a page plans thousands) as well as plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

import numpy as np

DEFAULT_SERVICE_LEVEL = 0.95
SERVICE_LEVELS = (0.90, 0.95, 0.975, 0.99)
DEFAULT_COVER_DAYS = 28
COVER_CHOICES = (14, 28, 42, 56)
WEEK = 7
MAX_PROJECTION_DAYS = 365  # a stockout further out than this is "not foreseeable"


@dataclass(frozen=True)
class Policy:
    """The two knobs of the policy: the cycle service level (probability of not running
    out during a lead time) and the days of demand an order should cover after arriving."""

    service_level: float = DEFAULT_SERVICE_LEVEL
    cover_days: int = DEFAULT_COVER_DAYS

    def __post_init__(self) -> None:
        if not 0.5 <= self.service_level < 1:
            raise ValueError("service level must be at least 50 % and below 100 %")
        if not 1 <= self.cover_days <= 365:
            raise ValueError("days of cover must be between 1 and 365")

    @property
    def z(self) -> float:
        return service_z(self.service_level)


def service_z(service_level: float) -> float:
    """The standard normal quantile of the service level: 1.645 at 95 %, 2.326 at 99 %.
    Below 50 % safety stock would be negative, which no planner means."""
    if not 0.5 <= service_level < 1:
        raise ValueError("service level must be at least 50 % and below 100 %")
    return NormalDist().inv_cdf(service_level)


def safety_stock(z: float, sigma: np.ndarray | float,
                 lead_days: np.ndarray | float) -> np.ndarray | float:
    """z · σ · √L: with daily errors independent, the error over L days has σ·√L."""
    result = z * np.asarray(sigma, dtype=float) * np.sqrt(np.asarray(lead_days, dtype=float))
    return float(result) if result.ndim == 0 else result


def extend(paths: np.ndarray, days: int) -> np.ndarray:
    """Paths (pairs × horizon, or one path) long enough for `days` days: the last week
    repeated, since a daily forecast past its horizon is still its weekly pattern."""
    paths = np.atleast_2d(np.asarray(paths, dtype=float))
    horizon = paths.shape[1]
    if days <= horizon:
        return paths
    week = paths[:, -min(WEEK, horizon):]
    reps = -(-(days - horizon) // week.shape[1])
    return np.concatenate([paths, np.tile(week, reps)], axis=1)[:, :days]


def demand_over(paths: np.ndarray, days: np.ndarray | float) -> np.ndarray:
    """Forecast demand over the first `days` days (fractional: 4.5 days counts half of
    the fifth day), per path."""
    paths = np.atleast_2d(np.asarray(paths, dtype=float))
    days = np.broadcast_to(np.asarray(days, dtype=float), (paths.shape[0],))
    if np.any(days < 0):
        raise ValueError("a number of days cannot be negative")
    whole = np.floor(days).astype(int)
    longest = int(whole.max(initial=0)) + 1
    full = extend(paths, longest)
    cumulative = np.concatenate([np.zeros((full.shape[0], 1)), np.cumsum(full, axis=1)],
                                axis=1)
    rows = np.arange(full.shape[0])
    part = days - whole
    return cumulative[rows, whole] + part * full[rows, np.minimum(whole, longest - 1)]


def reorder_point(paths: np.ndarray, lead_days: np.ndarray | float,
                  safety: np.ndarray | float) -> np.ndarray:
    """Demand expected while an order placed today is on its way, plus safety stock."""
    return demand_over(paths, lead_days) + np.asarray(safety, dtype=float)


def order_up_to(paths: np.ndarray, lead_days: np.ndarray | float, cover_days: float,
                safety: np.ndarray | float) -> np.ndarray:
    """The stock an order should restore: the lead time's demand, `cover_days` more days
    of demand after the goods arrive, and the safety stock."""
    lead = np.asarray(lead_days, dtype=float)
    return demand_over(paths, lead + cover_days) + np.asarray(safety, dtype=float)


def order_quantity(on_hand: np.ndarray | float, reorder: np.ndarray | float,
                   up_to: np.ndarray | float) -> np.ndarray:
    """Units to order now: up to the order-up-to level once stock is at or below the
    reorder point (whole units, rounded up), else nothing. Negative stock (a backlog)
    counts as owed, so it is ordered too."""
    on_hand = np.asarray(on_hand, dtype=float)
    need = np.ceil(np.round(np.asarray(up_to, dtype=float) - on_hand, 9))
    return np.where(on_hand <= np.asarray(reorder, dtype=float), np.maximum(need, 0.0), 0.0)


def days_until_stockout(on_hand: np.ndarray | float, paths: np.ndarray,
                        max_days: int = MAX_PROJECTION_DAYS) -> np.ndarray:
    """Days after the as-of date until the stock on hand is used up: the first day whose
    cumulative forecast demand reaches it (0 when there is nothing on hand now), NaN
    when that is further than `max_days` away or demand is zero."""
    paths = np.atleast_2d(np.asarray(paths, dtype=float))
    on_hand = np.broadcast_to(np.asarray(on_hand, dtype=float), (paths.shape[0],))
    cumulative = np.cumsum(extend(paths, max_days)[:, :max_days], axis=1)
    reached = cumulative >= on_hand[:, None] - 1e-9
    first = np.where(reached.any(axis=1), reached.argmax(axis=1) + 1.0, np.nan)
    return np.where(on_hand <= 0, 0.0, first)


def stockout_date(as_of: date, days: float | None) -> date | None:
    """as-of + days, or None when no stockout is foreseen."""
    if days is None or days != days:
        return None
    return as_of + timedelta(days=int(days))
