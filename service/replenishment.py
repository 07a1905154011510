"""The replenishment plan of a page, a wall or the CLI, for a principal: the stored
forecasts of the source, its stock by SKU-location and its supplier lead times (both
through the query service, so filters and the principal's scope apply as everywhere),
put together by forecast/plan.py.

A plan is pandas work over thousands of rows, built once per question and principal and
kept in a small LRU (two scopes never share one). Forecasts are read from the app-state
database (app_state/forecasts.py), never computed here: the background job does that.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from cachetools import LRUCache

from app_state.forecasts import ForecastRun, latest_run, load_series, runs_of
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
    """The run's forecasts, their paths starting the day after `as_of` (a run made on
    older data loses the days already past)."""
    frame, paths = load_series(run.id)
    skip = (as_of - run.origin).days
    if 0 < skip < paths.shape[1] - 7:
        paths = paths[:, skip:]
    return frame, paths


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
                          as_of)
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
