"""The query service: the one way the product runs a question against a source.

Pages, components, the API, the CLI, the wall, forecasts and (next) alerts hand it a
MetricQuery — or a lead-time question, forecast-history statements, a dimension's values
— together with the Principal it runs for. The service narrows the question to that
principal's scope, answers from the cache (keyed by the scope: two scopes never share an
entry), computes a miss once however many callers ask at the same moment, executes the
SQL (service/execute.py, where database errors are mapped once), and during an outage
falls back on the last good answer with `attrs["stale_since"]` set.

`source` is a configured source's name (None: the default) or an already-open Source
(the command line opens one from --db/--url).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import date, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from cachetools import LRUCache

from data_connectors.source import Source
from metrics.compiler import compile_query
from metrics.lead_times import DEFAULT_GRACE_DAYS, lead_time_frame, lead_time_statement
from metrics.query import MetricQuery
from service import sources
from service.execute import fetch, fetch_rows
from service.principal import Principal, require


def run(principal: Principal, query: MetricQuery,
        source: str | Source | None = None) -> pd.DataFrame:
    """The query's rows in the principal's scope: one row per group, undefined ratios NaN."""
    principal = require(principal)
    src = sources.resolve(source)
    query = principal.narrow(query)  # before the key: scopes never share an answer
    key = f"metrics|{principal.cache_key}|{query.cache_key()}"
    return sources.query_cache().run(src, key, lambda: _metric_rows(src, query))


def evaluate(principal: Principal, query: MetricQuery,
             source: str | Source | None = None) -> pd.DataFrame:
    """The same rows read now, bypassing the cache: for checks and tests that must see the
    database as it is (and compare it with an independent computation)."""
    principal = require(principal)
    return _metric_rows(sources.resolve(source), principal.narrow(query))


def _metric_rows(src: Source, query: MetricQuery) -> pd.DataFrame:
    compiled = compile_query(src, query)
    frame = fetch(src, compiled.statement, "metric query")
    frame.columns = list(compiled.columns)
    for m in query.metrics:
        frame[m] = pd.to_numeric(frame[m], errors="coerce").astype("float64")
    return frame


def lead_times(principal: Principal, query: MetricQuery, source: str | Source | None = None,
               grace_days: int = DEFAULT_GRACE_DAYS) -> pd.DataFrame:
    """Supplier lead-time statistics per group (metrics/lead_times.py) in the scope."""
    principal = require(principal)
    src = sources.resolve(source)
    query = principal.narrow(query)
    key = f"lead|{grace_days}|{principal.cache_key}|{query.cache_key()}"
    return sources.query_cache().run(src, key, lambda: _lead_rows(src, query, grace_days))


def evaluate_lead_times(principal: Principal, query: MetricQuery,
                        source: str | Source | None = None,
                        grace_days: int = DEFAULT_GRACE_DAYS) -> pd.DataFrame:
    """Lead times read now, bypassing the cache (checks and tests)."""
    principal = require(principal)
    return _lead_rows(sources.resolve(source), principal.narrow(query), grace_days)


def _lead_rows(src: Source, query: MetricQuery, grace_days: int) -> pd.DataFrame:
    return lead_time_frame(fetch(src, lead_time_statement(src, query, grace_days),
                                 "lead times"))


def history_rows(principal: Principal, source: Source, statement: sa.Select) -> list[tuple]:
    """Rows of a forecast-history statement (forecast/history.py). Those statements read
    every SKU-location's daily sales, unscoped: only an all-data principal (the forecast
    job, the CLI) may run them. Not cached: the job reads each window once."""
    principal = require(principal)
    if not principal.all_data:
        raise PermissionError("forecast history is read for all data only")
    return fetch_rows(source, statement, "forecast history")[1]


# ---- filter choices and the data's span (small, cached per data version and scope) ------
_small: LRUCache[Hashable, Any] = LRUCache(maxsize=256)
_small_lock = threading.Lock()


@sources.on_change
def _forget_small() -> None:
    with _small_lock:
        _small.clear()


def _cached_small(key: Hashable, compute: Callable[[], Any]) -> Any:
    with _small_lock:
        if key in _small:
            return _small[key]
    value = compute()
    with _small_lock:
        _small[key] = value
    return value


# The metric dimension behind each (entity, column) a filter lists.
_DIMENSION_OF = {("location", "region"): "region", ("location", "location_id"): "location",
                 ("location", "channel"): "channel", ("location", "location_type"):
                 "location_type", ("sku", "category"): "category", ("sku", "sku_id"): "sku",
                 ("sku", "subcategory"): "subcategory", ("sku", "brand"): "brand",
                 ("receipts", "supplier"): "supplier", ("sales", "channel"): "channel"}
# Measures whose blocks read every fact: a group has a row in scope when one has rows.
_ANY_ROW = ("units_sold", "received_units", "avg_inventory_value")


def _distinct(src: Source, entity: str, column: str) -> list[str]:
    frame = fetch(src, src.distinct_statement(entity, column), "dimension values")
    return sorted(str(v) for v in frame.iloc[:, 0])


def _scoped_values(principal: Principal, src: Source, entity: str, column: str) -> list[str]:
    """Values of the dimension with at least one sales, receipt or stock row in the
    principal's scope, over all the data: an East manager's SKU, location and supplier
    lists hold only what East has (issue 23: names follow scope)."""
    dim = _DIMENSION_OF.get((entity, column))
    if dim is None:  # not a dimension the scope can narrow: nothing is listed
        return []
    first, last = data_range(principal, src)
    if first is None or last is None:
        return []
    metrics = ["received_units"] if dim == "supplier" else list(_ANY_ROW)
    frame = run(principal, MetricQuery.create(metrics, first, last, by=[dim]), src)
    return sorted({str(v) for v in frame[dim] if v is not None and v == v})


def dimension_values(principal: Principal, entity: str, column: str,
                     source: str | Source | None = None) -> list[str]:
    """Choices for a filter dropdown: all values of the dimension table for an all-data
    principal; for a scoped one only the values with a row in its scope. Cached per data
    version and scope."""
    principal = require(principal)
    src = sources.resolve(source)
    key = ("values", sources.version_key(src), principal.cache_key, entity, column)
    if principal.all_data:
        return list(_cached_small(key, lambda: _distinct(src, entity, column)))
    return list(_cached_small(key, lambda: _scoped_values(principal, src, entity, column)))


def channel_values(principal: Principal, source: str | Source | None = None) -> list[str]:
    """Channels of locations and of sales lines (a store can sell online); for a scoped
    principal, those with a row in its scope."""
    principal = require(principal)
    src = sources.resolve(source)
    if not principal.all_data:
        return dimension_values(principal, "sales", "channel", src)
    key = ("channels", sources.version_key(src), principal.cache_key)
    return list(_cached_small(key, lambda: sorted(
        set(_distinct(src, "location", "channel")) | set(_distinct(src, "sales", "channel")))))


def data_range(principal: Principal,
               source: str | Source | None = None) -> tuple[date | None, date | None]:
    """First and last date of the data; presets like "last 30 days" end at the last one.
    The source's whole span (not narrowed: every scope's periods end at the same day);
    cached per data version."""
    require(principal)
    src = sources.resolve(source)
    return _cached_small(("range", sources.version_key(src)),
                         lambda: read_data_range(principal, src))


def read_data_range(principal: Principal,
                    source: str | Source | None = None) -> tuple[date | None, date | None]:
    """The same, read now (the forecast job must see a company database's new days even
    when the source writes no data version)."""
    require(principal)
    src = sources.resolve(source)
    row = fetch(src, src.date_range_statement(), "date range")
    return as_date(row.iloc[0, 0]), as_date(row.iloc[0, 1])


def as_date(value: object) -> date | None:
    """A driver's date (date, datetime, ISO text, NULL) as a date."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
