"""Blocks answered from the source's rollups (data_connectors/rollups.py) when they can be.

A rollup holds the facts summed per (date, location, category[, sales channel]), so it
answers a block exactly when the block's needed measures are plain sums and every
dimension the query groups or filters by (its scope included) is a key of the rollup or
an attribute of the location (the active-pair runs keep sku and location, so they serve
the stockout rate under any dimension). Distinct counts (SKUs sold or stocked), sku-level
dimensions (sku, brand, subcategory), suppliers, ABC classes and age buckets go to the
facts. Each function returns None when the facts must be read; the blocks in
metrics/blocks.py ask here first.

The rollups are used only while they were built from the current data (same data
version, `Relations.current_rollups`), checked once per compiled query.
"""

from __future__ import annotations

import sqlalchemy as sa

from metrics.context import RECEIPTS, SALES, STOCK, CompileContext
from metrics.sqlfuncs import date_param

# Dimensions a rollup can group and filter by (category is its own column; the location's
# attributes come through location_id; channel is the sales line's, else the location's).
ROLLUP_DIMS = frozenset({"category", "location", "region", "location_type", "channel"})


def _rollup(ctx: CompileContext, fact: str, measures: set[str]) -> sa.FromClause | None:
    """The fact's rollup if it can answer the `measures` this block must produce."""
    rel = ctx.rollups.get(fact)
    if rel is None or ctx.needed_measures is None:
        return None
    if not ctx.needed_measures & measures:
        return None
    dims = set(ctx.query.group_dims) | set(ctx.query.filters())
    if not dims <= ROLLUP_DIMS:
        return None
    return rel.alias()


def _summed(ctx: CompileContext, fact: str, kind: str, sums: dict[str, str],
            unsupported: set[str]) -> sa.Select | None:
    """Base measures summed over each period's days from a fact's rollup: `sums` maps a
    base measure to the rollup column it sums. None when the query needs a measure in
    `unsupported` (the caller reads the facts) or the rollup cannot serve it."""
    if ctx.needed_measures is not None and ctx.needed_measures & unsupported:
        return None
    r = _rollup(ctx, fact, set(sums))
    if r is None:
        return None
    rows, period = ctx.in_periods(r, r.c.date)
    return ctx.grouped(
        rows, period, sa.null(), r.c.location_id,
        {name: sa.func.sum(r.c[column]) for name, column in sums.items()},
        kind, fact=r if kind == SALES else None,  # a sales line's own channel
        extra_dims={"category": r.c.category}, where=(ctx.in_query_dates(r.c.date),),
    )


def sales(ctx: CompileContext, unsupported: set[str]) -> sa.Select | None:
    """cogs, revenue and units sold by period from the sales rollup."""
    return _summed(ctx, "sales", SALES, {"cogs_sum": "cost", "revenue_sum": "revenue",
                                         "units_sold_sum": "qty"}, unsupported)


def receipts(ctx: CompileContext) -> sa.Select | None:
    return _summed(ctx, "receipts", RECEIPTS, {"received_units_sum": "qty",
                                               "received_cost_sum": "cost"}, set())


def stock_period(ctx: CompileContext, unsupported: set[str]) -> sa.Select | None:
    """Stock value summed over the period's snapshots and stocked (pair, date) rows."""
    return _summed(ctx, "inventory", STOCK, {"inventory_value_sum": "value",
                                             "stocked_pairs_dates": "stocked"}, unsupported)


def at_snapshot(ctx: CompileContext, column: str,
                measures: dict[str, str]) -> sa.Select | None:
    """Stock at one snapshot per period (as-of or opening): `measures` maps a base
    measure to the rollup column it sums ("value" or "qty")."""
    r = _rollup(ctx, "inventory", set(measures))
    if r is None:
        return None
    ps = ctx.snapshots_cte
    base = r.join(ps, r.c.date == ps.c[column])
    return ctx.grouped(base, ps.c._p, sa.null(), r.c.location_id,
                       {name: sa.func.sum(r.c[col]) for name, col in measures.items()},
                       STOCK, extra_dims={"category": r.c.category})


def active(ctx: CompileContext) -> sa.Select | None:
    """Sku-locations active in each period, from the runs of active days: a pair is
    active in a period when one of its runs overlaps it. Any dimension the facts allow
    works here too (the runs keep sku_id and location_id)."""
    runs = ctx.rollups.get("active")
    if runs is None:
        return None
    r, p = runs.alias(), ctx.periods_cte
    overlaps = sa.and_(r.c.run_start <= p.c.p_end, r.c.run_end >= p.c.p_start)
    pairs = (
        sa.select(p.c._p, r.c.sku_id, r.c.location_id)
        .select_from(r.join(p, overlaps))
        .where(r.c.run_start <= date_param(ctx.query.end),
               r.c.run_end >= date_param(ctx.query.start))
        .distinct()
        .cte("active_pairs")
    )
    return ctx.grouped(pairs, pairs.c._p, pairs.c.sku_id, pairs.c.location_id,
                       {"active_pairs": sa.func.count()}, STOCK)
