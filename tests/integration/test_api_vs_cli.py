"""Acceptance: POST /api/v1/query answers with the numbers `app.py query --format json`
prints for the same query — same columns in the same order, same rows, same values.

Each case is one JSON body; the same query is spelled as command-line options and run in
a subprocess on the same demo database (all subprocesses at once, they only read). The
echoed query must also be the query the CLI builds, so both really asked the same thing.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from cli.main import build_parser
from cli.query_cmd import build_query
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from tests.integration.api_support import api_client, post_query, use

ROOT = Path(__file__).resolve().parents[2]
# Both sides run the same SQL on the same file, but DuckDB sums in parallel, so the last
# bits of a float may differ between two runs; anything more is a real difference.
REL = 1e-12
ABS = 1e-9  # for sums that cancel to (almost) zero, where a relative error means nothing


def _cases(first: date, last: date, regions: list[str]) -> dict[str, dict[str, Any]]:
    """The queries compared, on dates inside the demo data (its range depends on the
    generator, so it is read from the file)."""
    end = last - timedelta(days=3)
    quarter = end - timedelta(days=89)
    half_year = date(end.year - (end.month <= 6), (end.month - 6 - 1) % 12 + 1, 1)
    return {
        "ungrouped": {
            "metrics": ["revenue", "cogs", "gross_margin", "turnover", "turnover_days",
                        "annualized_turnover", "sell_through", "gmroi", "stockout_rate",
                        "movement_rate", "inventory_value", "avg_inventory_value",
                        "dead_stock_value", "dead_stock_share", "days_of_supply",
                        "purchase_sales_ratio", "received_cost"],
            "start": quarter.isoformat(), "end": end.isoformat()},
        "by_region_channel": {
            "metrics": ["turnover", "turnover_days", "sell_through", "revenue",
                        "stockout_rate"],
            "start": quarter.isoformat(), "end": end.isoformat(),
            "by": ["region", "channel"]},
        "by_month": {
            "metrics": ["revenue", "gmroi", "annualized_turnover", "inventory_value"],
            "start": half_year.isoformat(), "end": end.isoformat(), "by": ["month"]},
        "ageing_by_bucket": {
            "metrics": ["aged_units", "aged_value", "average_age_days",
                        "units_older_than_data"],
            "start": quarter.isoformat(), "end": end.isoformat(),
            "as_of": (end - timedelta(days=10)).isoformat(), "by": ["age_bucket"],
            "options": {"age_bounds": [15, 45, 120]}},
        "sort_limit_having": {
            "metrics": ["dead_stock_value", "inventory_value", "days_since_last_sale"],
            "start": quarter.isoformat(), "end": end.isoformat(),
            "by": ["sku", "location"], "sort": [["dead_stock_value", True], "sku"],
            "limit": 25, "having": [["dead_stock_value", ">", 0.5]],
            "options": {"dead_stock_days": 60}},
        "filters_and_abc": {
            "metrics": ["revenue", "units_sold", "movement_rate"],
            "start": quarter.isoformat(), "end": end.isoformat(),
            "by": ["category", "abc_class"],
            "where": {"region": regions[:2], "channel": "store"},
            "options": {"abc_measure": "revenue", "abc_cuts": [0.7, 0.9]}},
        "received_by_supplier_week": {
            "metrics": ["received_units", "received_cost"],
            "start": (end - timedelta(days=41)).isoformat(), "end": end.isoformat(),
            "by": ["supplier", "week"], "sort": ["-received_cost"]},
        "sku_names_with_having": {
            "metrics": ["days_of_supply", "on_hand_units"],
            "start": quarter.isoformat(), "end": end.isoformat(),
            "by": ["sku", "region"], "where": {"region": regions[-1:]},
            "having": [["on_hand_units", ">=", 10], ["days_of_supply", "!=", 0]],
            "sort": ["sku_name"]},
    }


def cli_arguments(body: dict[str, Any]) -> list[str]:
    """The `app.py query` options that ask what `body` asks."""
    args = ["--metrics", ",".join(body["metrics"]), "--start", body["start"],
            "--end", body["end"]]
    if body.get("by"):
        args += ["--by", ",".join(body["by"])]
    if body.get("as_of"):
        args += ["--as-of", body["as_of"]]
    for dim, values in body.get("where", {}).items():
        for value in [values] if isinstance(values, str) else values:
            args += ["--where", f"{dim}={value}"]
    if body.get("sort"):
        args.append("--sort=" + ",".join(  # "=": a value may start with "-"
            item if isinstance(item, str) else f"{item[0]}:{'desc' if item[1] else 'asc'}"
            for item in body["sort"]))
    if body.get("limit"):
        args += ["--limit", str(body["limit"])]
    for metric, op, value in body.get("having", []):
        args += ["--having", f"{metric}{op}{value!r}"]
    options = body.get("options", {})
    if "dead_stock_days" in options:
        args += ["--dead-stock-days", str(options["dead_stock_days"])]
    if "age_bounds" in options:
        args += ["--age-buckets", ",".join(map(str, options["age_bounds"]))]
    if "abc_measure" in options:
        args += ["--abc-measure", options["abc_measure"]]
    if "abc_cuts" in options:
        args += ["--abc-cuts", ",".join(map(str, options["abc_cuts"]))]
    return args


def run_cli(db: Path, args: list[str]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "app.py", "query", "--db", str(db), "--format", "json", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def client(registry: SourceRegistry) -> FlaskClient:
    return api_client(registry)


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, client: FlaskClient) -> Iterator[None]:
    use(registry)
    yield


@pytest.fixture(scope="module")
def cases(demo_db: Path) -> dict[str, dict[str, Any]]:
    source = open_duckdb(demo_db)
    try:
        first, last = source.date_range()
        regions = source.distinct_values("location", "region")
    finally:
        source.dispose()
    return _cases(first, last, regions)


@pytest.fixture(scope="module")
def cli_rows(demo_db: Path, cases: dict[str, dict[str, Any]]) -> dict[str, list[dict]]:
    """Every case's CLI output, the subprocesses running side by side."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(run_cli, demo_db, cli_arguments(body))
                   for name, body in cases.items()}
        return {name: future.result() for name, future in futures.items()}


def assert_same_value(api: Any, cli: Any, where: str) -> None:
    if isinstance(api, float) or isinstance(cli, float):
        assert isinstance(api, int | float) and isinstance(cli, int | float), where
        assert math.isclose(api, cli, rel_tol=REL, abs_tol=ABS), f"{where}: {api} != {cli}"
    else:
        assert api == cli, f"{where}: {api!r} != {cli!r}"


CASE_NAMES = list(_cases(date(2025, 1, 1), date(2025, 12, 31), ["a", "b"]))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_api_rows_equal_cli_rows(name: str, client: FlaskClient,
                                 cases: dict[str, dict[str, Any]],
                                 cli_rows: dict[str, list[dict]]) -> None:
    response = post_query(client, cases[name])
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    expected = cli_rows[name]
    assert expected, f"{name}: the CLI returned no rows; the case tests nothing"
    assert answer["row_count"] == len(answer["rows"]) == len(expected)
    for i, (api_row, cli_row) in enumerate(zip(answer["rows"], expected, strict=True)):
        assert list(api_row) == answer["columns"] == list(cli_row), f"{name} row {i}"
        for column in answer["columns"]:
            assert_same_value(api_row[column], cli_row[column], f"{name} row {i} {column}")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_api_echo_is_the_query_the_cli_builds(name: str, client: FlaskClient,
                                               cases: dict[str, dict[str, Any]]) -> None:
    body = cases[name]
    args = build_parser().parse_args(["query", "--db", "unused.duckdb",
                                      *cli_arguments(body)])
    response = post_query(client, body)
    assert response.get_json()["query"] == build_query(args, None).to_request()
