"""Fuzzing the JSON API: no input makes it answer 5xx, and every answer is what its own
OpenAPI document says.

1. schemathesis reads /api/v1/openapi.json from the app (through WSGI, no network) and
   generates requests from it: the document's own examples, schema-valid bodies and, in
   negative mode, bodies that break the schema.
2. hypothesis builds bodies the schema does not describe — arbitrary JSON of any shape,
   and queries mixing real metric and dimension ids over the demo data's dates with junk
   — which are sent as schemathesis cases of the same operation.

Every answer goes through schemathesis's checks: not a server error, a documented status
code, the documented media type, a body valid against the documented schema. Bounded:
about 1,400 requests, ~25 s on the session's demo database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from metrics.dimensions import DIMENSIONS, FILTERABLE
from metrics.query import ABC_MEASURES, HAVING_OPS
from metrics.registry import METRICS
from tests.integration.api_support import api_client, use

QUERY = ("/api/v1/query", "POST")
GENERATED_EXAMPLES = 300  # per generation mode of POST /api/v1/query
HYPOTHESIS_EXAMPLES = 400  # per hypothesis test
# Not negative_data_rejection: the parser takes any falsy `by` ("", 0, false) for "no
# grouping", which the document does not advertise, so a schema-invalid `by: ""` is
# (harmlessly) answered 200.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def fuzz(max_examples: int) -> settings:
    """No deadline (a query may take a second), no example database (the fuzz target is
    the current code), health checks off (nested @given, slow data generation)."""
    return settings(max_examples=max_examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def client(registry: SourceRegistry) -> FlaskClient:
    return api_client(registry)


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, client: FlaskClient) -> Iterator[None]:
    use(registry)
    yield


@pytest.fixture(scope="module")
def api_schema(client: FlaskClient) -> schemathesis.BaseSchema:
    """The app's own document, loaded from the app (it lists this server's sources)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", client.application)


@pytest.fixture(scope="module")
def data_period(demo_db: Path) -> tuple[date, date]:
    source = open_duckdb(demo_db)
    try:
        first, last = source.date_range()
    finally:
        source.dispose()
    return first, last


def call_and_check(case: schemathesis.Case, statuses: Counter[int] | None = None) -> None:
    response = case.call_and_validate(checks=CHECKS)
    if statuses is not None:
        statuses[response.status_code] += 1


# --- 1. schemathesis: generated from the document ------------------------------------
# Strategies are driven by hypothesis here: schemathesis's pytest plugin, given a schema
# from a fixture (schemathesis.pytest.from_fixture), relies on a pytest internal
# (Item._nodeid) that pytest 9 removed.

@pytest.mark.parametrize(("path", "method", "mode", "examples"), [
    (*QUERY, GenerationMode.POSITIVE, GENERATED_EXAMPLES),
    (*QUERY, GenerationMode.NEGATIVE, GENERATED_EXAMPLES),
    ("/api/v1/metrics", "GET", GenerationMode.POSITIVE, 3),
    ("/api/v1/dimensions", "GET", GenerationMode.POSITIVE, 3),
    ("/api/v1/openapi.json", "GET", GenerationMode.POSITIVE, 3),
])
def test_generated_requests_conform(api_schema: schemathesis.BaseSchema, path: str,
                                    method: str, mode: GenerationMode,
                                    examples: int) -> None:
    statuses: Counter[int] = Counter()

    @fuzz(examples)
    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        call_and_check(case, statuses)

    run()
    print(f"{method} {path} {mode.value}: {dict(statuses)}")


def test_documented_examples_answer_and_conform(api_schema: schemathesis.BaseSchema) -> None:
    """The request examples in the document are valid queries, answered with 200."""
    operation = api_schema[QUERY[0]][QUERY[1]]
    strategies = api_schema.get_strategies_from_examples(operation)
    assert strategies, "the document has no request examples"
    statuses: Counter[int] = Counter()
    for strategy in strategies:
        @fuzz(5)
        @given(case=strategy)
        def run(case: schemathesis.Case) -> None:
            call_and_check(case, statuses)

        run()
    assert set(statuses) == {200}, statuses


# --- 2. hypothesis: bodies the document does not describe -----------------------------

# JSON has no NaN/Infinity, so a client cannot send them as numbers (the raw literals are
# tested in test_api_errors.py).
any_json = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)


def _rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws. (Not `integers(…) == 0`: hypothesis favours
    small and boundary values, so a test on 0 would come true far too often.)"""
    return draw(st.integers(1, one_in)) == one_in // 2 + 1


@st.composite
def _junk_or(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> Any:
    """Usually a value of `strategy`, about one time in eight any JSON value at all."""
    return draw(any_json if _rarely(draw, 8) else strategy)


@st.composite
def _period(draw: st.DrawFn, first: date, last: date) -> dict[str, Any]:
    """Mostly a period of up to 100 days inside the data (so queries reach the database
    at a bounded cost), sometimes dates anywhere, or not dates."""
    start = draw(st.dates(first, last))
    end = start + timedelta(days=draw(st.integers(-3, 100)))
    as_of = start + timedelta(days=draw(st.integers(-3, 100)))
    dates = {"start": start.isoformat(), "end": end.isoformat(),
             "as_of": draw(st.sampled_from([None, as_of.isoformat()]))}
    for key in list(dates):
        if _rarely(draw, 16):
            dates[key] = draw(st.one_of(st.dates().map(date.isoformat), any_json))
    if dates["as_of"] is None:
        del dates["as_of"]
    return dates


@st.composite
def near_valid_query(draw: st.DrawFn, first: date, last: date) -> dict[str, Any]:
    """A query that is often valid and often almost: real ids mixed with unknown ones,
    wrong types, wrong nesting, extra keys. Sort and having mostly name the query's own
    columns, so the rules between fields are exercised from both sides."""
    metrics = draw(st.lists(st.sampled_from(list(METRICS)), min_size=1, max_size=4,
                            unique=True))
    by = draw(st.lists(st.sampled_from(list(DIMENSIONS)), max_size=3, unique=True))
    own = st.sampled_from([*metrics, *by, "sku_name", "location_name", "x"])
    optional: dict[str, st.SearchStrategy[Any]] = {
        "by": _junk_or(st.just(by)),
        "where": _junk_or(st.dictionaries(st.sampled_from(FILTERABLE),
                                          st.lists(st.text(max_size=8), max_size=3),
                                          max_size=2)),
        "options": _junk_or(st.fixed_dictionaries({}, optional={
            "dead_stock_days": st.integers(-5, 4000),
            "age_bounds": st.lists(st.integers(-5, 500), max_size=4),
            "abc_measure": st.sampled_from([*ABC_MEASURES, "margin"]),
            "abc_cuts": st.lists(st.floats(-1, 2), max_size=3)})),
        "sort": _junk_or(st.lists(st.one_of(own, own.map(lambda c: "-" + c),
                                            st.tuples(own, st.booleans()).map(list)),
                                  max_size=2)),
        "limit": _junk_or(st.one_of(st.integers(1, 1000), st.integers(-3, 200_000))),
        "having": _junk_or(st.lists(
            st.tuples(st.sampled_from([*metrics, "x"]),
                      st.sampled_from([*HAVING_OPS, "<>"]),
                      st.floats(-1e6, 1e6)).map(list), max_size=2)),
    }
    body: dict[str, Any] = {"metrics": draw(_junk_or(st.just(metrics))),
                            **draw(_period(first, last))}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            body[key] = draw(strategy)
    if _rarely(draw, 30):
        body[draw(st.text(max_size=10))] = draw(any_json)
    return body


def test_arbitrary_json_bodies_conform(api_schema: schemathesis.BaseSchema) -> None:
    operation = api_schema[QUERY[0]][QUERY[1]]
    statuses: Counter[int] = Counter()

    @fuzz(HYPOTHESIS_EXAMPLES)
    @given(body=any_json)
    def run(body: Any) -> None:
        call_and_check(operation.Case(body=body, media_type="application/json"), statuses)

    run()
    assert set(statuses) == {400}, statuses  # no arbitrary value is a whole query


def test_near_valid_queries_conform(api_schema: schemathesis.BaseSchema,
                                    data_period: tuple[date, date]) -> None:
    operation = api_schema[QUERY[0]][QUERY[1]]
    statuses: Counter[int] = Counter()

    @fuzz(HYPOTHESIS_EXAMPLES)
    @given(body=near_valid_query(*data_period))
    def run(body: dict[str, Any]) -> None:
        call_and_check(operation.Case(body=body, media_type="application/json"), statuses)

    run()
    # The strategy is meant to reach the database often; if it stops doing so (a
    # stricter parser, another data range), it no longer tests what it claims.
    assert statuses[200] >= HYPOTHESIS_EXAMPLES // 10, statuses
    print(f"near-valid queries: {dict(statuses)}")
