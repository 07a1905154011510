"""The replenishment plan of a page, a wall or the CLI, for a principal: the stored
forecasts of the source, its stock by SKU-location and its supplier lead times (both
through the query service, so filters and the principal's scope apply as everywhere),
put together by forecast/plan.py.

A plan is pandas work over thousands of rows, built once per question and principal and
kept in a small LRU (two scopes never share one). Forecasts are read from the app-state
database (app_state/forecasts.py, with the run's artifacts of forecast/store.py), never
computed here: the background job does that. The forecast-quality sums and the policy
replay a run stores are kept per location and category; a page gets the rows of its
plan's SKU-locations only, i.e. of its reader's scope and filters.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from cachetools import LRUCache

from app_state.forecasts import ForecastRun, latest_run, load_series, runs_of
from forecast import store
from forecast.job import error_shapes
from forecast.plan import build_plan, sku_lead_times
from metrics.lead_times import lead_time_query
from metrics.query import MetricQuery
from metrics.replenishment import Policy
from service.digest import frame_digest
from service.principal import Principal, require
from service.queries import data_range, lead_times, run

STOCK_DAYS = 91  # SKU-locations with stock now or a sale in this many days are planned
LEAD_DAYS = 365  # receipts whose lead times define a SKU's lead time
STOCK_METRICS = ("on_hand_units", "inventory_value", "units_sold")


@dataclass(frozen=True)
class Plan:
    frame: pd.DataFrame  # its _row column indexes `paths`
    paths: np.ndarray
    run: ForecastRun
    as_of: date


def stock_query(as_of: date, where: dict[str, list[str]] | None) -> MetricQuery:
    """Stock at as-of and recent sales per SKU-location, with category and region."""
    return MetricQuery.create(STOCK_METRICS, as_of - timedelta(days=STOCK_DAYS - 1), as_of,
                              by=["sku", "location", "category", "region"], where=where)


_plans: LRUCache[str, Plan] = LRUCache(maxsize=16)
_lock = threading.Lock()


def lead_frames(principal: Principal, source: str,
                as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lead times by supplier and SKU, by supplier) over the LEAD_DAYS to as-of, in the
    principal's scope (cached by the query service per data version and scope)."""
    start = as_of - timedelta(days=LEAD_DAYS - 1)
    return (lead_times(principal, lead_time_query(start, as_of, ("supplier", "sku")), source),
            lead_times(principal, lead_time_query(start, as_of, ("supplier",)), source))


def forecasts_from(run: ForecastRun, as_of: date) -> tuple[pd.DataFrame, np.ndarray]:
    """The run's forecasts (with the error terms of its series artifact, when stored),
    their paths starting the day after `as_of` (a run made on older data loses the days
    already past)."""
    frame, paths = load_series(run.id)
    extra = store.load(run.id, store.SERIES)
    if extra is not None:
        more = store.unpack_frame(extra)
        frame = frame.merge(more, on=["sku_id", "location_id"], how="left")
    skip = (as_of - run.origin).days
    if 0 < skip < paths.shape[1] - 7:
        paths = paths[:, skip:]
    return frame, paths


def run_state(run: ForecastRun) -> dict:
    """The run's model choice and lead-time error calibration (forecast/job.py)."""
    found = store.unpack_json(store.load(run.id, store.STATE))
    return found if isinstance(found, dict) else {}


def forecast_quality(source: str, plan: Plan) -> pd.DataFrame | None:
    """Per category of the plan's SKU-locations (its reader's scope and filters): WAPE,
    bias, MASE and RMSSE of the forecast and of seasonal naive on the run's past origins
    (forecast/calibration.py), with an "(all)" row; None before the run stored them."""
    del source
    payload = store.load(plan.run.id, store.QUALITY)
    if payload is None:
        return None
    rows = store.unpack_frame(payload)
    seen = plan.frame[["location", "category"]].drop_duplicates().astype(str)
    rows = rows.merge(seen, left_on=["location_id", "category"],
                      right_on=["location", "category"])
    if rows.empty:
        return pd.DataFrame(columns=["category", "method", "wape", "bias", "mase", "rmsse"])
    sums = ["abs_error", "error", "actual", "cells", "mase_sum", "rmsse_sum", "series"]
    per = rows.groupby(["category", "method"], as_index=False)[sums].sum()
    overall = rows.groupby("method", as_index=False)[sums].sum().assign(category="(all)")
    out = pd.concat([overall, per], ignore_index=True)
    out["wape"] = out["abs_error"] / out["actual"].where(out["actual"] > 0)
    out["bias"] = out["error"] / out["actual"].where(out["actual"] > 0)
    out["mase"] = out["mase_sum"] / out["series"].where(out["series"] > 0)
    out["rmsse"] = out["rmsse_sum"] / out["series"].where(out["series"] > 0)
    return out


def policy_replay(plan: Plan) -> tuple[object, np.ndarray] | None:
    """The run's policy replay (forecast/replay.py) and which of its rows (location ×
    category) the plan's SKU-locations cover; None before it is stored."""
    from forecast.replay_result import unpack_replay

    payload = store.load(plan.run.id, store.REPLAY)
    if payload is None:
        return None
    result = unpack_replay(payload)
    seen = set(zip(plan.frame["location"].astype(str), plan.frame["category"].astype(str),
                   strict=True))
    keep = np.array([(loc, cat) in seen for loc, cat in zip(
        result.keys["location_id"], result.keys["category"], strict=True)], dtype=bool)
    return result, keep


def current_plan(principal: Principal, source: str, where: dict[str, list[str]] | None,
                 policy: Policy, suppliers: list[str] | None = None) -> Plan | None:
    """The plan for the filters in the principal's scope (None while the source has no
    stored forecast)."""
    principal = require(principal)
    run_ = latest_run(source)
    if run_ is None:
        return None
    as_of = data_range(principal, source)[1] or run_.origin
    stock = run(principal, stock_query(as_of, where), source)
    by_sku, by_supplier = lead_frames(principal, source, as_of)
    frame, paths = forecasts_from(run_, as_of)
    key = "|".join([source, principal.cache_key, str(run_.id), str(as_of), repr(policy),
                    repr(suppliers), frame_digest(stock), frame_digest(by_sku)])
    with _lock:
        found = _plans.get(key)
    if found is None:  # a plan is pandas work: built once per question, not per screen
        plan = build_plan(stock, frame, paths, sku_lead_times(by_sku, by_supplier), policy,
                          as_of, error_shapes=error_shapes(run_state(run_)))
        if suppliers:
            plan = plan[plan["supplier"].isin(suppliers)].reset_index(drop=True)
        found = Plan(plan, paths, run_, as_of)
        with _lock:
            _plans[key] = found
    found.frame.attrs["stale_since"] = stock.attrs.get("stale_since")
    return found


def job_state(source: str) -> ForecastRun | None:
    """The run in progress or failed for the source's current data, if any."""
    return next((r for r in runs_of(source) if r.status != "done"), None)
