"""Daily demand series → forecast paths and their errors, many series at once.

Per series (a SKU-location, days × series, NaN = unknown demand: a stockout day, or before
the pair existed):

1. its **class** (forecast/classify.py): Syntetos–Boylan's smooth / erratic /
   intermittent / lumpy by ADI and CV², or inactive, none, new;
2. its **group's profile** (forecast/profile.py): the weekday pattern and level over the
   weeks of its category in its channel, pooled over the group's series; the series is
   divided by it, so its own model smooths a level, not the week or the season;
3. its **model**, the member of its class's family that cross-validation chose for the
   class in its channel (choose_models): exponential smoothing (several α) for smooth and
   erratic series, the Croston family — Croston, SBA, TSB, ADIDA, IMAPA
   (forecast/intermittent.py) — for intermittent and lumpy ones. The choice is the
   candidate with the lowest mean squared error, scaled per series by its naive one-step
   error (RMSSE²), over the last CV_DAYS of the window when fitted on the days before:
   squared error, because replenishment needs the mean demand, not the median;
4. **new and sparse series borrow from their category** (pooled_levels): a series with
   too little history to fit gets the empirical-Bayes (Poisson–gamma) estimate of its
   rate: (b·μ + Σ demand) / (b + known days), with μ the mean rate of the established
   series of its category at its location (else in its channel) and b = μ / their
   between-series variance, the prior's weight in days. A new SKU starts from what its
   category sells there and moves to its own rate as its days accumulate; never zero;
5. **forecast** = level × weekday factor × year-on-year index of the group.

σ, the daily forecast error behind safety stock, is the root mean squared one-step-ahead
error of the chosen model on the known days of the last ERROR_DAYS (for new series, its
group's dispersion × its rate: too few days of its own). `sigma_demand` is the plain
standard deviation of known daily demand, the textbook alternative the page can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.special import gammaln

from forecast.classify import (
    ERRATIC,
    INACTIVE,
    INTERMITTENT,
    LUMPY,
    MIN_OBSERVED,
    NEW,
    NONE,
    PATTERNS,
    SMOOTH,
    classify,
    classify_matrix,
)
from forecast.intermittent import MODELS, compact, uncompact
from forecast.profile import Profile, group_profile

__all__ = ["MIN_OBSERVED", "WEEK", "classify", "croston_sba", "fill_unknown",
           "forecast_matrix", "forecast_series", "intervals"]

WEEK = 7
ERROR_DAYS = 91  # recent one-step errors that define σ
CV_DAYS = 28  # the hold-out cross-validation scores the models on
MIN_CV_SERIES = 20  # series of a class in a channel that make its own choice
MIN_PEERS = 5  # established series a prior needs
PRIOR_DAYS = (1.0, 56.0)  # bounds of the prior's weight b in days
CROSTON_ALPHA = 0.1

CANDIDATES: dict[str, tuple[str, ...]] = {
    SMOOTH: ("ses_0.02", "ses_0.05", "ses_0.1", "ses_0.2", "ses_auto"),
    ERRATIC: ("ses_0.02", "ses_0.05", "ses_0.1", "ses_0.2", "ses_auto"),
    INTERMITTENT: ("croston", "sba", "sba_0.05", "tsb", "tsb_0.05", "adida", "imapa"),
    LUMPY: ("croston", "sba", "sba_0.05", "tsb", "tsb_0.05", "adida", "imapa"),
}
DEFAULT_MODEL = {SMOOTH: "ses_0.05", ERRATIC: "ses_0.05", INTERMITTENT: "sba", LUMPY: "tsb"}

# (class, channel) → model key; (class, "*") is the class's choice over every channel
Choice = dict[tuple[str, str], str]


def family(model: str) -> str:
    """"ses_0.05" → "ses", "sba_0.05" → "sba": the method shown to users."""
    return model.split("_")[0]


@dataclass
class MatrixForecast:
    """Per series: class, model key, method (the model's family, or pooled / none /
    inactive), deseasonalised level, paths[p, h] = expected demand of day origin + h + 1,
    σ of the one-step error, σ of demand, known days and their mean demand."""

    klass: np.ndarray
    model: np.ndarray
    method: np.ndarray
    level: np.ndarray
    paths: np.ndarray
    sigma: np.ndarray
    sigma_demand: np.ndarray
    observed: np.ndarray
    mean: np.ndarray


@dataclass(frozen=True)
class SeriesForecast:
    method: str
    path: np.ndarray  # expected demand of each day after the origin
    sigma: float  # standard deviation of the daily forecast error
    observed: int  # known days in the window
    mean: float  # mean known daily demand in the window
    klass: str = ""


def fill_unknown(y: np.ndarray) -> np.ndarray:
    """NaN days filled with the mean of the known days on the same weekday within four
    weeks either side (else of all known days): the demand the day would have had."""
    out = y.copy()
    known = ~np.isnan(y)
    fallback = float(np.mean(y[known])) if known.any() else 0.0
    for i in np.flatnonzero(~known):
        near = [y[j] for k in range(1, 5) for j in (i - k * WEEK, i + k * WEEK)
                if 0 <= j < len(y) and known[j]]
        out[i] = float(np.mean(near)) if near else fallback
    return out


def intervals(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Croston's view of known days: the non-zero demands and the number of known days
    from one to the next (unknown days do not count as days without demand)."""
    known = y[~np.isnan(y)]
    where = np.flatnonzero(known > 0)
    sizes = known[where]
    gaps = np.diff(np.concatenate([[-1], where])).astype(float)
    return sizes, gaps


def croston_sba(y: np.ndarray, alpha: float = CROSTON_ALPHA) -> float:
    """Daily demand rate of one series by Croston's method with the Syntetos–Boylan
    approximation: smoothed size / smoothed interval × (1 − α/2)."""
    sizes, gaps = intervals(y)
    if not len(sizes):
        return 0.0
    size, gap = sizes[0], gaps[0]
    for s, q in zip(sizes[1:], gaps[1:], strict=True):
        size += alpha * (s - size)
        gap += alpha * (q - gap)
    return float((1 - alpha / 2) * size / gap)


def _trim(y: np.ndarray) -> np.ndarray:
    """Days before a series' first known day are not its history: unknown."""
    known = ~np.isnan(y)
    started = np.maximum.accumulate(known, axis=0)
    return np.where(started, y, np.nan)


def fit_levels(x: np.ndarray, models: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(level at the end, one-step forecasts on the days of x) of each column of the
    deseasonalised x by its model key (columns whose key is not a model: 0, NaN)."""
    compacted, order = compact(x)
    level = np.zeros(x.shape[1])
    fitted = np.full(x.shape, np.nan)
    for key in np.unique(models):
        if key not in MODELS:
            continue
        cols = np.flatnonzero(models == key)
        level[cols], fitted[:, cols] = MODELS[str(key)](compacted[:, cols])
    return level, uncompact(fitted, order)


def _scale(y: np.ndarray) -> np.ndarray:
    """Mean squared naive one-step error of each column over consecutive known days."""
    step = np.diff(y, axis=0)
    known = ~np.isnan(step)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known.any(axis=0), np.where(known, step ** 2, 0.0).sum(axis=0)
                        / np.maximum(known.sum(axis=0), 1), np.nan)


def choose_models(y: np.ndarray, groups: np.ndarray, n_groups: int, first: date,
                  channels: np.ndarray, known: Choice | None = None) -> Choice:
    """For each class and channel not in `known`, the candidate whose forecasts of the
    window's last CV_DAYS, fitted on the days before, have the lowest mean RMSSE²; a
    class with fewer than MIN_CV_SERIES series in a channel takes its choice over all
    channels, else DEFAULT_MODEL."""
    choice: Choice = known if known is not None else {}
    days = y.shape[0]
    if days < CV_DAYS + MIN_OBSERVED:
        return choice
    train, test = _trim(y[:-CV_DAYS]), y[-CV_DAYS:]
    classes = classify_matrix(train)
    profile = group_profile(train, groups, n_groups, first)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = train / profile.daily[:, groups]
    scale = _scale(train)
    origin = first + timedelta(days=train.shape[0] - 1)
    future = profile.future(origin, CV_DAYS)[:, groups]
    compacted, _ = compact(x)
    for klass in PATTERNS:
        wanted = [(klass, str(ch)) for ch in np.unique(channels) if (klass, str(ch)) not in choice]
        if not wanted and (klass, "*") in choice:
            continue
        members = np.flatnonzero((classes == klass) & (scale > 0))
        if not len(members):
            continue
        errors = {}
        for key in CANDIDATES[klass]:
            level, _ = MODELS[key](compacted[:, members])
            forecast = level[None, :] * future[:, members]
            actual = test[:, members]
            seen = ~np.isnan(actual)
            with np.errstate(invalid="ignore", divide="ignore"):
                mse = np.where(seen, (forecast - np.nan_to_num(actual)) ** 2, 0.0).sum(axis=0) \
                    / np.maximum(seen.sum(axis=0), 1)
            errors[key] = np.where(seen.any(axis=0), mse / scale[members], np.nan)
        table = pd.DataFrame(errors)
        table["channel"] = channels[members]
        if (klass, "*") not in choice:
            choice[(klass, "*")] = str(table[list(errors)].mean().idxmin())
        for channel, rows in table.groupby("channel"):
            if (klass, str(channel)) in choice:
                continue
            if len(rows) >= MIN_CV_SERIES:
                choice[(klass, str(channel))] = str(rows[list(errors)].mean().idxmin())
    return choice


def _model_of(classes: np.ndarray, channels: np.ndarray, choice: Choice) -> np.ndarray:
    out = np.full(len(classes), "", dtype=object)
    for p, (klass, channel) in enumerate(zip(classes, channels, strict=True)):
        if klass in DEFAULT_MODEL:
            out[p] = choice.get((klass, str(channel)), choice.get((klass, "*"),
                                                                   DEFAULT_MODEL[klass]))
    return out


def gamma_prior(total: np.ndarray, days: np.ndarray) -> tuple[float, float]:
    """(μ, b) of the gamma prior of daily rates that makes the peers' totals (sold in
    `days` known days each) most likely: their marginal is negative binomial,
    log Γ(a + y) − log Γ(a) + a·log(b / (b + n)) + y·log(n / (b + n)) with b = a / μ and
    μ = Σy / Σn; the shape a by a grid search. Skewed rates (many slow SKUs, a few fast)
    get a small shape: the prior holds a slow series near its own rate."""
    mu = float(total.sum() / max(days.sum(), 1e-12))
    if mu <= 0:
        return 0.0, PRIOR_DAYS[1]
    shapes = np.logspace(-2, 2, 41)
    best, chosen = -np.inf, shapes[0]
    for a in shapes:
        b = a / mu
        value = (gammaln(a + total) - gammaln(a) + a * np.log(b / (b + days))
                 + total * np.log(days / (b + days))).sum()
        if value > best:
            best, chosen = value, a
    return mu, float(np.clip(chosen / mu, *PRIOR_DAYS))


def pooled_levels(x: np.ndarray, classes: np.ndarray, keys: list[np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes rate of each column of the deseasonalised x (NaN where it has no
    prior) and the prior's weight b in days (gamma_prior). A young series (fewer than
    MIN_OBSERVED known days) borrows from the established series (a Syntetos–Boylan
    pattern) sharing its first key in `keys` (e.g. category × location, then category ×
    channel) that has MIN_PEERS of them — where none has (all the data is young), there
    is nothing older to learn from and it keeps its own rate; a long but sparse one (too
    few demands) from the other sparse series of its key: a SKU that sold twice in half a
    year is not like its category's usual SKU, but like its other slow ones."""
    known = ~np.isnan(x)
    n = known.sum(axis=0).astype(float)
    total = np.where(known, x, 0.0).sum(axis=0)
    established = np.isin(classes, PATTERNS)
    sparse = (classes == NEW) & (n >= MIN_OBSERVED)
    mu = np.full(x.shape[1], np.nan)
    weight = np.full(x.shape[1], np.nan)
    for wanted, populations in ((~sparse, (established,)), (sparse, (sparse,))):
        for key in keys:
            for peers in populations:
                todo = wanted & np.isnan(mu)
                if not todo.any():
                    break
                frame = pd.DataFrame({"key": key[peers], "i": np.flatnonzero(peers)})
                for value, rows in frame.groupby("key")["i"]:
                    if len(rows) < MIN_PEERS:
                        continue
                    members = rows.to_numpy()
                    prior_mu, b = gamma_prior(total[members], n[members])
                    here = todo & (key == value)
                    mu = np.where(here, prior_mu, mu)
                    weight = np.where(here, b, weight)
    posterior = (weight * mu + total) / (weight + n)
    return posterior, weight


def forecast_matrix(y: np.ndarray, groups: np.ndarray, n_groups: int, first: date,
                    horizon: int, yearly: np.ndarray | None = None,
                    channels: np.ndarray | None = None, choice: Choice | None = None,
                    pool_keys: list[np.ndarray] | None = None,
                    profile: Profile | None = None) -> MatrixForecast:
    """Forecast the `horizon` days after the window y (days × series, NaN = unknown; its
    first day is `first`). groups[p] ∈ 0 … n_groups − 1 is series p's category × channel,
    channels[p] its channel (the model choice's key), yearly (horizon × groups) the
    year-on-year index, pool_keys the keys a new series borrows its prior by (default:
    its group). Missing model choices are cross-validated here (choose_models)."""
    y = _trim(np.asarray(y, dtype=float))
    days, count = y.shape
    channels = np.zeros(count, dtype=object) if channels is None else channels
    classes = classify_matrix(y)
    choice = choose_models(y, groups, n_groups, first, channels, choice)
    profile = profile or group_profile(y, groups, n_groups, first)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = y / profile.daily[:, groups]
    models = _model_of(classes, channels, choice)
    level, fitted = fit_levels(x, models)
    prior, _ = pooled_levels(x, classes, pool_keys or [groups])
    new = classes == NEW
    own = np.where(~np.isnan(x), x, 0.0).sum(axis=0) / np.maximum((~np.isnan(x)).sum(axis=0), 1)
    level = np.where(new, np.where(np.isnan(prior), own, prior), level)
    level = np.where(np.isin(classes, (NONE, INACTIVE)), 0.0, level)
    origin = first + timedelta(days=days - 1)
    future = profile.future(origin, horizon, yearly)[:, groups]
    paths = np.maximum(level[None, :] * future, 0.0).T

    known = ~np.isnan(y)
    observed = known.sum(axis=0)
    mean = np.where(observed > 0, np.where(known, y, 0.0).sum(axis=0)
                    / np.maximum(observed, 1), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt(np.where(known, (y - mean) ** 2, 0.0).sum(axis=0)
                         / np.maximum(observed - 1, 1))
    spread = np.where(observed > 1, spread, mean)
    recent = slice(max(0, days - ERROR_DAYS), days)
    predicted = fitted[recent] * profile.daily[recent][:, groups]
    errors = y[recent] - predicted
    scored = ~np.isnan(errors)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.where(scored.any(axis=0), np.sqrt(np.where(scored, errors ** 2, 0.0)
                                                      .sum(axis=0) / np.maximum(
                                                          scored.sum(axis=0), 1)), spread)
    # new series: their group's dispersion (σ² per unit of demand) times their rate
    rate_now = paths[:, :min(horizon, 28)].mean(axis=1) if horizon else level
    established = np.isin(classes, PATTERNS) & (mean > 0)
    dispersion = pd.Series(sigma[established] ** 2 / mean[established]).groupby(
        groups[established]).median()
    phi = pd.Series(groups).map(dispersion).fillna(1.0).to_numpy(dtype=float)
    sigma = np.where(new, np.sqrt(phi * rate_now), sigma)
    sigma = np.where(np.isin(classes, (NONE, INACTIVE)), 0.0, sigma)
    # a new series that found peers is pooled; one that found none keeps its own mean
    method = np.array([family(m) if m else (("moving_average" if np.isnan(p) else "pooled")
                                            if c == NEW else c)
                       for m, c, p in zip(models, classes, prior, strict=True)], dtype=object)
    return MatrixForecast(classes, models, method, level, paths, sigma, spread, observed, mean)


def forecast_series(y: np.ndarray, horizon: int, first: date = date(2024, 1, 1)
                    ) -> SeriesForecast:
    """The forecast of the `horizon` days after the last day of one series `y` (NaN =
    unknown), which is its own group (its weekday pattern is its own, shrunk to flat
    when noisy) and has no peers to borrow from."""
    y = np.asarray(y, dtype=float)[:, None]
    found = forecast_matrix(y, np.zeros(1, dtype=int), 1, first, horizon)
    return SeriesForecast(str(found.method[0]), found.paths[0], float(found.sigma[0]),
                          int(found.observed[0]), float(found.mean[0]), str(found.klass[0]))
