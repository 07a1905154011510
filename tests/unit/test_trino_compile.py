"""Every metric compiles to Trino SQL, without a Trino server.

DESIGN.md promises that a company outgrowing one machine can point StockLens at a
warehouse engine such as Trino. No server runs in the tests, but the compiler only needs
the relations and the dialect, so a Source whose engine never connects is enough to check
that each metric, grouped and filtered, renders and uses Trino's spelling where it differs
from the other engines: date_diff('day', …) for day counts, IS NOT DISTINCT FROM (never
MySQL's <=>), CAST(… AS DOUBLE) (never DOUBLE PRECISION, nor a bare DECIMAL, which is
DECIMAL(38, 0) on Trino and would round divisors to whole numbers), `ON true`.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from canonical.model import ENTITIES, canonical_table
from data_connectors.source import Source, canonical_relation
from metrics.compiler import compile_query
from metrics.query import MetricQuery
from metrics.registry import METRICS

START, END, AS_OF = date(2024, 12, 16), date(2025, 3, 20), date(2025, 2, 20)
AGEING = ("aged_units", "aged_value", "average_age_days", "units_older_than_data")
RECEIVED = ("received_units", "received_cost")
GENERAL_BY = ((), ("region",), ("channel",), ("category", "region"), ("month",),
              ("week", "channel"), ("sku",), ("location",), ("abc_class",),
              ("brand", "subcategory"))
FILTERS = ({}, {"region": ["East"]}, {"channel": ["online"], "abc_class": ["A"]})


def _by_sets(metric: str) -> tuple[tuple[str, ...], ...]:
    """Group-by sets that apply to `metric` (age buckets only age; suppliers only receipts)."""
    extra: tuple[tuple[str, ...], ...] = ()
    if metric in AGEING:
        extra = (("age_bucket",), ("month", "age_bucket", "region"))
    elif metric in RECEIVED:
        extra = (("supplier",), ("supplier", "month"))
    return GENERAL_BY + extra


@pytest.fixture(scope="module")
def trino_source() -> Source:
    """A Source on an engine that is never connected (creating it opens nothing)."""
    engine = sa.create_engine("trino://stocklens@trino.invalid:8080/hive/default")
    relations = {name: canonical_table(entity) for name, entity in ENTITIES.items()}
    return Source("trino", engine, relations)


def _sql(source: Source, query: MetricQuery, literal: bool) -> str:
    statement = compile_query(source, query).statement
    kwargs = {"literal_binds": True} if literal else {}
    return str(statement.compile(dialect=source.engine.dialect, compile_kwargs=kwargs))


def assert_trino_syntax(sql: str, query: MetricQuery) -> None:
    where = f"{query.metrics} by {query.by} where {query.where}"
    assert "<=>" not in sql and "`" not in sql, where
    assert "DOUBLE PRECISION" not in sql, where
    assert not re.search(r"AS (DECIMAL|NUMERIC)\)", sql), f"bare DECIMAL rounds: {where}"
    assert "DATEDIFF(" not in sql and "julianday(" not in sql, where
    assert "true = 1" not in sql, where
    for metric in query.metrics:  # every output metric is a Trino DOUBLE
        assert re.search(rf"AS DOUBLE\) AS {metric}\b", sql), where
    if query.by and set(query.by) != {query.time_grain}:
        assert "IS NOT DISTINCT FROM" in sql, where  # null-safe join of group keys
    if any(m in AGEING for m in query.metrics):
        assert "date_diff('day', " in sql, where
    if "snap_asof" in sql:
        assert "LEFT OUTER JOIN snapshot_dates ON true " in sql, where


@pytest.mark.parametrize("metric", list(METRICS))
def test_metric_compiles_for_trino(trino_source: Source, metric: str) -> None:
    """The metric with each group-by set and filter, with literal values and, unfiltered,
    with bound parameters (Trino's qmark style)."""
    for by in _by_sets(metric):
        for where in FILTERS:
            query = MetricQuery.create([metric], START, END, by=by, where=where, as_of=AS_OF)
            literal = _sql(trino_source, query, literal=True)
            assert_trino_syntax(literal, query)
            assert "CAST('2024-12-16' AS DATE)" in literal, (by, where)  # typed period start
            if not where:
                with_params = _sql(trino_source, query, literal=False)
                assert_trino_syntax(with_params, query)
                assert "?" in with_params and "%(" not in with_params, by


def test_all_metrics_in_one_statement(trino_source: Source) -> None:
    """What the board asks: every non-ageing metric at once, grouped and filtered."""
    metrics = [m for m in METRICS if m not in AGEING]
    query = MetricQuery.create(metrics, START, END, by=["region", "channel"],
                               where={"category": ["Food"]})
    sql = _sql(trino_source, query, literal=True)
    assert_trino_syntax(sql, query)
    assert sql.count("IS NOT DISTINCT FROM") >= 2


def test_padded_relations_cast_nulls_to_trino_types() -> None:
    """A source lacking optional columns pads them with typed NULLs, in Trino types."""
    engine = sa.create_engine("trino://stocklens@trino.invalid:8080/hive/default")
    relations = {
        name: canonical_relation(entity, set(entity.required))
        for name, entity in ENTITIES.items()
    }
    source = Source("trino", engine, relations)
    query = MetricQuery.create(["cogs", "aged_value", "received_cost"], START, END,
                               by=["brand"])
    sql = _sql(source, query, literal=True)
    assert "CAST(NULL AS DOUBLE) AS cost" in sql
    assert "CAST(NULL AS VARCHAR) AS brand" in sql
    assert_trino_syntax(sql, query)
