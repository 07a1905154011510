"""MetricQuery → ONE SQL statement (SQLAlchemy Core, dialect-neutral).

Shape of the statement:

    WITH periods, [period_snapshots], <one CTE per needed block>,
         keys AS (the union of the blocks' group keys, or all periods when ungrouped)
    SELECT [time label], <group keys>, <metric formulas over base measures>
    FROM keys JOIN periods LEFT JOIN period_snapshots LEFT JOIN <each block> …

Blocks are joined on null-safe key equality (a SKU without a brand is still a group), and
a group missing from a block has 0 for that block's sums; ratios over zero are NULL.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from metrics.ageing import age_bucket_order
from metrics.blocks import BLOCKS
from metrics.context import CompileContext
from metrics.query import MetricQuery
from metrics.registry import BASE_MEASURES, METRICS, NULLABLE_BASE_MEASURES
from metrics.relations import Relations
from metrics.sqlfuncs import as_float, null_safe_equal

# Blocks that read stock at one snapshot date: without that snapshot their values are
# unknown (NULL) rather than zero.
SNAPSHOT_OF_BLOCK = {"stock_asof": "snap_asof", "dead_stock": "snap_asof",
                     "ageing": "snap_asof", "stock_open": "snap_open"}


@dataclass(frozen=True)
class CompiledQuery:
    statement: sa.Select
    columns: tuple[str, ...]  # output column names, in order
    key_columns: tuple[str, ...]  # the group columns (time label first), no metrics


def needed_base_measures(metric_ids: tuple[str, ...]) -> set[str]:
    """Base measures the formulas of `metric_ids` read, found by tracing them."""
    seen: set[str] = set()

    def trace(name: str) -> ColumnElement:
        if name in BASE_MEASURES:
            seen.add(name)
        else:
            METRICS[name].formula(trace)
        return sa.literal_column("0")

    for m in metric_ids:
        trace(m)
    return seen


def compile_query(source: Relations, query: MetricQuery) -> CompiledQuery:
    bases = needed_base_measures(query.metrics)
    ctx = CompileContext(source, query, needed_measures=frozenset(bases))
    block_names = sorted({BASE_MEASURES[b] for b in bases} - {"period"},
                         key=list(BLOCKS).index)
    blocks = {name: BLOCKS[name](ctx).cte(f"block_{name}") for name in block_names}

    p = ctx.periods_cte
    key_cols = ctx.key_columns()
    if key_cols:
        keys = sa.union(*(sa.select(b.c._p, *(b.c[k] for k in key_cols))
                          for b in blocks.values())).cte("group_keys")
    else:
        keys = sa.select(p.c._p).cte("group_keys")

    frm = keys.join(p, p.c._p == keys.c._p)
    needs_snapshots = "snapshot_count" in bases or bool(
        set(block_names) & set(SNAPSHOT_OF_BLOCK))
    if needs_snapshots:
        snaps = ctx.snapshots_cte
        frm = frm.outerjoin(snaps, snaps.c._p == keys.c._p)
    for b in blocks.values():
        cond = sa.and_(b.c._p == keys.c._p,
                       *(null_safe_equal(b.c[k], keys.c[k]) for k in key_cols))
        frm = frm.outerjoin(b, cond)

    resolved: dict[str, ColumnElement] = {}

    def resolve(name: str) -> ColumnElement:
        if name not in resolved:
            if name == "days":
                resolved[name] = p.c.days
            elif name == "snapshot_count":
                resolved[name] = sa.func.coalesce(ctx.snapshots_cte.c.snapshot_count, 0)
            elif name in BASE_MEASURES:
                block = BASE_MEASURES[name]
                value = blocks[block].c[name]
                if name not in NULLABLE_BASE_MEASURES:
                    value = sa.func.coalesce(value, 0)
                snapshot = SNAPSHOT_OF_BLOCK.get(block)
                if snapshot:  # no snapshot to read stock from: unknown, not zero
                    value = sa.case((ctx.snapshots_cte.c[snapshot].is_(None), None),
                                    else_=value)
                resolved[name] = value
            else:
                resolved[name] = METRICS[name].formula(resolve)
        return resolved[name]

    grain = query.time_grain
    out_keys: list[ColumnElement] = [p.c.label.label(grain)] if grain else []
    out_keys += [keys.c[k] for k in key_cols]
    metric_cols = [as_float(resolve(m)).label(m) for m in query.metrics]
    order_keys = [p.c._p.label("_p")]
    if "age_bucket" in key_cols:
        order_keys.append(age_bucket_order(ctx, keys.c.age_bucket).label("_age_order"))
    result = sa.select(*out_keys, *metric_cols, *order_keys).select_from(frm).subquery("result")
    key_names = ((grain,) if grain else ()) + tuple(key_cols)
    columns = key_names + tuple(query.metrics)
    return CompiledQuery(_finish(result, query, columns, key_cols), columns, key_names)


_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        "=": operator.eq, "!=": operator.ne}


def _finish(result: sa.Subquery, query: MetricQuery, columns: tuple[str, ...],
            key_cols: list[str]) -> sa.Select:
    """The outer SELECT: metric filters (having), the caller's sort, then time and group
    order, and top-N. NULLs sort last whatever the direction, on every engine."""
    order: list[ColumnElement] = []
    for name, descending in query.sort:
        col = result.c[name]
        order += [sa.case((col.is_(None), 1), else_=0), col.desc() if descending else col]
    order.append(result.c._p)
    for k in key_cols:
        order.append(result.c._age_order if k == "age_bucket" else result.c[k])
    statement = (
        sa.select(*(result.c[c] for c in columns))
        .where(*(_OPS[op](result.c[m], value) for m, op, value in query.having))
        .order_by(*order)
    )
    return statement.limit(query.limit) if query.limit else statement
