"""Which dimensions each metric can be grouped and filtered by, learnt from the compiler.

A metric is computed by blocks (metrics/blocks.py) over one fact each, and a dimension
exists only on some facts: `supplier` on receipts, `age_bucket` on FIFO layers. The
compiler is the authority (CompileContext.dimension_expr refuses the rest), so rather
than restating its rule here, every (metric, dimension) pair is compiled once — against
canonical tables, without a database — and the pairs it refuses are recorded. A new
block or dimension is then described correctly by /api/v1/metrics without an edit here.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import sqlalchemy as sa

from canonical.model import ENTITIES, canonical_table
from data_connectors.source import Source
from metrics.compiler import compile_query, needed_base_measures
from metrics.dimensions import DIMENSIONS, TIME_GRAINS
from metrics.errors import QueryError
from metrics.query import MetricQuery
from metrics.registry import BASE_MEASURES, METRICS

_PROBE_DAY = date(2000, 1, 1)


def _compiles(source: Source, metric: str, by: tuple[str, ...],
              where: dict[str, list[str]]) -> bool:
    try:
        compile_query(source, MetricQuery.create([metric], _PROBE_DAY, _PROBE_DAY,
                                                 by=by, where=where))
    except QueryError:
        return False
    return True


def _blocks(metric: str) -> frozenset[str]:
    return frozenset(BASE_MEASURES[b] for b in needed_base_measures((metric,)))


@cache
def unsupported() -> dict[str, dict[str, tuple[str, ...]]]:
    """metric id → {"group": dimensions it cannot be grouped by, "filter": … filtered by}.

    Metrics computed by the same blocks share the answer, so one metric per set of blocks
    is probed: about 10 × 11 × 2 small compilations, well under a second, once."""
    metadata = sa.MetaData()
    source = Source("probe", sa.create_engine("sqlite://"),  # never connected
                    {name: canonical_table(e, metadata) for name, e in ENTITIES.items()})
    dims = [d for d in DIMENSIONS if d not in TIME_GRAINS]
    by_blocks: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}
    for m in METRICS:
        if _blocks(m) not in by_blocks:
            by_blocks[_blocks(m)] = {
                "group": tuple(d for d in dims if not _compiles(source, m, (d,), {})),
                "filter": tuple(d for d in dims if not _compiles(source, m, (), {d: ["x"]})),
            }
    return {m: by_blocks[_blocks(m)] for m in METRICS}


def check_applicable(query: MetricQuery) -> None:
    """Refuse a dimension a metric of the query cannot use, naming `by` or `where` (the
    compiler would refuse it too, but always as `by`) and the metrics that allow it."""
    table = unsupported()
    for field, dims, kind in (("by", query.group_dims, "group"),
                              ("where", [d for d, _ in query.where], "filter")):
        for dim in dims:
            refusing = [m for m in query.metrics if dim in table[m][kind]]
            if refusing:
                allowing = [m for m in METRICS if dim not in table[m][kind]]
                verb = "group" if kind == "group" else "filter"
                raise QueryError(
                    f"cannot {verb} {', '.join(refusing)} by {dim!r}; {dim} applies to "
                    f"{', '.join(allowing) or 'no metric'}", field)
