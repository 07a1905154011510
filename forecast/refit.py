"""One forecast run of a source: read the history (all of it, or only the new days),
forecast every series, measure the forecast's lead-time error and quality, and put
together what the job stores.

Reading the history is most of a run's time (at scale 10, ~3 s per chunk of 4,000
SKU-locations for the 238 days a run needs, against ~0.3 s to fit them). So each run
keeps the windows it read in a local cache (forecast-cache/<source>/, one npz per chunk
of locations, with the daily totals of the data they came from), and when the data's
last day moved on by at most INCREMENTAL_DAYS while the days before are unchanged (same
daily sales and stock totals), the next run reads only the new days and appends them:
an **incremental refit**, whose forecasts equal a full one's. Anything else — other
locations, a changed past (a re-import), no cache (another host made the last run) —
reads everything again. The cache lives next to a SQLite state database, or in
$STOCKLENS_FORECAST_CACHE, else in the system's temporary folder: each host keeps its own,
a run on another host reads all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from canonical.model import DEFAULT_CHANNEL
from data_connectors.source import Source, SourceError
from forecast.calibration import HISTORY_DAYS, Calibration, calibrate, merge
from forecast.engine import (
    HORIZON,
    ForecastSet,
    empty_set,
    forecast_history,
    read_yearly,
)
from forecast.history import (
    History,
    first_seen_of,
    location_chunks,
    pair_attributes,
    read_history,
    snapshot_dates,
)
from forecast.models import Choice
from forecast.yearly import Group
from metrics.sqlfuncs import date_param
from service import ALL_DATA, history_rows

log = logging.getLogger("stocklens.forecast")
INCREMENTAL_DAYS = 14
CACHE_DIR = "forecast-cache"
CACHE_ENV = "STOCKLENS_FORECAST_CACHE"


@dataclass
class RunResult:
    """A run's forecasts (pairs with sigma = the daily error, sigma_level, sigma_demand,
    klass, model, level), its calibration and how it was read."""

    found: ForecastSet
    calibration: Calibration
    mode: str  # "full" or "incremental"
    read_seconds: float = 0.0
    fit_seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def daily_totals(source: Source, first: date, last: date) -> dict[str, str]:
    """Per day in [first, last]: the count and sum of its sales lines and stock rows.
    Equal totals on every day mean the history read from those days is the same."""
    s, inv = source.relation("sales"), source.relation("inventory")
    out: dict[str, list[str]] = {}
    for fact, qty in ((s, s.c.qty), (inv, inv.c.on_hand_qty)):
        statement = (sa.select(fact.c.date, sa.func.count(), sa.func.sum(qty))
                     .where(fact.c.date.between(date_param(first), date_param(last)))
                     .group_by(fact.c.date))
        for day, n, total in history_rows(ALL_DATA, source, statement):
            out.setdefault(str(day)[:10], []).append(f"{fact.name}:{int(n)}:"
                                                      f"{float(total or 0):.6f}")
    return {day: "|".join(sorted(parts)) for day, parts in out.items()}


def cache_dir(source_name: str) -> Path:
    """Where a source's windows are cached: $STOCKLENS_FORECAST_CACHE, else next to a
    SQLite state database, else (a state database on a server) in the system's temporary
    folder under the state database's digest — a per-host cache either way."""
    from app_state.db import state_key, state_path

    root = os.environ.get(CACHE_ENV)
    state = state_path()
    if root:
        base = Path(root)
    elif state is not None:
        base = state.parent / CACHE_DIR
    else:
        digest = hashlib.sha256(state_key().encode()).hexdigest()[:16]
        base = Path(tempfile.gettempdir()) / f"stocklens-{CACHE_DIR}" / digest
    return base / (re.sub(r"[^A-Za-z0-9._-]", "_", source_name) or "source")


def _save_cache(source_name: str, origin: date, totals: dict[str, str],
                chunks: list[tuple[list[str], History]], snapshot_days: list[date]) -> None:
    """Write the windows under a new name, then point meta.json at them (replaced in one
    step), then delete the older files: a reader sees one run's windows or none."""
    folder = cache_dir(source_name)
    tag = f"{origin.isoformat()}-{os.getpid()}-{time.time_ns()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for i, (locations, history) in enumerate(chunks):
            name = f"chunk-{tag}-{i}.npz"
            np.savez_compressed(
                folder / name, demand=history.demand.astype(np.float32),
                sku=history.pairs["sku_id"].to_numpy(dtype=str),
                location=history.pairs["location_id"].to_numpy(dtype=str),
                seen=np.packbits(history.seen, axis=0),
                snapshots=np.array([(d - history.first).days for d in snapshot_days
                                    if history.first <= d <= origin], dtype=int),
                locations=np.array(locations, dtype=str))
            names.append(name)
        meta = folder / f"meta-{tag}.json"
        meta.write_text(json.dumps({
            "origin": origin.isoformat(), "totals": totals, "files": names,
            "first": chunks[0][1].first.isoformat() if chunks else None}), encoding="utf-8")
        os.replace(meta, folder / "meta.json")
        for old in folder.glob("chunk-*.npz"):
            if old.name not in names:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a cache: the next run reads everything
        log.warning("forecast cache not written: %s", exc)


def _load_cache(source_name: str) -> tuple[dict, list[dict[str, np.ndarray]]] | None:
    folder = cache_dir(source_name)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        chunks = []
        for name in meta["files"]:
            with np.load(folder / name, allow_pickle=False) as found:
                chunks.append({k: found[k] for k in found.files})
        return meta, chunks
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _appended(cached: dict[str, np.ndarray], old_first: date, new: History, first: date,
              last: date, attributes: tuple[dict[str, str], dict[str, str]],
              snapshots: list[date]) -> History:
    """The cached window moved on to [first, last] with the new days of `new` appended:
    what read_history(first, last) returns, without reading the old days again."""
    old_keys = list(zip(cached["sku"].tolist(), cached["location"].tolist(), strict=True))
    new_keys = list(zip(new.pairs["sku_id"], new.pairs["location_id"], strict=True))
    keys = sorted(set(old_keys) | set(new_keys))
    column = {k: i for i, k in enumerate(keys)}
    days = (last - first).days + 1
    demand = np.zeros((days, len(keys)))
    seen = np.zeros((days, len(keys)), dtype=bool)
    offset = (new.first - first).days  # the first new day's row
    shift = (first - old_first).days
    # a pair without a sale or stock on a snapshot day was out of stock: unknown demand
    old_snapshots = cached["snapshots"] - shift
    demand[old_snapshots[(old_snapshots >= 0) & (old_snapshots < offset)]] = np.nan
    for day in snapshots:
        demand[(day - first).days] = np.nan
    old_cols = np.array([column[k] for k in old_keys], dtype=int)
    if offset > 0 and len(old_cols):
        demand[:offset, old_cols] = cached["demand"][shift:].astype(float)
        seen[:offset, old_cols] = np.unpackbits(cached["seen"], axis=0,
                                                count=cached["demand"].shape[0])[shift:] > 0
    new_cols = np.array([column[k] for k in new_keys], dtype=int)
    if len(new_cols):
        demand[offset:, new_cols] = new.demand
        seen[offset:, new_cols] = new.seen
    # a pair whose last sale or stock left the window is not read any more
    keep = np.flatnonzero(seen.any(axis=0))
    categories, channels = attributes
    pairs = pd.DataFrame([keys[i] for i in keep], columns=["sku_id", "location_id"])
    pairs["category"] = pairs["sku_id"].map(categories).fillna("—")
    pairs["channel"] = pairs["location_id"].map(channels).fillna(DEFAULT_CHANNEL)
    return History(first, pairs, demand[:, keep], first_seen_of(seen[:, keep]),
                   seen[:, keep])


def histories(source: Source, origin: date,
              progress: Callable[[int, int], None] | None = None
              ) -> tuple[list[tuple[list[str], History]], str, float]:
    """The HISTORY_DAYS up to `origin` of every chunk of locations: (chunks, "full" or
    "incremental", seconds spent reading)."""
    began = time.perf_counter()
    first = origin - timedelta(days=HISTORY_DAYS - 1)
    attributes = pair_attributes(source)
    chunks = location_chunks(source, first, origin)
    found = _load_cache(source.name)
    out: list[tuple[list[str], History]] = []
    totals: dict[str, str] = {}
    if found is not None:
        meta, cached = found
        before = date.fromisoformat(meta["origin"])
        if 0 < (origin - before).days <= INCREMENTAL_DAYS and \
                [list(c["locations"]) for c in cached] == chunks:
            shared = daily_totals(source, first, before)
            stored = {d: v for d, v in meta["totals"].items()
                      if first.isoformat() <= d <= before.isoformat()}
            if shared == stored:
                start = before + timedelta(days=1)
                snapshots = snapshot_dates(source, start, origin)
                for done, (locations, part) in enumerate(zip(chunks, cached, strict=True)):
                    new = read_history(source, start, origin, locations, attributes,
                                       snapshots)
                    out.append((locations, _appended(part, date.fromisoformat(meta["first"]),
                                                     new, first, origin, attributes,
                                                     snapshots)))
                    if progress:
                        progress(done + 1, len(chunks))
                totals = {**shared, **daily_totals(source, start, origin)}
                old_first = date.fromisoformat(meta["first"])
                every = sorted({old_first + timedelta(days=int(d))
                                for d in cached[0]["snapshots"]} | set(snapshots)) \
                    if cached else snapshots
    mode = "incremental" if out else "full"
    if not out:
        snapshots = snapshot_dates(source, first, origin)
        for done, locations in enumerate(chunks):
            out.append((locations, read_history(source, first, origin, locations, attributes,
                                                snapshots)))
            if progress:
                progress(done + 1, len(chunks))
        totals = daily_totals(source, first, origin)
        every = snapshots
    _save_cache(source.name, origin, totals, out, every)
    return out, mode, time.perf_counter() - began


def run_forecasts(source: Source, origin: date, horizon: int = HORIZON,
                  progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Forecast every SKU-location of `source` at `origin` and calibrate the errors."""
    chunks, mode, read_s = histories(source, origin, progress)
    began = time.perf_counter()
    yearly_cache: dict[tuple[date, int], dict[Group, np.ndarray]] = {}

    def yearly(day: date, days: int = horizon) -> dict[Group, np.ndarray]:
        if (day, days) not in yearly_cache:
            yearly_cache[(day, days)] = read_yearly(source, day, days)
        return yearly_cache[(day, days)]

    choice: Choice = {}
    parts: list[ForecastSet] = []
    calibrations: list[Calibration] = []
    for _, history in chunks:
        parts.append(forecast_history(history, history.days - 1, horizon, yearly(origin),
                                      choice))
        calibrations.append(calibrate(history, history.days - 1, choice,
                                      lambda day: yearly(day, horizon)))
    calibration = merge(calibrations)
    if not parts:
        return RunResult(empty_set(origin, horizon, choice), calibration, mode, read_s)
    pairs = pd.concat([p.pairs for p in parts], ignore_index=True)
    paths = np.concatenate([p.paths for p in parts])
    root_slope, root_curve = calibration.factors(pairs)
    one_step = pairs["sigma"].to_numpy(dtype=float)
    pairs["sigma"] = one_step * root_slope  # the daily error σ_LT(L) grows with
    pairs["sigma_level"] = one_step * root_curve  # … and the level's error
    fit_s = time.perf_counter() - began
    found = ForecastSet(origin, pairs, paths, read_s + fit_s, choice)
    if not len(pairs):
        raise SourceError("no SKU-location to forecast")
    return RunResult(found, calibration, mode, read_s, fit_s)
