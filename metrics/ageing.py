"""FIFO inventory age (库龄) in SQL.

Under FIFO the units on hand at as-of are the most recent receipts. Per sku-location we
take the stock at the as-of snapshot, walk that location's receipts (up to the snapshot)
from newest to oldest, and let each day's receipts cover what is still uncovered. A unit's
age is as-of − receipt date. Units the receipts in the data cannot cover are "older than
data": aged as if received on the earliest date in the data (a lower bound) and flagged.

A layer is valued at its receipts' unit cost (cost / qty) when they carry cost, else at
the as-of unit value (on_hand_value / on_hand_qty); stock older than data likewise at the
as-of unit value. Receipts with qty ≤ 0 (returns to supplier) do not form layers.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from metrics.context import STOCK, CompileContext
from metrics.sqlfuncs import as_float, days_between


def _data_start(ctx: CompileContext) -> sa.ScalarSelect:
    """The earliest date of any fact in the source (whole source, unfiltered)."""
    parts = [sa.select(sa.func.min(ctx.rel(f).c.date).label("d"))
             for f in ("sales", "receipts", "inventory")]
    u = sa.union_all(*parts).subquery("fact_starts")
    return sa.select(sa.func.min(u.c.d)).scalar_subquery()


def age_bucket_expr(ctx: CompileContext, age: ColumnElement) -> ColumnElement:
    """Bucket label of an age in days, inclusive upper bounds (0-30, 31-60, …, >365)."""
    opts = ctx.query.options
    labels = opts.age_bucket_labels()
    whens = [(age <= upper, label) for upper, label in zip(opts.age_bounds, labels, strict=False)]
    return sa.case(*whens, else_=labels[-1])


def age_bucket_order(ctx: CompileContext, bucket: ColumnElement) -> ColumnElement:
    """Sort key that puts buckets in age order rather than text order."""
    labels = ctx.query.options.age_bucket_labels()
    return sa.case(*[(bucket == label, i) for i, label in enumerate(labels)], else_=len(labels))


def ageing_block(ctx: CompileContext) -> sa.Select:
    i, sku, ps, p = ctx.rel("inventory"), ctx.rel("sku"), ctx.snapshots_cte, ctx.periods_cte
    stock = (
        sa.select(
            ps.c._p, p.c.as_of, ps.c.snap_asof.label("snap"),
            i.c.sku_id, i.c.location_id,
            as_float(i.c.on_hand_qty).label("q"),
            as_float(ctx.stock_value(i, sku)).label("v"),
        )
        .select_from(i.join(ps, i.c.date == ps.c.snap_asof)
                     .join(p, p.c._p == ps.c._p)
                     .outerjoin(sku, sku.c.sku_id == i.c.sku_id))
        # the query's sku/location filters here too (grouped() applies them at the end):
        # the FIFO walk then covers only the pairs that can be shown
        .where(i.c.on_hand_qty > 0, *ctx.pair_filters(i.c.sku_id, i.c.location_id))
        .cte("age_stock")
    )
    r = ctx.rel("receipts")
    layers = (
        sa.select(
            stock.c._p, stock.c.sku_id, stock.c.location_id, r.c.date.label("received"),
            sa.func.sum(as_float(r.c.qty)).label("qty"),
            sa.func.coalesce(sa.func.sum(as_float(r.c.cost)), 0.0).label("cost_known"),
            sa.func.sum(sa.case((r.c.cost.is_(None), as_float(r.c.qty)), else_=0.0))
            .label("qty_no_cost"),
        )
        .select_from(stock.join(r, sa.and_(r.c.sku_id == stock.c.sku_id,
                                           r.c.location_id == stock.c.location_id,
                                           r.c.date <= stock.c.snap, r.c.qty > 0)))
        .group_by(stock.c._p, stock.c.sku_id, stock.c.location_id, r.c.date)
        .cte("age_layers")
    )
    newer = sa.func.sum(layers.c.qty).over(
        partition_by=(layers.c._p, layers.c.sku_id, layers.c.location_id),
        order_by=layers.c.received.desc(), rows=(None, -1))
    stacked = sa.select(layers, sa.func.coalesce(newer, 0.0).label("newer")).cte("age_stacked")

    sl = sa.and_(stacked.c._p == stock.c._p, stacked.c.sku_id == stock.c.sku_id,
                 stacked.c.location_id == stock.c.location_id)
    uncovered = stock.c.q - stacked.c.newer
    taken = sa.case((uncovered < stacked.c.qty, uncovered), else_=stacked.c.qty)
    unit_value = (stacked.c.cost_known + stacked.c.qty_no_cost * stock.c.v / stock.c.q) \
        / stacked.c.qty
    covered_layers = (
        sa.select(
            stock.c._p, stock.c.sku_id, stock.c.location_id,
            days_between(stock.c.as_of, stacked.c.received).label("age"),
            taken.label("units"), (taken * unit_value).label("value"),
            as_float(sa.literal(0.0)).label("older"),
        )
        .select_from(stacked.join(stock, sl))
        .where(uncovered > 0)
    )
    covered_total = (
        sa.select(layers.c._p, layers.c.sku_id, layers.c.location_id,
                  sa.func.sum(layers.c.qty).label("total"))
        .group_by(layers.c._p, layers.c.sku_id, layers.c.location_id)
        .subquery("age_covered")
    )
    older = stock.c.q - sa.func.coalesce(covered_total.c.total, 0.0)
    older_layers = (
        sa.select(
            stock.c._p, stock.c.sku_id, stock.c.location_id,
            days_between(stock.c.as_of, _data_start(ctx)).label("age"),
            older.label("units"), (older * stock.c.v / stock.c.q).label("value"),
            older.label("older"),
        )
        .select_from(stock.outerjoin(covered_total, sa.and_(
            covered_total.c._p == stock.c._p, covered_total.c.sku_id == stock.c.sku_id,
            covered_total.c.location_id == stock.c.location_id)))
        .where(older > 0)
    )
    aged = sa.union_all(covered_layers, older_layers).cte("aged_layers")
    return ctx.grouped(
        aged, aged.c._p, aged.c.sku_id, aged.c.location_id,
        {
            "aged_units_sum": sa.func.sum(aged.c.units),
            "aged_value_sum": sa.func.sum(aged.c.value),
            "aged_unit_days": sa.func.sum(aged.c.units * aged.c.age),
            "older_units_sum": sa.func.sum(aged.c.older),
        },
        STOCK, extra_dims={"age_bucket": age_bucket_expr(ctx, aged.c.age)},
    )
