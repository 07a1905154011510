"""Exponential smoothing and the Croston family, for many series at once.

Each function takes a matrix of series (days × series) whose unknown days (stockouts,
before the series existed) are NaN and returns, per series, the smoothed level at the end
(the forecast of every later day) and the one-step-ahead forecast of each day (NaN until
the series starts). Unknown days are skipped, not read as zero demand: a series' values
are first *compacted* (its NaN moved in front, its known days kept in order), so every
recursion runs over the rows once, as numpy operations across all series.

The definitions follow Nixtla's statsforecast (models.py), so the numbers agree with it:

    SES(α)           ℓ ← ℓ + α (x − ℓ)
    Croston(α)       on days with demand only: size z ← z + α (x − z), interval
                     p ← p + α (q − p) with q the known days since the last demand
                     (the first interval counts from the first known day); rate = z / p
    SBA(α)           Croston × (1 − α/2), the Syntetos–Boylan bias correction
    TSB(α_d, α_p)    every day: probability d ← d + α_p (1[x > 0] − d); on demand days
                     size z ← z + α_d (x − z); rate = d · z
    ADIDA            the series summed in buckets of k = round(mean interval) days
                     (aligned on the last day), SES on the sums, rate = level / k
    IMAPA            the mean of ADIDA's rate over k = 1 … round(mean interval)

Croston, SBA and TSB start from the first value (size, interval, indicator), as
statsforecast does. Two differences, both for daily retail series: SES starts from the
mean of the first INIT_DAYS known days (one noisy first day would otherwise bias a slow
level for months), and ADIDA/IMAPA choose α per series from ALPHA_GRID by in-sample
squared error (statsforecast searches the same range, 0.1–0.3, by golden section).
"""

from __future__ import annotations

import numpy as np

INIT_DAYS = 7
ALPHA_GRID = tuple(np.round(np.linspace(0.1, 0.3, 21), 2))


def compact(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x with each column's NaN moved to the top and its known values kept in order, the
    row order that did it: compacted[:, j] = x[order[:, j], j])."""
    x = np.asarray(x, dtype=float)
    order = np.argsort(~np.isnan(x), axis=0, kind="stable")
    return np.take_along_axis(x, order, axis=0), order


def uncompact(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Back to the days of the original matrix (the inverse of compact's order)."""
    out = np.empty_like(values)
    np.put_along_axis(out, order, values, axis=0)
    return out


def _matrix(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return x[:, None] if x.ndim == 1 else x


def _starts(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per compacted column: the row of its first known value, and whether it has one."""
    known = ~np.isnan(c)
    return np.argmax(known, axis=0), known.any(axis=0)


def ses(c: np.ndarray, alpha: np.ndarray | float,
        init_days: int = INIT_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing of compacted columns: (level, one-step forecasts)."""
    c = _matrix(c)
    rows, cols = c.shape
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (cols,))
    start, has = _starts(c)
    known = ~np.isnan(c)
    values = np.where(known, c, 0.0)
    # the mean of the first init_days known values (contiguous from `start`: compacted)
    total = np.concatenate([np.zeros((1, cols)), np.cumsum(values, axis=0)])
    count = np.minimum(max(init_days, 1), rows - start)
    with np.errstate(invalid="ignore", divide="ignore"):
        init = np.where(has, (total[start + count, np.arange(cols)]
                              - total[start, np.arange(cols)]) / np.maximum(count, 1), np.nan)
    level = np.full(cols, np.nan)
    fitted = np.full((rows, cols), np.nan)
    step = np.where(known, alpha[None, :], 0.0)  # α on known days, 0 (no update) else
    begins = np.zeros((rows, cols), dtype=bool)
    begins[start[has], np.flatnonzero(has)] = True
    for t in range(rows):
        if begins[t].any():
            level = np.where(begins[t], init, level)
        fitted[t] = level
        level = level + step[t] * (values[t] - level)
    return np.where(np.isnan(level), 0.0, level), fitted


def croston(c: np.ndarray, alpha: float = 0.1, sba: bool = False
            ) -> tuple[np.ndarray, np.ndarray]:
    """Croston's method (with `sba`, the Syntetos–Boylan approximation) on compacted
    columns: (rate, one-step forecasts; 0 before the first demand)."""
    c = _matrix(c)
    rows, cols = c.shape
    factor = 1 - alpha / 2 if sba else 1.0
    size = np.full(cols, np.nan)
    interval = np.full(cols, np.nan)
    since = np.zeros(cols)
    start, _ = _starts(c)
    known = ~np.isnan(c)
    values = np.where(known, c, 0.0)
    demands = known & (values > 0)
    fitted = np.full((rows, cols), np.nan)
    for t in range(rows):
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(np.isnan(size), 0.0, factor * size / interval)
        fitted[t] = np.where(t >= start, rate, np.nan)
        since += known[t]
        demand = demands[t]
        if demand.any():
            first = demand & np.isnan(size)
            later = demand & ~first
            value = values[t]
            size = np.where(first, value, np.where(later, size + alpha * (value - size), size))
            interval = np.where(first, since, np.where(
                later, interval + alpha * (since - interval), interval))
            since = np.where(demand, 0.0, since)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(np.isnan(size), 0.0, factor * size / interval)
    return rate, fitted


def tsb(c: np.ndarray, alpha_d: float = 0.1, alpha_p: float = 0.1
        ) -> tuple[np.ndarray, np.ndarray]:
    """Teunter–Syntetos–Babai on compacted columns: (rate, one-step forecasts)."""
    c = _matrix(c)
    rows, cols = c.shape
    chance = np.full(cols, np.nan)
    size = np.full(cols, np.nan)
    fitted = np.full((rows, cols), np.nan)
    known = ~np.isnan(c)
    values = np.where(known, c, 0.0)
    hits = (values > 0).astype(float)
    for t in range(rows):
        fitted[t] = chance * np.where(np.isnan(size), 0.0, size)
        hit, day = hits[t], known[t]
        chance = np.where(day, np.where(np.isnan(chance), hit, chance + alpha_p * (hit - chance)),
                          chance)
        demand = day & (hit > 0)
        if demand.any():
            value = values[t]
            size = np.where(demand, np.where(np.isnan(size), value,
                                             size + alpha_d * (value - size)), size)
    return (np.where(np.isnan(chance), 0.0, chance) * np.where(np.isnan(size), 0.0, size),
            fitted)


def mean_interval(c: np.ndarray) -> np.ndarray:
    """statsforecast's mean interval of compacted columns: known days up to the last
    demand / demands (the first interval counts from the first known day); 0 without
    demand."""
    c = _matrix(c)
    known = ~np.isnan(c)
    demand = known & (np.nan_to_num(c) > 0)
    count = demand.sum(axis=0)
    rows = c.shape[0]
    last = rows - 1 - np.argmax(demand[::-1], axis=0)
    before = np.cumsum(known, axis=0)
    upto = np.take_along_axis(before, last[None, :], axis=0)[0]
    return np.where(count > 0, upto / np.maximum(count, 1), 0.0)


def _bucket_rates(c: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """SES (α from ALPHA_GRID by in-sample squared error) on sums of k known days, aligned
    on the last day, of compacted columns: (rate = level / k, one-step daily forecasts)."""
    rows, cols = c.shape
    buckets = rows // k
    if buckets == 0:
        return np.zeros(cols), np.full((rows, cols), np.nan)
    tail = c[rows - buckets * k:]
    sums = tail.reshape(buckets, k, cols).sum(axis=1)  # a bucket with a NaN day is unknown
    grid = np.asarray(ALPHA_GRID)
    wide = np.tile(sums, (1, len(grid)))  # every α at once: columns α₀ × cols, α₁ × cols …
    level, fitted = ses(wide, np.repeat(grid, cols), init_days=1)
    sse = np.nansum((wide - fitted) ** 2, axis=0).reshape(len(grid), cols)
    best = np.argmin(sse, axis=0)
    pick = best * cols + np.arange(cols)
    rate = level[pick] / k
    fitted_sums = fitted[:, pick]
    daily = np.full((rows, cols), np.nan)
    daily[rows - buckets * k:] = np.repeat(fitted_sums / k, k, axis=0)
    daily = np.where(np.isnan(c), np.nan, daily)
    return rate, daily


def ses_first_value(c: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """statsforecast's SES: the level starts at the first known value."""
    return ses(c, alpha, init_days=1)


def adida(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ADIDA on compacted columns: (rate, one-step daily forecasts)."""
    c = _matrix(c)
    levels = np.rint(mean_interval(c)).astype(int)  # Python's round: half to even, as numpy
    rate = np.zeros(c.shape[1])
    fitted = np.full(c.shape, np.nan)
    for k in np.unique(levels[levels > 0]):
        cols = np.flatnonzero(levels == k)
        rate[cols], fitted[:, cols] = _bucket_rates(c[:, cols], int(k))
    return rate, fitted


def imapa(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """IMAPA on compacted columns: the mean of the bucket rates over k = 1 … round(mean
    interval): (rate, one-step daily forecasts)."""
    c = _matrix(c)
    top = np.rint(mean_interval(c)).astype(int)
    total = np.zeros(c.shape[1])
    fitted_total = np.zeros(c.shape)
    fitted_count = np.zeros(c.shape)
    for k in range(1, int(top.max(initial=0)) + 1):
        cols = np.flatnonzero(top >= k)
        rate, fitted = _bucket_rates(c[:, cols], k)
        total[cols] += rate
        known = ~np.isnan(fitted)
        fitted_total[:, cols] += np.nan_to_num(fitted)
        fitted_count[:, cols] += known
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(top > 0, total / np.maximum(top, 1), 0.0)
        fitted = np.where(fitted_count > 0, fitted_total / fitted_count, np.nan)
    return rate, fitted


def ses_auto(c: np.ndarray, grid: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.3)
             ) -> tuple[np.ndarray, np.ndarray]:
    """SES with each column's α from `grid` by its in-sample one-step squared error
    (as statsforecast's AutoETS picks its parameters, on a grid)."""
    c = _matrix(c)
    cols = c.shape[1]
    grid_a = np.asarray(grid)
    wide = np.tile(c, (1, len(grid_a)))
    level, fitted = ses(wide, np.repeat(grid_a, cols))
    sse = np.nansum((wide - fitted) ** 2, axis=0).reshape(len(grid_a), cols)
    pick = np.argmin(sse, axis=0) * cols + np.arange(cols)
    return level[pick], fitted[:, pick]


MODELS = {
    "ses_0.02": lambda c: ses(c, 0.02),
    "ses_0.05": lambda c: ses(c, 0.05),
    "ses_0.1": lambda c: ses(c, 0.1),
    "ses_0.2": lambda c: ses(c, 0.2),
    "ses_auto": ses_auto,
    "croston": lambda c: croston(c, 0.1),
    "sba_0.05": lambda c: croston(c, 0.05, sba=True),
    "sba": lambda c: croston(c, 0.1, sba=True),
    "tsb": lambda c: tsb(c, 0.1, 0.1),
    "tsb_0.05": lambda c: tsb(c, 0.05, 0.05),
    "adida": adida,
    "imapa": imapa,
}
