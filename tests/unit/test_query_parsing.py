"""JSON → MetricQuery: round trips, and every malformed input named by its field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.dimensions import DIMENSIONS, FILTERABLE, TIME_GRAINS
from metrics.errors import QueryError
from metrics.query import MetricQuery
from metrics.query_parsing import query_from_dict
from metrics.registry import METRICS

PLAIN_DIMS = [d for d in DIMENSIONS if d not in TIME_GRAINS and d not in ("age_bucket",
                                                                          "supplier")]


@st.composite
def queries(draw) -> MetricQuery:
    metrics = draw(st.lists(st.sampled_from(sorted(METRICS)), min_size=1, max_size=5,
                            unique=True))
    by = draw(st.lists(st.sampled_from(PLAIN_DIMS), max_size=2, unique=True))
    if draw(st.booleans()):
        by.append(draw(st.sampled_from(TIME_GRAINS)))
    start = draw(st.dates(date(2000, 1, 1), date(2100, 1, 1)))
    end = start + timedelta(days=draw(st.integers(0, 800)))
    where = draw(st.dictionaries(st.sampled_from(FILTERABLE), st.lists(
        st.text(min_size=1, max_size=20), min_size=1, max_size=3), max_size=3))
    sortable = metrics + by
    sort = draw(st.lists(st.tuples(st.sampled_from(sortable), st.booleans()), max_size=2))
    having = draw(st.lists(st.tuples(st.sampled_from(metrics), st.sampled_from(
        [">", ">=", "<", "<=", "=", "!="]), st.floats(-1e9, 1e9)), max_size=2))
    return MetricQuery.create(metrics, start, end, by=by, where=where, sort=sort,
                              limit=draw(st.none() | st.integers(1, 1000)), having=having,
                              dead_stock_days=draw(st.integers(1, 400)))


@settings(max_examples=200, deadline=None)
@given(queries())
def test_to_request_and_back_is_the_same_query(query: MetricQuery) -> None:
    assert query_from_dict(query.to_request()) == query


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.none() | st.booleans() | st.integers()
                       | st.text(max_size=12) | st.lists(st.text(max_size=5), max_size=3),
                       max_size=6))
def test_arbitrary_objects_are_accepted_or_refused_with_a_field(data: dict) -> None:
    try:
        query_from_dict(data)
    except QueryError as exc:
        assert exc.field and str(exc)


BASE = {"metrics": ["turnover"], "start": "2025-01-01", "end": "2025-03-31"}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"metrics": ["turnover", "price"]}, "metrics", "unknown metric 'price'"),
    ({"start": "2025-02-30"}, "start", "is not a date"),
    ({"end": 20250101}, "end", "must be a date as text"),
    ({"by": ["colour"]}, "by", "unknown dimension 'colour'"),
    ({"where": {"region": "East", "flavour": ["x"]}}, "where", "cannot filter by 'flavour'"),
    ({"where": ["East"]}, "where", "must be an object"),
    ({"limit": "10"}, "limit", "whole number"),
    ({"options": {"dead_stock_days": 0}}, "options.dead_stock_days", "between 1 and 3650"),
    ({"options": {"age_bounds": [30, 200000]}}, "options.age_bounds", "at most 100000"),
    ({"by": ""}, "by", "unknown dimension ''"),
    ({"start": "2025-W01-1"}, "start", "is not a date"),
    ({"by": ["day"], "start": "2020-01-01", "end": "2025-12-31"}, "by", "more than 1000"),
    ({"scope": {"region": ["West"]}}, "scope", "unknown field"),
    ({"sort": [["turnover", "desc"]]}, "sort", "sort items"),
    ({"having": [["turnover", ">", "1"]]}, "having", "must be a number"),
    ({"start": "2025-04-01"}, "start", "after end"),
])
def test_errors_name_the_field(change: dict, field: str, message: str) -> None:
    with pytest.raises(QueryError, match=message) as caught:
        query_from_dict({**BASE, **change})
    assert caught.value.field == field


def test_scope_comes_from_the_server_and_intersects() -> None:
    query = query_from_dict({**BASE, "where": {"region": ["East", "West"]}},
                            scope={"region": ["East"]})
    assert query.filters() == {"region": ("East",)}
