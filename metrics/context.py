"""Shared pieces of one query's compilation: the periods, snapshot dates, normalised
columns (DESIGN.md defaults) and the one grouping/filtering routine every block uses.

Blocks (metrics/blocks.py, ageing.py) only say *what* to sum over *which* rows; this
module decides how those rows get their dimension values and filters, so "channel", a
region filter or a user's scope mean the same thing in every block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from canonical.model import DEFAULT_CHANNEL
from metrics.dimensions import DIMENSIONS
from metrics.errors import QueryError
from metrics.periods import Period, split_periods
from metrics.query import MetricQuery
from metrics.registry import BASE_MEASURES
from metrics.relations import Relations
from metrics.sqlfuncs import date_param, int_param, text_param

# Which fact a block's rows are: decides the meaning of "channel" and "supplier".
SALES, RECEIPTS, STOCK = "sales", "receipts", "stock"
# Up to this many periods a fact row's period is a CASE expression (see in_periods).
MAX_CASE_PERIODS = 120


@dataclass
class CompileContext:
    source: Relations
    query: MetricQuery
    periods: list[Period] = field(init=False)
    # Base measures the query's formulas read (set by the compiler): a block computes only
    # these. Its distinct counts cost DuckDB a second aggregation over every fact row, so
    # a trend of turnover days must not pay for the movement rate's SKU counts.
    needed_measures: frozenset[str] | None = None

    def __post_init__(self) -> None:
        q = self.query
        self.periods = split_periods(q.start, q.end, q.as_of, q.time_grain,
                                     q.options.dead_stock_days)

    # --- relations and normalised columns -------------------------------------------
    def rel(self, entity: str) -> sa.FromClause:
        """A fresh alias, so a block can join an entity without clashing with another."""
        return self.source.relation(entity).alias()

    @staticmethod
    def sales_cost(sales: sa.FromClause, sku: sa.FromClause) -> ColumnElement:
        """DESIGN.md: a missing sales.cost is qty × sku.unit_cost."""
        return sa.func.coalesce(sales.c.cost, sales.c.qty * sku.c.unit_cost)

    @staticmethod
    def receipt_cost(receipts: sa.FromClause, sku: sa.FromClause) -> ColumnElement:
        """Like sales: a missing receipts.cost is qty × sku.unit_cost (FIFO ageing keeps
        DESIGN.md's own rule and values cost-less layers at the as-of unit value)."""
        return sa.func.coalesce(receipts.c.cost, receipts.c.qty * sku.c.unit_cost)

    @staticmethod
    def stock_value(inv: sa.FromClause, sku: sa.FromClause) -> ColumnElement:
        """DESIGN.md: a missing on_hand_value is on_hand_qty × sku.unit_cost."""
        return sa.func.coalesce(inv.c.on_hand_value, inv.c.on_hand_qty * sku.c.unit_cost)

    def in_query_dates(self, date_col: ColumnElement) -> ColumnElement:
        """A plain range predicate on the fact's date, letting the engine prune early."""
        return date_col.between(date_param(self.query.start), date_param(self.query.end))

    @cached_property
    def rollups(self) -> Mapping[str, sa.FromClause]:
        """The source's rollups this query may read (metrics/rollup_blocks.py): asked once
        per compiled query; empty when they are absent, switched off or out of date."""
        return self.source.current_rollups()

    # --- assigning fact rows to periods -----------------------------------------------------
    def in_periods(self, fact: sa.FromClause,
                   date_col: ColumnElement) -> tuple[sa.FromClause, ColumnElement]:
        """The fact's rows with the index of the period each date falls in, for blocks that
        sum over [p_start, p_end]. The periods partition [start, end] in time order, so
        the index is a CASE over their end dates: a plain scan that the caller's
        `in_query_dates` predicate prunes. Joining the periods CTE on BETWEEN instead made
        engines run a range join over every fact row (DuckDB: 13 s of a 12-month trend at
        10M sales lines, against 0.2 s for the CASE). Very many periods (a daily trend over
        years) keep the join, whose cost no longer differs much from a long CASE."""
        if len(self.periods) > MAX_CASE_PERIODS:
            p = self.periods_cte
            return fact.join(p, date_col.between(p.c.p_start, p.c.p_end)), p.c._p
        if len(self.periods) == 1:
            return fact, int_param(0)
        whens = [(date_col <= date_param(p.end), int_param(p.index))
                 for p in self.periods[:-1]]
        return fact, sa.case(*whens, else_=int_param(self.periods[-1].index))

    # --- period CTEs --------------------------------------------------------------------
    @cached_property
    def periods_cte(self) -> sa.CTE:
        rows = [
            sa.select(
                int_param(p.index).label("_p"), text_param(p.label).label("label"),
                date_param(p.start).label("p_start"), date_param(p.end).label("p_end"),
                date_param(p.as_of).label("as_of"), date_param(p.dead_from).label("dead_from"),
                int_param(p.days).label("days"),
            )
            for p in self.periods
        ]
        body = rows[0] if len(rows) == 1 else sa.union_all(*rows)
        return body.cte("periods")

    @cached_property
    def snapshots_cte(self) -> sa.CTE:
        """Per period: how many snapshot dates the whole source has in it, the snapshot that
        stands for as-of (latest on or before it), and the opening snapshot (latest before
        start, else the first inside the period) — all independent of filters and groups."""
        # the stock rollup has every snapshot date in ~50× fewer rows than the facts
        rollup = self.rollups.get("inventory")
        inv = rollup.alias() if rollup is not None else self.rel("inventory")
        dates = sa.select(inv.c.date.label("d")).distinct().cte("snapshot_dates")
        p = self.periods_cte
        inside = dates.c.d.between(p.c.p_start, p.c.p_end)
        return (
            sa.select(
                p.c._p,
                sa.func.count(sa.case((inside, 1))).label("snapshot_count"),
                sa.func.max(sa.case((dates.c.d <= p.c.as_of, dates.c.d))).label("snap_asof"),
                sa.func.coalesce(
                    sa.func.max(sa.case((dates.c.d < p.c.p_start, dates.c.d))),
                    sa.func.min(sa.case((inside, dates.c.d))),
                ).label("snap_open"),
            )
            .select_from(p.outerjoin(dates, sa.true()))
            .group_by(p.c._p)
            .cte("period_snapshots")
        )

    # --- grouping -------------------------------------------------------------------------
    def key_columns(self) -> list[str]:
        """Output names of the group keys, with name companions (sku → sku, sku_name)."""
        cols = []
        for d in self.query.group_dims:
            dim = DIMENSIONS[d]
            cols.append(d)
            if dim.name_column:
                cols.append(dim.name_column)
        return cols

    def dimension_expr(self, dim_id: str, kind: str, fact: sa.FromClause | None,
                       sku_id: ColumnElement, location_id: ColumnElement,
                       sku: sa.FromClause, loc: sa.FromClause,
                       extra: Mapping[str, ColumnElement]) -> ColumnElement:
        dim = DIMENSIONS[dim_id]
        if dim_id in extra:
            return extra[dim_id]
        if dim_id == "sku":
            return sku_id
        if dim_id == "location":
            return location_id
        if dim.origin == "sku":
            return sku.c[dim.column]
        if dim.origin == "location":
            return loc.c[dim.column]
        if dim.origin == "channel":
            if kind == SALES and fact is not None:
                return sa.func.coalesce(fact.c.channel, loc.c.channel, DEFAULT_CHANNEL)
            return sa.func.coalesce(loc.c.channel, DEFAULT_CHANNEL)
        if dim.origin == "supplier" and kind == RECEIPTS and fact is not None:
            return fact.c.supplier
        if dim.origin == "abc_class":
            raise AssertionError("abc_class is joined by grouped()")
        raise QueryError(f"{dim_id!r} does not apply to {kind} measures", "by")

    def pair_filters(self, sku_id: ColumnElement,
                     location_id: ColumnElement) -> list[ColumnElement]:
        """The query's filters on sku and location attributes (scope included) as
        conditions on a (sku_id, location_id) pair, for a helper relation that `grouped`
        does not filter itself. Channel filters are left out: they mean different things
        for sales lines and for stock."""
        conds: list[ColumnElement] = []
        for d, values in self.query.filters().items():
            dim = DIMENSIONS[d]
            if d == "sku":
                conds.append(sku_id.in_(values))
            elif d == "location":
                conds.append(location_id.in_(values))
            elif dim.origin == "sku":
                sku = self.rel("sku")
                conds.append(sku_id.in_(sa.select(sku.c.sku_id).correlate(None)
                                        .where(sku.c[dim.column].in_(values))))
            elif dim.origin == "location":
                loc = self.rel("location")
                conds.append(location_id.in_(sa.select(loc.c.location_id).correlate(None)
                                             .where(loc.c[dim.column].in_(values))))
        return conds

    def grouped(
        self,
        base: sa.FromClause,
        period: ColumnElement,
        sku_id: ColumnElement,
        location_id: ColumnElement,
        measures: Mapping[str, ColumnElement],
        kind: str,
        fact: sa.FromClause | None = None,
        extra_dims: Mapping[str, ColumnElement] | None = None,
        where: tuple[ColumnElement, ...] = (),
        sku: sa.FromClause | None = None,
    ) -> sa.Select:
        """SELECT _p, <group keys>, <measures> over `base` joined to sku and location,
        filtered by the query's where ∩ scope, grouped by period and keys.

        Pass `sku` when `base` already joins it (its measures need unit_cost)."""
        extra = dict(extra_dims or {})
        filters = self.query.filters()
        origins = {DIMENSIONS[d].origin for d in (*self.query.group_dims, *filters)
                   if d not in extra}
        frm = base
        if sku is None:  # the caller did not need sku columns for its measures
            sku = self.rel("sku")
            if "sku" in origins:  # … nor do the dimensions: no join over every fact row
                frm = frm.outerjoin(sku, sku.c.sku_id == sku_id)
        loc = self.rel("location")
        if origins & {"location", "channel"}:
            frm = frm.outerjoin(loc, loc.c.location_id == location_id)
        if self.needed_measures is not None:
            measures = {name: e for name, e in measures.items()
                        if name not in BASE_MEASURES or name in self.needed_measures}
        if "abc_class" in self.query.group_dims or "abc_class" in filters:
            abc = self.abc_cte
            frm = frm.outerjoin(abc, sa.and_(abc.c._p == period, abc.c.sku_id == sku_id))
            extra["abc_class"] = abc.c.abc_class

        def expr(d: str) -> ColumnElement:
            return self.dimension_expr(d, kind, fact, sku_id, location_id, sku, loc, extra)

        keys: list[ColumnElement] = []
        for d in self.query.group_dims:
            keys.append(expr(d).label(d))
            name_col = DIMENSIONS[d].name_column
            if name_col:
                keys.append((sku if DIMENSIONS[d].origin == "sku" else loc).c[name_col]
                            .label(name_col))
        conds = [expr(d).in_(values) for d, values in filters.items()]
        return (
            sa.select(period.label("_p"), *keys,
                      *(e.label(name) for name, e in measures.items()))
            .select_from(frm)
            .where(*where, *conds)
            .group_by(period, *(k.element for k in keys))
        )

    @cached_property
    def abc_cte(self) -> sa.CTE:
        from metrics.abc import abc_classes  # abc needs this context; import on demand

        return abc_classes(self)
