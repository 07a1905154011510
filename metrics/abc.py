"""ABC classification (ABC分类) of SKUs, per period, in SQL.

SKUs are ranked by a measure (default cogs) over the period, descending, ties by sku_id.
A SKU is A while the cumulative share of the SKUs ranked *above* it is below the A cut
(80 %), so the SKU that crosses 80 % is still A; B below the B cut (95 %); C the rest.

The ranked population is every catalogue SKU that passes the query's SKU-side filters
(category, brand, …); location-side filters (region, channel, …) restrict the measure.
So "ABC within East" ranks all SKUs by their East sales, as a category manager expects.
A SKU with no sales ranks last; when nothing sold at all, every SKU is C.
"""

from __future__ import annotations

import sqlalchemy as sa

from canonical.model import DEFAULT_CHANNEL
from metrics.context import CompileContext
from metrics.dimensions import DIMENSIONS


def abc_classes(ctx: CompileContext) -> sa.CTE:
    q, p = ctx.query, ctx.periods_cte
    s, sku, loc = ctx.rel("sales"), ctx.rel("sku"), ctx.rel("location")
    cost = ctx.sales_cost(s, sku)
    measure = {
        "cogs": cost,
        "revenue": s.c.revenue,
        "units_sold": s.c.qty,
        "gross_margin": s.c.revenue - cost,
    }[q.options.abc_measure]

    filters = {d: v for d, v in q.filters().items() if d != "abc_class"}
    sales_conds, sku_conds = [], []
    for dim_id, values in filters.items():
        dim = DIMENSIONS[dim_id]
        if dim.origin == "sku":
            sku_conds.append((s.c.sku_id if dim_id == "sku" else sku.c[dim.column]).in_(values))
        elif dim.origin == "location":
            col = s.c.location_id if dim_id == "location" else loc.c[dim.column]
            sales_conds.append(col.in_(values))
        elif dim.origin == "channel":
            channel = sa.func.coalesce(s.c.channel, loc.c.channel, DEFAULT_CHANNEL)
            sales_conds.append(channel.in_(values))
        # supplier / age_bucket filters do not apply to sales; the blocks reject them.

    rows, period = ctx.in_periods(s, s.c.date)
    by_sku = (
        sa.select(period.label("_p"), s.c.sku_id, sa.func.sum(measure).label("m"))
        .select_from(
            rows.outerjoin(sku, sku.c.sku_id == s.c.sku_id)
            .outerjoin(loc, loc.c.location_id == s.c.location_id)
        )
        .where(ctx.in_query_dates(s.c.date), *sales_conds, *sku_conds)
        .group_by(period, s.c.sku_id)
        .cte("abc_measure")
    )
    catalogue = ctx.rel("sku")
    cat_conds = [
        (catalogue.c.sku_id if d == "sku" else catalogue.c[DIMENSIONS[d].column]).in_(v)
        for d, v in filters.items() if DIMENSIONS[d].origin == "sku"
    ]
    ranked = (
        sa.select(p.c._p, catalogue.c.sku_id,
                  sa.func.coalesce(by_sku.c.m, 0.0).label("m"))
        .select_from(
            p.join(catalogue, sa.true())
            .outerjoin(by_sku, sa.and_(by_sku.c._p == p.c._p,
                                       by_sku.c.sku_id == catalogue.c.sku_id))
        )
        .where(*cat_conds)
        .cte("abc_ranked")
    )
    total = sa.func.sum(ranked.c.m).over(partition_by=ranked.c._p)
    above = sa.func.coalesce(
        sa.func.sum(ranked.c.m).over(
            partition_by=ranked.c._p,
            order_by=(ranked.c.m.desc(), ranked.c.sku_id),
            rows=(None, -1),
        ),
        0.0,
    )
    cut_a, cut_b = q.options.abc_cuts
    klass = sa.case((above < cut_a * total, "A"), (above < cut_b * total, "B"), else_="C")
    return sa.select(ranked.c._p, ranked.c.sku_id, klass.label("abc_class")).cte("abc")
