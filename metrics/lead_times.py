"""Supplier lead times (供应商交期) from receipts: order_date → date, per supplier or per
supplier and SKU, as ONE pushed-down SQL statement (the facts never leave the database).

For receipts that arrived in the period and carry an order date:

    lead time       = date − order_date, in days (negative spans are data errors: skipped)
    mean, spread    = mean and sample standard deviation of the lead times
    on time         = lead time ≤ the supplier's mean lead time in the same period and
                      filters + a grace (default 2 days): the canonical model has no promised
                      date, so a supplier is held to its own usual lead time
    on-time share   = on-time receipts / receipts

The statement reuses the metric compiler's grouping (metrics/context.py): region, channel,
category … filters and the row-level scope mean exactly what they mean for every metric.
The standard deviation comes from Σx and Σx² per group, since not every engine (SQLite)
has STDDEV; pandas only receives one row per group.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import sqlalchemy as sa

from metrics.context import RECEIPTS, CompileContext
from metrics.query import MetricQuery
from metrics.relations import Relations
from metrics.sqlfuncs import as_float, days_between, null_safe_equal

DEFAULT_GRACE_DAYS = 2
LEAD_BY = (("supplier",), ("supplier", "sku"), ("sku",))
# The compiler's grouping wants a period column; lead times have one period (a literal, not
# a parameter, which engines refuse in GROUP BY, nor a bare 0, which means "column 0").
NO_PERIOD = sa.cast(sa.literal_column("0"), sa.Integer())


def lead_time_query(start: object, end: object, by: tuple[str, ...] = ("supplier",),
                    where: dict[str, list[str]] | None = None) -> MetricQuery:
    """The MetricQuery that carries a lead-time question's period, grouping and filters
    (its metric is only a vehicle: lead_time_statement reads the rest)."""
    if tuple(by) not in LEAD_BY:
        raise ValueError(f"lead times group by one of {LEAD_BY}")
    return MetricQuery.create(["received_units"], start, end, by=list(by), where=where)


def _receipts(ctx: CompileContext) -> tuple[sa.FromClause, sa.FromClause, sa.ColumnElement,
                                            tuple[sa.ColumnElement, ...]]:
    """Receipts joined to their SKU, their lead time, and the rows that count."""
    r, sku = ctx.rel("receipts"), ctx.rel("sku")
    lead = days_between(r.c.date, r.c.order_date)
    where = (ctx.in_query_dates(r.c.date), r.c.order_date.is_not(None), lead >= 0)
    return r, sku, lead, where


def lead_time_statement(source: Relations, query: MetricQuery,
                        grace_days: int = DEFAULT_GRACE_DAYS) -> sa.Select:
    """SELECT <group keys>, receipts, Σlead, Σlead², min, max, on-time count, units, cost."""
    usual_ctx = CompileContext(source, replace(query, by=("supplier",)))
    r0, sku0, lead0, where0 = _receipts(usual_ctx)
    usual = usual_ctx.grouped(
        r0.outerjoin(sku0, sku0.c.sku_id == r0.c.sku_id), NO_PERIOD, r0.c.sku_id,
        r0.c.location_id, {"usual": sa.func.avg(as_float(lead0))}, RECEIPTS, fact=r0,
        sku=sku0, where=where0,
    ).cte("usual_lead")

    ctx = CompileContext(source, query)
    r, sku, lead, where = _receipts(ctx)
    base = (r.outerjoin(sku, sku.c.sku_id == r.c.sku_id)
            .join(usual, null_safe_equal(usual.c.supplier, r.c.supplier)))
    on_time = sa.case((as_float(lead) <= usual.c.usual + grace_days, 1), else_=0)
    grouped = ctx.grouped(
        base, NO_PERIOD, r.c.sku_id, r.c.location_id,
        {"receipts": sa.func.count(),
         "lead_sum": sa.func.sum(as_float(lead)),
         "lead_sq": sa.func.sum(as_float(lead) * as_float(lead)),
         "lead_time_min": sa.func.min(lead),
         "lead_time_max": sa.func.max(lead),
         "on_time": sa.func.sum(on_time),
         "received_units": sa.func.sum(r.c.qty),
         "received_cost": sa.func.sum(ctx.receipt_cost(r, sku)),
         "skus": sa.func.count(sa.distinct(r.c.sku_id)),
         "last_receipt": sa.func.max(r.c.date)},
        RECEIPTS, fact=r, sku=sku, where=where,
    ).subquery("lead_times")
    keys = [c for c in grouped.c if c.name != "_p"]
    return sa.select(*keys).order_by(*(grouped.c[k] for k in ctx.key_columns()))


def _std(n: int, total: float, squares: float) -> float | None:
    """Sample standard deviation from a count, Σx and Σx² (None below two values)."""
    if n < 2:
        return None
    variance = (squares - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def lead_time_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """Lead-time statistics per group from lead_time_statement's aggregated rows (the
    query service executes the statement; this only derives mean, spread and shares)."""
    columns = list(raw.columns)
    keys = [c for c in columns if c not in {"receipts", "lead_sum", "lead_sq", "lead_time_min",
                                            "lead_time_max", "on_time", "received_units",
                                            "received_cost", "skus", "last_receipt"}]
    out = raw[keys].copy()
    n = pd.to_numeric(raw["receipts"]).astype("int64")
    total = pd.to_numeric(raw["lead_sum"], errors="coerce").astype("float64")
    squares = pd.to_numeric(raw["lead_sq"], errors="coerce").astype("float64")
    out["receipts"] = n
    out["lead_time_mean"] = total / n.where(n > 0)
    out["lead_time_std"] = [_std(int(k), float(s), float(q))
                            for k, s, q in zip(n, total, squares, strict=True)]
    out["lead_time_std"] = out["lead_time_std"].astype("float64")
    for column in ("lead_time_min", "lead_time_max", "received_units", "received_cost"):
        out[column] = pd.to_numeric(raw[column], errors="coerce").astype("float64")
    out["on_time_share"] = pd.to_numeric(raw["on_time"]).astype("float64") / n.where(n > 0)
    out["skus"] = pd.to_numeric(raw["skus"]).astype("int64")
    out["last_receipt"] = pd.to_datetime(raw["last_receipt"]).dt.date
    return out
