"""The API's description cannot drift from the code it describes: the OpenAPI request
schema names exactly the fields the parser reads, the catalogue's dimension rules are the
compiler's, and the period count that guards the cost is the compiler's period count."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from api.applicability import unsupported
from api.catalog import dimensions_listing, metrics_listing
from api.openapi import openapi_document
from metrics.dimensions import DIMENSIONS, FILTERABLE, TIME_GRAINS
from metrics.periods import bucket_count as time_bucket_count
from metrics.periods import split_periods
from metrics.query_parsing import OPTION_KEYS, TOP_KEYS
from metrics.registry import METRICS

AGEING = {"aged_units", "aged_value", "average_age_days", "units_older_than_data"}
RECEIPTS = {"received_units", "received_cost"}


def test_request_schema_has_the_parsers_fields() -> None:
    schemas = openapi_document(["demo"])["components"]["schemas"]
    request = schemas["QueryRequest"]
    assert set(request["properties"]) == TOP_KEYS
    options = request["properties"]["options"]["anyOf"][0]
    assert set(options["properties"]) == OPTION_KEYS
    assert set(schemas["QueryResult"]["properties"]["query"]["properties"]) == TOP_KEYS


def test_enums_come_from_the_registry() -> None:
    request = openapi_document([])["components"]["schemas"]["QueryRequest"]
    metrics = request["properties"]["metrics"]["anyOf"][0]["enum"]
    assert metrics == list(METRICS)
    assert request["properties"]["where"]["anyOf"][0]["propertyNames"]["enum"] == \
        list(FILTERABLE)


def test_source_names_are_listed() -> None:
    query = openapi_document(["demo", "erp"])["paths"]["/api/v1/query"]["post"]
    assert query["parameters"][0]["schema"]["enum"] == ["demo", "erp"]


def test_dimension_rules_are_the_designs() -> None:
    """DESIGN.md: supplier exists on receipts only, age_bucket on FIFO ageing only."""
    table = unsupported()
    for metric in METRICS:
        expected = {"supplier"} if metric not in RECEIPTS else set()
        expected |= {"age_bucket"} if metric not in AGEING else set()
        assert set(table[metric]["group"]) == expected, metric
        assert set(table[metric]["filter"]) == expected, metric


def test_listings_cover_the_registry() -> None:
    metrics = metrics_listing()["metrics"]
    assert [m["id"] for m in metrics] == list(METRICS)
    turnover = next(m for m in metrics if m["id"] == "turnover")
    assert turnover["thresholds"]["basis"] == "annualized"
    assert next(m for m in metrics if m["id"] == "received_cost")["thresholds"] is None
    dims = {d["id"]: d for d in dimensions_listing()["dimensions"]}
    assert list(dims) == list(DIMENSIONS)
    assert dims["sku"]["name_column"] == "sku_name" and dims["sku"]["kind"] == "attribute"
    assert dims["month"]["kind"] == "time" and not dims["month"]["filterable"]
    assert dims["age_bucket"]["kind"] == "derived" and dims["age_bucket"]["filterable"]


@given(start=st.dates(date(1990, 1, 1), date(2030, 12, 31)),
       days=st.integers(0, 800), grain=st.sampled_from(TIME_GRAINS),
       cap=st.integers(1, 900))
def test_bucket_count_is_the_compilers_period_count(start: date, days: int, grain: str,
                                                    cap: int) -> None:
    end = date.fromordinal(start.toordinal() + days)
    periods = len(split_periods(start, end, None, grain, 90))
    assert time_bucket_count(start, end, grain, cap) == min(periods, cap)
