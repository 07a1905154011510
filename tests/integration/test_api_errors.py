"""Every way a request to the JSON API can be wrong gets a JSON error with the right
status and the field to fix — never HTML, never a traceback, never a password."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api.limits import MAX_BODY_BYTES, MAX_ROWS, MAX_TIME_BUCKETS
from data_connectors.config import SourceConfig
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from tests.integration.api_support import QUERY_URL, api_client, post_query, use

SECRET = "s3cret-pw"


@pytest.fixture(scope="module")
def client(registry: SourceRegistry) -> FlaskClient:
    return api_client(registry)


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, client: FlaskClient) -> Iterator[None]:
    use(registry)
    yield


@pytest.fixture(scope="module")
def period(demo_db: Path) -> dict[str, str]:
    source = open_duckdb(demo_db)
    try:
        _, last = source.date_range()
    finally:
        source.dispose()
    return {"start": f"{last:%Y-%m}-01", "end": last.isoformat()}


def error_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The error body, checked for the shape every API error has."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert set(body) == {"error", "field"}
    assert body["error"] and "\n" not in body["error"]
    assert "Traceback" not in body["error"]
    return body


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"metrics": ["turnover", "profit"]}, "metrics", "unknown metric 'profit'"),
    ({"metrics": []}, "metrics", "at least one metric"),
    ({"metrics": 5}, "metrics", "list of text"),
    ({"metrics": ["cogs", "cogs"]}, "metrics", "twice"),
    ({"start": "2025-13-01"}, "start", "not a date"),
    ({"start": "01/02/2025"}, "start", "not a date"),
    ({"start": 20250101}, "start", "date as text"),
    ({"start": None}, "start", "required"),
    ({"end": "1850-01-01"}, "end", "between 1900 and 2200"),
    ({"as_of": "1999-01-01"}, "as_of", "outside the period"),
    ({"colour": "red"}, "colour", "unknown field(s) colour"),
    ({"by": ["region", "planet"]}, "by", "unknown dimension 'planet'"),
    ({"by": ["month", "week"]}, "by", "one time grain"),
    ({"by": {"region": 1}}, "by", "list of text"),
    ({"by": ["supplier"]}, "by", "cannot group cogs by 'supplier'"),
    ({"by": ["age_bucket"]}, "by", "cannot group cogs by 'age_bucket'"),
    ({"where": {"supplier": ["ACME"]}}, "where", "cannot filter cogs by 'supplier'"),
    ({"where": {"month": ["2025-01"]}}, "where", "cannot filter by 'month'"),
    ({"where": ["region", "East"]}, "where", "object"),
    ({"where": {"region": [1, 2]}}, "where.region", "text"),
    ({"limit": "10"}, "limit", "whole number"),
    ({"limit": 0}, "limit", "from 1 to"),
    ({"limit": True}, "limit", "whole number"),
    ({"sort": [["planet", True]]}, "sort", "cannot sort by 'planet'"),
    ({"sort": [["cogs", "desc"]]}, "sort", "[column, descending]"),
    ({"having": [["cogs", "~", 1]]}, "having", "operator '~'"),
    ({"having": [["revenue", ">", 1]]}, "having", "not a metric of this query"),
    ({"having": [["cogs", ">", "1"]]}, "having", "must be a number"),
    ({"options": {"dead_stock_days": "90"}}, "options.dead_stock_days", "whole number"),
    ({"options": {"dead_stock_days": 0}}, "options.dead_stock_days", "between 1 and 3650"),
    ({"options": {"age_bounds": [60, 30]}}, "options.age_bounds", "increasing"),
    ({"options": {"age_bounds": [30, 10**9]}}, "options.age_bounds", "at most"),
    ({"options": {"abc_cuts": [0.9, 0.8]}}, "options.abc_cuts", "0 < A cut < B cut"),
    ({"options": {"speed": 1}}, "options", "unknown key(s) speed"),
    ({"options": []}, "options", "must be an object"),
])
def test_invalid_query_is_400_naming_the_field(client: FlaskClient, period: dict[str, str],
                                               change: dict[str, Any], field: str,
                                               words: str) -> None:
    body = {"metrics": ["cogs"], **period, **change}
    error = error_of(post_query(client, body), 400)
    assert error["field"] == field
    assert words in error["error"]


@pytest.mark.parametrize(("raw", "field"), [
    ("{not json", "body"),
    ("", "body"),
    ('{"metrics": ["cogs"], "start": NaN}', "body"),
    ('{"metrics": ["cogs"], "start": Infinity}', "body"),
    ("[" * 50_000 + "]" * 50_000, "body"),
    ('{"metrics": ["cogs"], "having": [["cogs", ">", 1e400]]}', "having"),
    ('{"metrics": ["cogs"], "limit": 123456789012345678901234567890}', "limit"),
    ('{"metrics": ["cogs"], "where": {"region": ["\\ud800"]}}', "where.region"),
    ('{"metrics": ["cogs"], "where": {"region": ["a\\u0000b"]}}', "where.region"),
])
def test_body_that_is_not_strict_json_is_400(client: FlaskClient, raw: str,
                                             field: str) -> None:
    response = client.post(QUERY_URL, data=raw.encode(), content_type="application/json")
    assert error_of(response, 400)["field"] == field


def test_body_not_utf8_is_400(client: FlaskClient) -> None:
    response = client.post(QUERY_URL, data='{"metrics": ["é"]}'.encode("latin-1"),
                           content_type="application/json")
    assert "not valid JSON" in error_of(response, 400)["error"]


def test_json_that_is_not_an_object_is_400(client: FlaskClient) -> None:
    response = post_query(client, ["cogs"])
    assert error_of(response, 400)["field"] == "body"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          None])
def test_wrong_content_type_is_415(client: FlaskClient, period: dict[str, str],
                                   content_type: str | None) -> None:
    data = json.dumps({"metrics": ["cogs"], **period})
    response = client.post(QUERY_URL, data=data, content_type=content_type)
    error = error_of(response, 415)
    assert "application/json" in error["error"]


def test_oversize_body_is_413(client: FlaskClient) -> None:
    body = {"metrics": ["cogs"], "start": "2025-01-01", "end": "2025-01-31",
            "where": {"sku": ["x" * 200] * 1000, "brand": ["y" * 200] * 5000}}
    assert len(json.dumps(body)) > MAX_BODY_BYTES
    error_of(post_query(client, body), 413)


def test_oversize_chunked_body_is_413(client: FlaskClient) -> None:
    """No Content-Length to trust (a chunked upload, as a WSGI server hands it over):
    the reader stops after the limit."""
    body = b'{"metrics": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    response = client.post(QUERY_URL, input_stream=io.BytesIO(body),
                           content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    error_of(response, 413)


@pytest.mark.parametrize(("params", "field"), [
    ({"source": "nowhere"}, "source"),
    ({"source": ""}, "source"),
    ({"sorce": "demo"}, "sorce"),
])
def test_unknown_source_or_parameter_is_400(client: FlaskClient, period: dict[str, str],
                                            params: dict[str, str], field: str) -> None:
    error = error_of(post_query(client, {"metrics": ["cogs"], **period}, **params), 400)
    assert error["field"] == field


def test_named_source_answers(client: FlaskClient, registry: SourceRegistry,
                              period: dict[str, str]) -> None:
    response = post_query(client, {"metrics": ["cogs"], **period}, source=registry.default)
    assert response.status_code == 200
    assert response.get_json()["source"] == registry.default


def test_too_many_periods_is_400(client: FlaskClient) -> None:
    body = {"metrics": ["revenue"], "start": "2000-01-01", "end": "2010-12-31", "by": ["day"]}
    error = error_of(post_query(client, body), 400)
    assert error["field"] == "by" and str(MAX_TIME_BUCKETS) in error["error"]


def test_too_many_rows_without_a_limit_is_400_and_a_limit_answers(
        client: FlaskClient, period: dict[str, str]) -> None:
    """Daily stock per SKU-location over a few months passes the row cap: refused whole
    rather than cut, and answered once the client asks for the first rows."""
    body = {"metrics": ["on_hand_units"], "end": period["end"],
            "start": f"{int(period['end'][:4]) - 1}{period['end'][4:]}",
            "by": ["sku", "location", "day"]}
    error = error_of(post_query(client, body), 400)
    assert error["field"] == "limit" and f"{MAX_ROWS:,}" in error["error"]
    answer = post_query(client, {**body, "limit": 10}).get_json()
    assert answer["row_count"] == 10


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/api/v1/query", 405),
    ("delete", "/api/v1/query", 405),
    ("post", "/api/v1/metrics", 405),
    ("get", "/api/v1/no-such-thing", 404),
    ("post", "/api/v1/no-such-thing", 404),
])
def test_wrong_method_or_path_is_json(client: FlaskClient, method: str, path: str,
                                      status: int) -> None:
    response = getattr(client, method)(path)
    error_of(response, status)
    if status == 405:
        assert response.headers["Allow"]


def test_other_paths_keep_dash_pages(client: FlaskClient) -> None:
    assert client.get("/").mimetype == "text/html"


@pytest.fixture()
def down_registry(tmp_path: Path) -> Iterator[SourceRegistry]:
    """Two sources that cannot be opened: a SQLite file that does not exist, and a
    PostgreSQL server that refuses connections, reached with a password."""
    registry = SourceRegistry({
        "gone": SourceConfig("gone", f"sqlite:///{tmp_path / 'missing' / 'gone.sqlite'}"),
        "erp": SourceConfig("erp", f"postgresql+psycopg://bi:{SECRET}@127.0.0.1:9/erp"),
    }, "gone")
    use(registry)
    yield registry


@pytest.mark.parametrize("source", ["gone", "erp"])
def test_source_down_is_503_one_line_without_password(
        client: FlaskClient, down_registry: SourceRegistry, period: dict[str, str],
        source: str) -> None:
    response = post_query(client, {"metrics": ["turnover"], **period}, source=source)
    error = error_of(response, 503)
    assert SECRET not in response.get_data(as_text=True)
    assert "data source" in error["error"]


def test_listings_answer_while_the_source_is_down(client: FlaskClient,
                                                  down_registry: SourceRegistry) -> None:
    """The registry and the document do not need the database."""
    for path in ("/api/v1/metrics", "/api/v1/dimensions", "/api/v1/openapi.json"):
        assert client.get(path).status_code == 200
