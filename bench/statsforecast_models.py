"""statsforecast's own models on the backtest's windows, run by statsforecast itself.

    data/bench/statsforecast-venv/bin/python bench/statsforecast_models.py IN.npz OUT.npz

Runs in a virtual environment of its own (bench/backtest.py creates it from
bench/requirements-statsforecast.txt): statsforecast 2.x requires pandas < 3, StockLens
runs on pandas 3, so the library is the benchmark's reference, not a runtime dependency
(README, "Replenishment"). Only numpy arrays cross between the two environments.

IN holds, per origin i, `window_i` (days × series, NaN = unknown demand) and `horizon`.
statsforecast's models take complete series, so each series starts at its first known
day and its unknown days (stockouts) are filled with the mean of the known days on the
same weekday within four weeks either side (else its mean): what the day would have sold.
A series without a known day is forecast 0; where a model cannot forecast a series (an
error, or NaN: WindowAverage(28) on a series shorter than 28 days) it gets the series'
mean, and the model's `fallbacks_<model>` counts them. OUT gets `<model>_i` (series ×
horizon), `seconds_<model>` and `fallbacks_<model>`.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from statsforecast.models import (
    ADIDA,
    IMAPA,
    TSB,
    AutoETS,
    CrostonClassic,
    CrostonSBA,
    HistoricAverage,
    Naive,
    RandomWalkWithDrift,
    SeasonalNaive,
    SeasonalWindowAverage,
    WindowAverage,
)

WEEK = 7


def models() -> dict[str, object]:
    return {
        "sf_naive": Naive(), "sf_seasonal_naive": SeasonalNaive(season_length=WEEK),
        "sf_historic_average": HistoricAverage(), "sf_window_average": WindowAverage(28),
        "sf_seasonal_window_average": SeasonalWindowAverage(season_length=WEEK,
                                                            window_size=4),
        "sf_random_walk_drift": RandomWalkWithDrift(),
        "sf_croston": CrostonClassic(), "sf_croston_sba": CrostonSBA(),
        "sf_tsb": TSB(alpha_d=0.1, alpha_p=0.1), "sf_adida": ADIDA(), "sf_imapa": IMAPA(),
        "sf_auto_ets": AutoETS(season_length=WEEK),
    }


def complete(y: np.ndarray) -> np.ndarray | None:
    """The series from its first known day with unknown days filled (None: no day)."""
    known = np.flatnonzero(~np.isnan(y))
    if not len(known):
        return None
    y = y[known[0]:].copy()
    ok = ~np.isnan(y)
    fallback = float(y[ok].mean())
    for i in np.flatnonzero(~ok):
        near = [y[j] for k in range(1, 5) for j in (i - k * WEEK, i + k * WEEK)
                if 0 <= j < len(y) and ok[j]]
        y[i] = float(np.mean(near)) if near else fallback
    return y


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    data = np.load(source)
    horizon = int(data["horizon"])
    origins = sorted(int(k.split("_")[1]) for k in data.files if k.startswith("window_"))
    out: dict[str, np.ndarray] = {}
    seconds = dict.fromkeys(models(), 0.0)
    fallbacks = dict.fromkeys(models(), 0)
    for i in origins:
        window = data[f"window_{i}"]
        series = [complete(window[:, p]) for p in range(window.shape[1])]
        for name, model in models().items():
            began = time.perf_counter()
            paths = np.zeros((len(series), horizon))
            for p, y in enumerate(series):
                if y is None or len(y) < 2:
                    paths[p] = 0.0 if y is None else y[-1]
                    continue
                try:
                    paths[p] = model.forecast(y, horizon)["mean"]
                except Exception:  # a model that cannot fit a series: its mean
                    paths[p] = np.nan
                if not np.isfinite(paths[p]).all():  # e.g. a window longer than the series
                    paths[p] = float(np.mean(y))
                    fallbacks[name] += 1
            out[f"{name}_{i}"] = np.maximum(np.nan_to_num(paths), 0.0)
            seconds[name] += time.perf_counter() - began
        print(f"origin {i}: {len(series)} series", file=sys.stderr, flush=True)
    for name, value in seconds.items():
        out[f"seconds_{name}"] = np.array(value)
        out[f"fallbacks_{name}"] = np.array(fallbacks[name])
    np.savez_compressed(target, **out)


if __name__ == "__main__":
    main()
