"""An independent, deliberately plain re-implementation of the metric definitions.

This oracle is written from DESIGN.md ("Canonical data model", "Metric definitions") and the
product's interpretation notes only, never from the SQL compiler in `metrics/`, so that the two
implementations can check each other. It favours clarity over speed: facts are prepared once
as pandas frames of plain Python values and then aggregated with small loops and `math.fsum`.

The result of `compute` has the same columns as `python app.py query --format csv`:
the time grain column (if grouped by one), then the group dimensions in the order given (`sku`
followed by `sku_name`, `location` by `location_name`), then the metrics in the order given.
An undefined value is `None`.

The pieces live in small modules: `definitions` (names and metric sources), `cells` (cell
values and arithmetic), `time_buckets`, `source` (`prepare`), `grouping`, `abc_classes` and
`fifo_ageing`. This module combines them per period and keeps the public names importable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from tests.oracle.abc_classes import abc_classes
from tests.oracle.cells import _ratio
from tests.oracle.definitions import (
    _LABEL,
    _SOURCES,
    AGEING_METRICS,
    ALL_METRICS,
    DEFAULT_CHANNEL,
    FLOW_METRICS,
    LOCATION_DIMS,
    RECEIPT_METRICS,
    SKU_DIMS,
    TIME_GRAINS,
    Key,
    Value,
)
from tests.oracle.fifo_ageing import age_bucket_label, ageing_pieces
from tests.oracle.grouping import (
    _filter,
    _group_count,
    _group_distinct,
    _group_sum,
    _in_period,
    _keys,
    _on_date,
)
from tests.oracle.source import _ATTRS, Prepared, _frame, prepare
from tests.oracle.time_buckets import periods

__all__ = [
    "AGEING_METRICS",
    "ALL_METRICS",
    "DEFAULT_CHANNEL",
    "FLOW_METRICS",
    "LOCATION_DIMS",
    "RECEIPT_METRICS",
    "SKU_DIMS",
    "TIME_GRAINS",
    "Prepared",
    "abc_classes",
    "age_bucket_label",
    "ageing_pieces",
    "compute",
    "periods",
    "prepare",
]


# --------------------------------------------------------------------------- one period


def _period_values(
    src: Prepared,
    metrics: Sequence[str],
    start: date,
    end: date,
    as_of: date,
    dims: Sequence[str],
    where: Mapping[str, Sequence[str]],
    dead_stock_days: int,
    age_bounds: Sequence[int],
    abc_cuts: Sequence[float],
) -> dict[Key, dict[str, Value]]:
    """Every metric for every group of one period [start, end] with its as-of date."""
    if "age_bucket" in dims and any(m not in AGEING_METRICS for m in metrics):
        raise ValueError("age_bucket groups ageing metrics only")
    if "supplier" in dims and any(m not in RECEIPT_METRICS for m in metrics):
        raise ValueError("supplier groups receipts metrics only")
    abc = (
        abc_classes(src, start, end, where, abc_cuts)
        if "abc_class" in dims or "abc_class" in where
        else {}
    )
    days = (end - start).days + 1
    snaps = src.snapshot_dates
    inside = [d for d in snaps if start <= d <= end]
    before = [d for d in snaps if d < start]
    n_snap = len(inside)
    asof_snap = max((d for d in snaps if d <= as_of), default=None)
    opening_snap = before[-1] if before else (inside[0] if inside else None)

    sales = _in_period(_filter(src.sales, where, abc), start, end)
    receipts = _in_period(_filter(src.receipts, where, abc), start, end)
    inventory = _filter(src.inventory, where, abc)
    stock = _in_period(inventory, start, end)
    asof = _on_date(inventory, asof_snap)
    opening = _on_date(inventory, opening_snap)

    # Active sku-locations: stock > 0 on a snapshot in the period, or a qty > 0 sale in it.
    all_stock_p = _in_period(src.inventory, start, end)
    all_sales_p = _in_period(src.sales, start, end)
    active = sorted(
        {
            (s, loc)
            for s, loc, q in zip(
                all_stock_p["sku_id"], all_stock_p["location_id"], all_stock_p["qty"], strict=True
            )
            if q > 0
        }
        | {
            (s, loc)
            for s, loc, q in zip(
                all_sales_p["sku_id"], all_sales_p["location_id"], all_sales_p["qty"], strict=True
            )
            if q > 0
        }
    )
    pair_rows = []
    for s, loc in active:
        attrs = src.attributes(s, loc)
        pair_rows.append({**attrs, "channel": attrs["location_channel"], "supplier": None})
    pairs = _filter(_frame(pair_rows, (*_ATTRS, "channel", "supplier")), where, abc)

    # Dead stock: rows at the as-of snapshot with stock and no qty > 0 sale (any channel)
    # of the sku-location in the N days ending at as-of.
    window_start = as_of - timedelta(days=dead_stock_days - 1)
    recent = {
        (s, loc)
        for s, loc, q, d in zip(
            src.sales["sku_id"],
            src.sales["location_id"],
            src.sales["qty"],
            src.sales["date"],
            strict=True,
        )
        if q > 0 and window_start <= d <= as_of
    }
    dead_mask = np.array(
        [
            q > 0 and (s, loc) not in recent
            for s, loc, q in zip(asof["sku_id"], asof["location_id"], asof["qty"], strict=True)
        ],
        dtype=bool,
    )
    dead = asof[dead_mask]

    # Latest sale: qty > 0 sales lines dated on or before as-of, any time (filtered by
    # the query's filters like every sales measure; channel = the sale's channel).
    all_sales = _filter(src.sales, where, abc)
    sold_before = all_sales[np.array(
        [q > 0 and d <= as_of for q, d in zip(all_sales["qty"], all_sales["date"], strict=True)],
        dtype=bool)]
    sold_before = sold_before.assign(since=[(as_of - d).days for d in sold_before["date"]])

    wants_ageing = any(m in AGEING_METRICS for m in metrics)
    pieces = (
        ageing_pieces(src, asof, asof_snap, as_of, age_bounds) if wants_ageing else _frame([], [])
    )

    frames = {
        "sales": sales,
        "receipts": receipts,
        "stock": stock,
        "asof": asof,
        "opening": opening,
        "pairs": pairs,
        "pieces": pieces,
        "last_sale": sold_before,
    }

    cogs = _group_sum(sales, dims, abc, "cost")
    revenue = _group_sum(sales, dims, abc, "revenue")
    units_sold = _group_sum(sales, dims, abc, "qty")
    received_units = _group_sum(receipts, dims, abc, "qty")
    received_cost = _group_sum(receipts, dims, abc, "cost_default")
    stock_value = _group_sum(stock, dims, abc, "value")
    asof_value = _group_sum(asof, dims, abc, "value")
    asof_units = _group_sum(asof, dims, abc, "qty")
    opening_units = _group_sum(opening, dims, abc, "qty")
    dead_value = _group_sum(dead, dims, abc, "value")
    since_sale: dict[Key, float] = {}
    for key, days_since in zip(_keys(sold_before, dims, abc), sold_before["since"], strict=True):
        since_sale[key] = min(since_sale.get(key, days_since), days_since)
    sold_skus = _group_distinct(sales[np.array(sales["qty"] > 0, dtype=bool)], dims, abc, "sku_id")
    stocked_skus = _group_distinct(
        stock[np.array(stock["qty"] > 0, dtype=bool)], dims, abc, "sku_id"
    )
    stocked_rows = _group_count(stock[np.array(stock["qty"] > 0, dtype=bool)], dims, abc)
    active_pairs = _group_count(pairs, dims, abc)
    if wants_ageing and len(pieces):
        pieces = pieces.assign(
            weighted=[u * a for u, a in zip(pieces["units"], pieces["age"], strict=True)]
        )
        older = pieces[np.array(pieces["older"], dtype=bool)]
        aged_units = _group_sum(pieces, dims, abc, "units")
        aged_value = _group_sum(pieces, dims, abc, "piece_value")
        aged_weighted = _group_sum(pieces, dims, abc, "weighted")
        older_units = _group_sum(older, dims, abc, "units")
    else:
        aged_units, aged_value, aged_weighted, older_units = {}, {}, {}, {}

    if dims:
        keys: set[Key] = set()
        for metric in metrics:
            for source in _SOURCES[metric]:
                if len(frames[source]):
                    keys.update(_keys(frames[source], dims, abc))
    else:
        keys = {()}

    out: dict[Key, dict[str, Value]] = {}
    for key in keys:
        c = cogs.get(key, 0.0)
        rev = revenue.get(key, 0.0)
        sold = units_sold.get(key, 0.0)
        gm = rev - c
        avg_inv = None if n_snap == 0 else stock_value.get(key, 0.0) / n_snap
        turnover = _ratio(c, avg_inv)
        turnover_days = _ratio(float(days), turnover)
        # Product decision: with no source snapshot on or before as-of (or none to open the
        # period), stock-at-a-date measures are unknown (None), not zero.
        no_asof = asof_snap is None
        inv_value = None if no_asof else asof_value.get(key, 0.0)
        n_pairs = active_pairs.get(key, 0) * n_snap
        dead_v = dead_value.get(key, 0.0)
        units = aged_units.get(key, 0.0)
        values: dict[str, Value] = {
            "cogs": c,
            "revenue": rev,
            "units_sold": sold,
            "gross_margin": gm,
            "received_units": received_units.get(key, 0.0),
            "received_cost": received_cost.get(key, 0.0),
            "avg_inventory_value": avg_inv,
            "inventory_value": inv_value,
            "turnover": turnover,
            "turnover_days": turnover_days,
            "annualized_turnover": _ratio(365.0, turnover_days),
            "sell_through": None if opening_snap is None else _ratio(
                sold, opening_units.get(key, 0.0) + received_units.get(key, 0.0)
            ),
            "gmroi": _ratio(gm, avg_inv),
            "purchase_sales_ratio": _ratio(received_cost.get(key, 0.0), c),
            "movement_rate": _ratio(
                float(len(sold_skus.get(key, set()))), float(len(stocked_skus.get(key, set())))
            ),
            "stockout_rate": _ratio(float(n_pairs - stocked_rows.get(key, 0)), float(n_pairs)),
            "days_of_supply": None if no_asof else _ratio(asof_units.get(key, 0.0), sold / days),
            "on_hand_units": None if no_asof else asof_units.get(key, 0.0),
            "days_since_last_sale": since_sale.get(key),
            "dead_stock_value": None if no_asof else dead_v,
            "dead_stock_share": None if no_asof else _ratio(dead_v, inv_value),
            "aged_units": None if no_asof else units,
            "aged_value": None if no_asof else aged_value.get(key, 0.0),
            "average_age_days": None if no_asof else _ratio(aged_weighted.get(key, 0.0), units),
            "units_older_than_data": None if no_asof else older_units.get(key, 0.0),
        }
        out[key] = {m: values[m] for m in metrics}
    return out


# --------------------------------------------------------------------------- public entry


def _sort_key(values: Iterable[Any]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, "" if v is None else str(v)) for v in values)


def compute(
    tables: Mapping[str, pd.DataFrame] | Prepared,
    metrics: Sequence[str],
    start: date,
    end: date,
    by: Sequence[str] = (),
    where: Mapping[str, Sequence[str]] | None = None,
    as_of: date | None = None,
    dead_stock_days: int = 90,
    age_bounds: Sequence[int] = (30, 60, 90, 180, 365),
    abc_cuts: Sequence[float] = (0.8, 0.95),
) -> pd.DataFrame:
    """The query's result frame, computed independently of the SQL implementation.

    `tables` maps the canonical entity names to frames with canonical columns (missing values
    as None/NaN). Columns of the result: [time grain] + dims (sku → sku, sku_name;
    location → location, location_name) + metrics. Undefined values are None.
    """
    unknown = [m for m in metrics if m not in ALL_METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}")
    where = dict(where or {})
    src = tables if isinstance(tables, Prepared) else prepare(tables)
    grains = [d for d in by if d in TIME_GRAINS]
    if len(grains) > 1:
        raise ValueError("at most one time grain")
    grain = grains[0] if grains else None
    dims = [d for d in by if d not in TIME_GRAINS]
    query_as_of = as_of or end

    columns: list[str] = [grain] if grain else []
    for d in dims:
        columns.append(d)
        if d in _LABEL:
            columns.append(_LABEL[d])
    columns.extend(metrics)

    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for label, p_start, p_end in periods(grain, start, end):
        p_as_of = min(p_end, query_as_of)
        values = _period_values(
            src,
            metrics,
            p_start,
            p_end,
            p_as_of,
            dims,
            where,
            dead_stock_days,
            age_bounds,
            abc_cuts,
        )
        for key, metric_values in values.items():
            row: dict[str, Any] = {grain: label} if grain else {}
            for d, v in zip(dims, key, strict=True):
                row[d] = v
                if d == "sku":
                    row["sku_name"] = src.skus.get(v, {}).get("sku_name")
                elif d == "location":
                    row["location_name"] = src.locations.get(v, {}).get("location_name")
            row.update(metric_values)
            rows.append(((label or "", *_sort_key(key)), row))
    rows.sort(key=lambda item: item[0])
    return pd.DataFrame([r for _, r in rows], columns=columns, dtype=object)
