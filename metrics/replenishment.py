"""Replenishment formulas (智能补货): safety stock, reorder point, order quantity and the
projected stockout date, from a daily demand forecast, its error and a lead time.

Definitions written once so the page, the wall, the CLI, the purchase CSV and the policy
replay agree, and tested against hand-computed numbers. Two bases for the safety stock,
the page's choice:

forecast error (the default) — the reorder point covers demand until an order placed now
arrives, with the service level's probability, from the forecast's own error:

    σ_LT(L)         = √(L·σ² + L²·σ_level²)   the error of forecast demand over L days: σ
                      daily noise, σ_level the error of the level, which persists for the
                      whole lead time (both measured on past origins, forecast/calibration.py)
    reorder point   R solves  mean over lead times L of F((R − D(L)) / σ_LT(L)) = service
                      level — D(L) the forecast over L days, L 16 equally likely lognormal
                      lead times of the SKU's mean and spread, F the distribution of the
                      standardised lead-time error (its quantiles measured on past origins;
                      the normal without them: then R = D(L) + z·σ_LT(L), z = Φ⁻¹(level),
                      1.645 at 95 %) — plus the daily review's expected undershoot
                      (σ_demand²/μ + μ − 1)/2
    safety stock    = reorder point − D(mean lead time)

demand spread (the textbook formula, kept to compare):

    safety stock    = z · σ_demand · √L       σ_demand the spread of daily demand
    reorder point   = D(L) + safety stock

and for both:

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
from scipy.special import ndtr

ERROR, DEMAND = "error", "demand"
SAFETY_BASES = (ERROR, DEMAND)
DEFAULT_SAFETY_BASIS = ERROR
DEFAULT_SERVICE_LEVEL = 0.95
SERVICE_LEVELS = (0.90, 0.95, 0.975, 0.99)
DEFAULT_COVER_DAYS = 28
COVER_CHOICES = (14, 28, 42, 56)
WEEK = 7
MAX_PROJECTION_DAYS = 365  # a stockout further out than this is "not foreseeable"
LEAD_POINTS = 16  # equally likely lead times the error basis averages over


@dataclass(frozen=True)
class Policy:
    """The knobs of the policy: the cycle service level (probability of not running out
    during a lead time), the days of demand an order should cover after arriving, and
    what the safety stock is based on (the forecast's error, or the spread of demand)."""

    service_level: float = DEFAULT_SERVICE_LEVEL
    cover_days: int = DEFAULT_COVER_DAYS
    safety_basis: str = DEFAULT_SAFETY_BASIS

    def __post_init__(self) -> None:
        if not 0.5 <= self.service_level < 1:
            raise ValueError("service level must be at least 50 % and below 100 %")
        if not 1 <= self.cover_days <= 365:
            raise ValueError("days of cover must be between 1 and 365")
        if self.safety_basis not in SAFETY_BASES:
            raise ValueError(f"safety stock basis must be one of {', '.join(SAFETY_BASES)}")

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


def lead_time_sigma(sigma: np.ndarray | float, lead_days: np.ndarray | float,
                    sigma_level: np.ndarray | float = 0.0) -> np.ndarray | float:
    """σ of the forecast's error of demand over L days: √(L·σ² + L²·σ_level²) — daily
    noise that partly averages out, and an error of the level that does not."""
    lead = np.asarray(lead_days, dtype=float)
    result = np.sqrt(lead * np.asarray(sigma, dtype=float) ** 2
                     + lead ** 2 * np.asarray(sigma_level, dtype=float) ** 2)
    return float(result) if result.ndim == 0 else result


def lead_time_points(mean: np.ndarray | float, spread: np.ndarray | float,
                     points: int = LEAD_POINTS) -> np.ndarray:
    """pairs × points equally likely lead times of a lognormal with this mean and σ (all
    equal to the mean when σ is 0): lead times are skewed — a delivery is sometimes very
    late, never very early — which a normal spread understates."""
    mean = np.atleast_1d(np.asarray(mean, dtype=float))
    spread = np.broadcast_to(np.asarray(spread, dtype=float), mean.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = np.log1p(np.where(mean > 0, (spread / np.maximum(mean, 1e-12)) ** 2, 0.0))
    probs = (np.arange(points) + 0.5) / points
    quantiles = np.array([NormalDist().inv_cdf(p) for p in probs])
    logs = np.log(np.maximum(mean, 1e-12))[:, None] - s2[:, None] / 2 \
        + np.sqrt(s2)[:, None] * quantiles[None, :]
    return np.where(mean[:, None] > 0, np.exp(logs), 0.0)


ERROR_PROBS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.925, 0.95,
               0.96, 0.97, 0.975, 0.98, 0.985, 0.99, 0.995, 0.999)


def normal_quantiles() -> np.ndarray:
    """The standard normal's quantiles at ERROR_PROBS: the error shape assumed when the
    forecast's own (forecast/calibration.py) is not known."""
    return np.array([NormalDist().inv_cdf(p) for p in ERROR_PROBS])


def _cdf(x: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """P(standardised error ≤ x) from its quantiles at ERROR_PROBS (linear between them,
    normal-shaped beyond the ends)."""
    probs = np.asarray(ERROR_PROBS)
    quantiles = np.maximum.accumulate(quantiles)  # quantiles never decrease
    inside = np.interp(x, quantiles, probs)
    low, high = quantiles[0], quantiles[-1]
    with np.errstate(invalid="ignore", over="ignore"):
        below = probs[0] * ndtr(x - low) / 0.5
        above = 1 - (1 - probs[-1]) * (1 - ndtr(x - high)) / 0.5
    return np.where(x < low, np.minimum(below, probs[0]),
                    np.where(x > high, np.maximum(above, probs[-1]), inside))


def error_reorder_point(service_level: float, paths: np.ndarray,
                        lead_days: np.ndarray | float, sigma: np.ndarray | float,
                        sigma_level: np.ndarray | float = 0.0,
                        lead_spread: np.ndarray | float = 0.0,
                        quantiles: np.ndarray | None = None) -> np.ndarray:
    """The stock R that covers demand until an order placed today arrives with the
    probability `service_level`, from the forecast paths and the forecast's own error:

        R solves  mean over lead times L of F((R − D(L)) / σ_LT(L)) = service level

    with D(L) the forecast demand over L days, σ_LT(L) = lead_time_sigma, L the lognormal
    lead times of lead_time_points, and F the distribution of the standardised lead-time
    error (actual − forecast) / σ_LT: its `quantiles` at ERROR_PROBS per pair (pairs ×
    probs, as measured on past origins: right-skewed for intermittent demand), else the
    normal. With one lead time and the normal this is D(L) + z·σ_LT(L)."""
    paths = np.atleast_2d(np.asarray(paths, dtype=float))
    count = paths.shape[0]
    leads = lead_time_points(np.broadcast_to(np.asarray(lead_days, dtype=float), (count,)),
                             np.broadcast_to(np.asarray(lead_spread, dtype=float), (count,)))
    sigma = np.broadcast_to(np.asarray(sigma, dtype=float), (count,))[:, None]
    level = np.broadcast_to(np.asarray(sigma_level, dtype=float), (count,))[:, None]
    demand = np.column_stack([demand_over(paths, leads[:, j]) for j in range(leads.shape[1])])
    spread = np.sqrt(leads * sigma ** 2 + leads ** 2 * level ** 2)
    if quantiles is None and np.allclose(leads, leads[:, :1]):
        return demand[:, 0] + service_z(service_level) * spread[:, 0]
    shapes = np.tile(normal_quantiles(), (count, 1)) if quantiles is None else \
        np.broadcast_to(np.asarray(quantiles, dtype=float), (count, len(ERROR_PROBS)))
    out = np.zeros(count)
    rows_of = {}
    for i, row in enumerate(map(tuple, shapes)):
        rows_of.setdefault(row, []).append(i)
    for row, members in rows_of.items():
        idx = np.asarray(members)
        shape = np.asarray(row)
        d, s = demand[idx], spread[idx]
        lo = (d + np.minimum(shape[0], -8.0) * s).min(axis=1) - 1e-9
        hi = (d + max(shape[-1], 8.0) * s).max(axis=1) + 1e-9
        for _ in range(50):
            mid = (lo + hi) / 2
            with np.errstate(invalid="ignore", divide="ignore"):
                gap = mid[:, None] - d
                chance = np.where(s > 0, _cdf(gap / np.maximum(s, 1e-300), shape),
                                  (gap >= 0).astype(float)).mean(axis=1)
            below = chance < service_level
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        out[idx] = hi
    return out


def review_undershoot(mean_daily: np.ndarray | float, sigma_demand: np.ndarray | float
                      ) -> np.ndarray:
    """Units by which a daily review finds the stock position below the reorder point
    when it orders: the day's demand that crossed it overshoots. Renewal theory's mean
    for whole units, E[d²] / (2·E[d]) − ½ = (σ²/μ + μ − 1) / 2 with μ and σ the mean and
    spread of daily demand (0 without demand): lumpy demand (a wholesale order for a
    week's goods) overshoots by much, one unit a day by nothing."""
    mean = np.asarray(mean_daily, dtype=float)
    spread = np.asarray(sigma_demand, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = (spread ** 2 / np.maximum(mean, 1e-12) + mean - 1.0) / 2.0
    return np.where(mean > 0, np.maximum(value, 0.0), 0.0)


def policy_reorder_point(policy: Policy, paths: np.ndarray, lead_days: np.ndarray | float,
                         sigma: np.ndarray | float, sigma_level: np.ndarray | float = 0.0,
                         sigma_demand: np.ndarray | float | None = None,
                         lead_spread: np.ndarray | float = 0.0,
                         quantiles: np.ndarray | None = None,
                         mean_daily: np.ndarray | float | None = None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(reorder point, safety stock) by the policy's basis.

    forecast error: the reorder point covers demand until an order arrives with the
    service level's probability, from the forecast's own error over the uncertain lead
    time (error_reorder_point), plus the review's undershoot (review_undershoot, when the
    daily demand's mean and spread are known); safety stock = that − the forecast over
    the mean lead time.
    demand spread: the textbook z · σ_demand · √L over the mean lead time (σ_demand
    defaults to σ)."""
    expected = demand_over(paths, lead_days)
    if policy.safety_basis == DEMAND:
        spread = sigma if sigma_demand is None else sigma_demand
        safety = np.broadcast_to(np.asarray(safety_stock(policy.z, spread, lead_days)),
                                 expected.shape).astype(float)
        return expected + safety, safety
    rop = error_reorder_point(policy.service_level, paths, lead_days, sigma, sigma_level,
                              lead_spread, quantiles)
    if mean_daily is not None and sigma_demand is not None:
        rop = rop + review_undershoot(mean_daily, sigma_demand)
    return rop, rop - expected


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
