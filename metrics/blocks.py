"""Blocks: one aggregate query per fact, producing base measures per (period, group).

Each block returns SELECT _p, <group keys>, <base measures> … GROUP BY; the compiler runs
only the blocks its metrics need and joins them on the group keys. "Sales" below means a
sales line with qty > 0 (a SKU with only returns did not sell).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from metrics import rollup_blocks
from metrics.ageing import ageing_block
from metrics.context import RECEIPTS, SALES, STOCK, CompileContext
from metrics.sqlfuncs import date_param, days_between


def _fact_with_sku(ctx: CompileContext, entity: str) -> tuple[
        sa.FromClause, sa.FromClause, sa.FromClause, ColumnElement]:
    """A fact's rows with their period index, joined to sku (whose unit cost fills a
    missing cost or value): (fact, sku, rows, period)."""
    fact, sku = ctx.rel(entity), ctx.rel("sku")
    rows, period = ctx.in_periods(fact, fact.c.date)
    return fact, sku, rows.outerjoin(sku, sku.c.sku_id == fact.c.sku_id), period


def sales_block(ctx: CompileContext) -> sa.Select:
    rolled = rollup_blocks.sales(ctx, unsupported={"skus_sold"})
    if rolled is not None:
        return rolled
    s, sku, base, period = _fact_with_sku(ctx, "sales")
    return ctx.grouped(
        base, period, s.c.sku_id, s.c.location_id,
        {
            "cogs_sum": sa.func.sum(ctx.sales_cost(s, sku)),
            "revenue_sum": sa.func.sum(s.c.revenue),
            "units_sold_sum": sa.func.sum(s.c.qty),
            "skus_sold": sa.func.count(sa.distinct(sa.case((s.c.qty > 0, s.c.sku_id)))),
        },
        SALES, fact=s, sku=sku, where=(ctx.in_query_dates(s.c.date),),
    )


def receipts_block(ctx: CompileContext) -> sa.Select:
    rolled = rollup_blocks.receipts(ctx)
    if rolled is not None:
        return rolled
    r, sku, base, period = _fact_with_sku(ctx, "receipts")
    return ctx.grouped(
        base, period, r.c.sku_id, r.c.location_id,
        {"received_units_sum": sa.func.sum(r.c.qty),
         "received_cost_sum": sa.func.sum(ctx.receipt_cost(r, sku))},
        RECEIPTS, fact=r, sku=sku, where=(ctx.in_query_dates(r.c.date),),
    )


def stock_period_block(ctx: CompileContext) -> sa.Select:
    """Sums over every snapshot row inside the period: the numerator of the average
    inventory (divided later by the source's snapshot count), SKUs with stock, and
    stocked (sku-location, date) pairs for the stockout rate."""
    rolled = rollup_blocks.stock_period(ctx, unsupported={"skus_stocked"})
    if rolled is not None:
        return rolled
    i, sku, base, period = _fact_with_sku(ctx, "inventory")
    stocked = i.c.on_hand_qty > 0
    return ctx.grouped(
        base, period, i.c.sku_id, i.c.location_id,
        {
            "inventory_value_sum": sa.func.sum(ctx.stock_value(i, sku)),
            "skus_stocked": sa.func.count(sa.distinct(sa.case((stocked, i.c.sku_id)))),
            "stocked_pairs_dates": sa.func.sum(sa.case((stocked, 1), else_=0)),
        },
        STOCK, sku=sku, where=(ctx.in_query_dates(i.c.date),),
    )


def _at_snapshot(ctx: CompileContext, column: str) -> tuple[sa.FromClause, sa.FromClause,
                                                            sa.FromClause, sa.FromClause]:
    """Inventory rows of the snapshot named by `column` of the period-snapshots CTE."""
    i, sku, ps = ctx.rel("inventory"), ctx.rel("sku"), ctx.snapshots_cte
    base = i.join(ps, i.c.date == ps.c[column]).outerjoin(sku, sku.c.sku_id == i.c.sku_id)
    return base, i, sku, ps


def stock_asof_block(ctx: CompileContext) -> sa.Select:
    rolled = rollup_blocks.at_snapshot(ctx, "snap_asof",
                                       {"asof_value": "value", "asof_units": "qty"})
    if rolled is not None:
        return rolled
    base, i, sku, ps = _at_snapshot(ctx, "snap_asof")
    return ctx.grouped(
        base, ps.c._p, i.c.sku_id, i.c.location_id,
        {"asof_value": sa.func.sum(ctx.stock_value(i, sku)),
         "asof_units": sa.func.sum(i.c.on_hand_qty)},
        STOCK, sku=sku,
    )


def dead_stock_block(ctx: CompileContext) -> sa.Select:
    """Value at as-of of sku-locations with stock and no sale (any channel) in the N days
    ending at as-of; the sales window may reach back before the period's start."""
    s, p = ctx.rel("sales"), ctx.periods_cte
    # Two predicates that change no result but let the engine skip most sales lines: the
    # windows' overall span (pruned on the date before the range join), and the query's
    # sku and location filters (a pair outside them has no stock row in this block
    # anyway). At 10M sales lines on DuckDB they took a region's dead stock from ~70 ms to
    # ~30 ms; the distinct over every recent sale was most of the board's card query.
    span = s.c.date.between(date_param(min(q.dead_from for q in ctx.periods)),
                            date_param(max(q.as_of for q in ctx.periods)))
    recent = (
        sa.select(p.c._p, s.c.sku_id, s.c.location_id)
        .select_from(s.join(p, s.c.date.between(p.c.dead_from, p.c.as_of)))
        .where(s.c.qty > 0, span, *ctx.pair_filters(s.c.sku_id, s.c.location_id))
        .distinct()
        .cte("recent_sales")
    )
    base, i, sku, ps = _at_snapshot(ctx, "snap_asof")
    base = base.outerjoin(recent, sa.and_(recent.c._p == ps.c._p,
                                          recent.c.sku_id == i.c.sku_id,
                                          recent.c.location_id == i.c.location_id))
    dead = sa.and_(i.c.on_hand_qty > 0, recent.c.sku_id.is_(None))
    return ctx.grouped(
        base, ps.c._p, i.c.sku_id, i.c.location_id,
        {"dead_value": sa.func.sum(sa.case((dead, ctx.stock_value(i, sku)), else_=0))},
        STOCK, sku=sku,
    )


def stock_open_block(ctx: CompileContext) -> sa.Select:
    rolled = rollup_blocks.at_snapshot(ctx, "snap_open", {"opening_units": "qty"})
    if rolled is not None:
        return rolled
    base, i, sku, ps = _at_snapshot(ctx, "snap_open")
    return ctx.grouped(base, ps.c._p, i.c.sku_id, i.c.location_id,
                       {"opening_units": sa.func.sum(i.c.on_hand_qty)}, STOCK, sku=sku)


def last_sale_block(ctx: CompileContext) -> sa.Select:
    """Days from each group's latest sale (any time up to as-of) to as-of."""
    s, p = ctx.rel("sales"), ctx.periods_cte
    base = s.join(p, s.c.date <= p.c.as_of)
    return ctx.grouped(
        base, p.c._p, s.c.sku_id, s.c.location_id,
        {"days_since_sale": sa.func.min(days_between(p.c.as_of, s.c.date))},
        SALES, fact=s, where=(s.c.qty > 0,),
    )


def active_block(ctx: CompileContext) -> sa.Select:
    """Sku-locations active in the period: stock on some snapshot, or a sale."""
    rolled = rollup_blocks.active(ctx)
    if rolled is not None:
        return rolled
    i, s = ctx.rel("inventory"), ctx.rel("sales")
    i_rows, i_period = ctx.in_periods(i, i.c.date)
    s_rows, s_period = ctx.in_periods(s, s.c.date)
    stocked = (
        sa.select(i_period.label("_p"), i.c.sku_id, i.c.location_id)
        .select_from(i_rows)
        .where(i.c.on_hand_qty > 0, ctx.in_query_dates(i.c.date))
    )
    sold = (
        sa.select(s_period.label("_p"), s.c.sku_id, s.c.location_id)
        .select_from(s_rows)
        .where(s.c.qty > 0, ctx.in_query_dates(s.c.date))
    )
    active = sa.union(stocked, sold).cte("active_pairs")
    return ctx.grouped(active, active.c._p, active.c.sku_id, active.c.location_id,
                       {"active_pairs": sa.func.count()}, STOCK)


BLOCKS: dict[str, Callable[[CompileContext], sa.Select]] = {
    "sales": sales_block,
    "receipts": receipts_block,
    "stock_period": stock_period_block,
    "stock_asof": stock_asof_block,
    "dead_stock": dead_stock_block,
    "stock_open": stock_open_block,
    "active": active_block,
    "last_sale": last_sale_block,
    "ageing": ageing_block,
}
