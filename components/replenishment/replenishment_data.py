"""The replenishment plan of a page or a wall: the stored forecasts of the source, its
stock by SKU-location (a MetricQuery through the query cache, so filters and the
row-level scope apply as everywhere) and its supplier lead times, put together by
forecast/plan.py.

Lead times are one aggregated statement per data version and scope, cached here in the
process (they only change with the data). Forecasts are read from the app-state
database (app_state/forecasts.py), never computed here: the background job does that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from app_state.forecasts import ForecastRun, latest_run, load_series, runs_of
from components.kit.render_memo import frame_digest
from data_connectors import active
from forecast.plan import build_plan, sku_lead_times
from metrics.lead_times import lead_time_query, run_lead_times
from metrics.query import MetricQuery
from metrics.replenishment import Policy
from metrics.scope import apply_scope

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


_leads: OrderedDict[str, tuple[pd.DataFrame, pd.DataFrame]] = OrderedDict()
_plans: OrderedDict[str, Plan] = OrderedDict()
_lock = threading.Lock()


def lead_frames(source: str, as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(lead times by supplier and SKU, by supplier) over the LEAD_DAYS to as-of, in the
    caller's scope; cached per source, data version and scope."""
    src = active.current_source(source)
    start = as_of - timedelta(days=LEAD_DAYS - 1)
    by_sku = apply_scope(lead_time_query(start, as_of, ("supplier", "sku")))
    key = f"{src.name}|{active.query_cache().version(src)}|{by_sku.cache_key()}"
    with _lock:
        found = _leads.get(key)
    if found is None:
        by_supplier = apply_scope(lead_time_query(start, as_of, ("supplier",)))
        found = (run_lead_times(src, by_sku), run_lead_times(src, by_supplier))
        with _lock:
            _leads[key] = found
            while len(_leads) > 32:
                _leads.popitem(last=False)
    return found


def forecasts_from(run: ForecastRun, as_of: date) -> tuple[pd.DataFrame, np.ndarray]:
    """The run's forecasts, their paths starting the day after `as_of` (a run made on
    older data loses the days already past)."""
    frame, paths = load_series(run.id)
    skip = (as_of - run.origin).days
    if 0 < skip < paths.shape[1] - 7:
        paths = paths[:, skip:]
    return frame, paths


def current_plan(source: str, where: dict[str, list[str]] | None, policy: Policy,
                 suppliers: list[str] | None = None) -> Plan | None:
    """The plan for the filters (None while the source has no stored forecast)."""
    run = latest_run(source)
    if run is None:
        return None
    as_of = active.data_range(source)[1] or run.origin
    stock = active.run(stock_query(as_of, where), source)
    by_sku, by_supplier = lead_frames(source, as_of)
    frame, paths = forecasts_from(run, as_of)
    key = "|".join([source, str(run.id), str(as_of), repr(policy), repr(suppliers),
                    frame_digest(stock), frame_digest(by_sku)])
    with _lock:
        found = _plans.get(key)
    if found is None:  # a plan is pandas work: built once per question, not per screen
        plan = build_plan(stock, frame, paths, sku_lead_times(by_sku, by_supplier), policy,
                          as_of)
        if suppliers:
            plan = plan[plan["supplier"].isin(suppliers)].reset_index(drop=True)
        found = Plan(plan, paths, run, as_of)
        with _lock:
            _plans[key] = found
            while len(_plans) > 16:
                _plans.popitem(last=False)
    found.frame.attrs["stale_since"] = stock.attrs.get("stale_since")
    return found


def job_state(source: str) -> ForecastRun | None:
    """The run in progress or failed for the source's current data, if any."""
    return next((r for r in runs_of(source) if r.status != "done"), None)
