"""Spark SQL as a user meets it: the command line against the local Spark cluster.

A held-out random data set (a seed neither the parity suite nor test_cli_vs_oracle uses)
is written as CSVs and put into a new Spark database with the real `app.py import --into
hive://…`; `app.py query --url hive://…` must then print what the pandas oracle (written
from DESIGN.md, not from the SQL compiler) computes, group for group, to 1e-9, and
`app.py check-source --url hive://…` must find the source clean. A StockLens DuckDB file
(the demo data, rollups included) goes in with the same command. The engine factory's
statement timeout must cancel a long Spark query and say so in one line.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from data_connectors.config import SourceConfig
from data_connectors.engines import create_source_engine, describe_db_error, mask_url
from data_connectors.open_source import open_configured, open_url
from data_connectors.registry import SourceRegistry
from data_connectors.source import SourceError, open_duckdb
from metrics.query import MetricQuery
from tests.integration.api_support import api_client, post_query, use
from tests.integration.servers import unique_name
from tests.integration.spark_support import SparkDatabase, drop_database
from tests.integration.test_cli_vs_oracle import AGEING, Case, compare
from tests.integration.test_engines import _closed_port
from tests.oracle.pandas_metrics import prepare
from tests.oracle.random_data import generate, write_csvs
from tests.service_support import run_query

ROOT = Path(__file__).resolve().parents[2]
SEED = 5  # held out: the parity suite uses 3, test_cli_vs_oracle 0–2
TIMEOUT_S = "600"  # per statement: a loaded 2-core machine runs one in 10–60 s
# every metric ungrouped, ABC grouped and filtered, FIFO ageing grouped (each CLI call
# costs Spark seconds; the parity suite covers the other groupings on Spark)
CASES = (
    Case("total"),
    Case("abc_where_store_as_of", by=("abc_class",), where={"channel": ["store"]},
         as_of=date(2025, 2, 20)),
    Case("region_age_bucket", metrics=AGEING, by=("region", "age_bucket")),
)


def _app(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)


def _query_argv(case: Case, url: str) -> list[str]:
    """The case's `app.py query` arguments, reading the Spark URL instead of a file."""
    argv = case.argv(Path("unused"))[2:]  # without the interpreter and app.py
    at = argv.index("--db")
    argv[at:at + 2] = ["--url", url, "--statement-timeout", TIMEOUT_S]
    return argv


@pytest.fixture(scope="module")
def spark_db(spark_server: str, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[dict[str, Any]]:
    """The seed's CSVs imported into a new Spark database with the command line."""
    base = tmp_path_factory.mktemp("spark_source")
    tables = generate(SEED)
    csv = write_csvs(tables, base / "csv")
    database = SparkDatabase(spark_server, unique_name())
    done = _app("import", "--from", str(csv), "--into", database.url,
                "--parquet-dir", str(base / "parquet"))
    try:
        yield {"url": database.url, "name": database.name, "import": done,
               "tables": tables, "base": base}
    finally:
        drop_database(database)


@pytest.fixture(scope="module")
def answers(spark_db: dict[str, Any]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every case's `app.py query` run, two at a time."""
    assert spark_db["import"].returncode == 0, spark_db["import"].stderr
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {c.name: pool.submit(_app, *_query_argv(c, spark_db["url"])) for c in CASES}
        return {name: future.result() for name, future in futures.items()}


def test_import_into_spark_reports_every_row(spark_db: dict[str, Any]) -> None:
    done = spark_db["import"]
    assert done.returncode == 0, done.stderr
    tables = spark_db["tables"]
    counts = ", ".join(f"{name} {len(tables[name]):,}" for name in
                       ("sku", "location", "sales", "receipts", "inventory"))
    assert f"loaded into Spark database {spark_db['name']} ({counts}; " in done.stdout


def test_import_refuses_to_overwrite_without_replace(spark_db: dict[str, Any]) -> None:
    csv = str(spark_db["base"] / "csv")
    again = _app("import", "--from", csv, "--into", spark_db["url"])
    assert again.returncode == 1
    assert (f"error: the Spark database {spark_db['name']} already holds sku, location, "
            f"sales, receipts, inventory; give --mode replace to replace them") in again.stderr
    append = _app("import", "--from", csv, "--into", spark_db["url"], "--mode", "append")
    assert append.returncode == 1
    assert "--mode append is not supported into Spark SQL" in append.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_query_cli_on_spark_agrees_with_oracle(spark_db: dict[str, Any],
                                               answers: dict[str, Any], case: Case) -> None:
    done = answers[case.name]
    assert done.returncode == 0, done.stderr
    got = pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)
    expected = case.expected(prepare(spark_db["tables"]))
    assert len(expected) > 0
    problems = compare(case, expected, got)
    assert not problems, f"{case.name}: {len(problems)} differences\n" + "\n".join(problems[:40])


def test_api_answers_from_spark_like_the_oracle(spark_db: dict[str, Any]) -> None:
    """POST /api/v1/query of the whole app (create_app) on a Spark source."""
    case = Case("api_by_region", metrics=("revenue", "cogs", "turnover_days",
                                          "sell_through", "dead_stock_value"),
                by=("region",))
    source = open_configured(SourceConfig("spark", spark_db["url"], statement_timeout_s=600))
    registry = SourceRegistry.of_source(source)
    try:
        client = api_client(registry)
        use(registry)
        response = post_query(client, {"metrics": list(case.metrics), "by": list(case.by),
                                       "start": case.start.isoformat(),
                                       "end": case.end.isoformat()})
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
    finally:
        registry.dispose()
    got = pd.DataFrame(answer["rows"], columns=answer["columns"])
    expected = case.expected(prepare(spark_db["tables"]))
    assert len(expected) > 0
    problems = compare(case, expected, got)
    assert not problems, "\n".join(problems[:40])


def test_check_source_finds_spark_clean(spark_db: dict[str, Any]) -> None:
    done = _app("check-source", "--url", spark_db["url"], "--statement-timeout", TIMEOUT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"source: {mask_url(spark_db['url'])}"
    for entity in ("sku", "location", "sales", "receipts", "inventory"):
        assert any(line.startswith(f"{entity:<10} ok") for line in lines), done.stdout
    assert lines[-1] == "no problems found"


def test_demo_file_goes_into_spark_with_its_rollups(spark_server: str, demo_db: Path,
                                                    tmp_path: Path) -> None:
    """A StockLens DuckDB file (here the demo data) is one `import` away from Spark, and
    the rollups it carries answer there as they do on DuckDB."""
    database = SparkDatabase(spark_server, unique_name())
    try:
        done = _app("import", "--from", str(demo_db), "--into", database.url,
                    "--parquet-dir", str(tmp_path / "parquet"))
        assert done.returncode == 0, done.stderr
        spark = open_configured(SourceConfig("demo", database.url, statement_timeout_s=600))
        local = open_duckdb(demo_db)
        try:
            assert set(spark.rollups) == set(local.rollups) and spark.rollups_current()
            low, high = local.date_range()
            assert spark.date_range() == (low, high)
            query = MetricQuery.create(["cogs", "revenue", "turnover_days"],
                                       high.replace(day=1), high, by=["region"])
            ours = run_query(spark, query).set_index("region").sort_index()
            theirs = run_query(local, query).set_index("region").sort_index()
            pd.testing.assert_frame_equal(ours, theirs, check_exact=False, rtol=1e-9)
        finally:
            spark.dispose()
            local.dispose()
    finally:
        drop_database(database)


def test_long_spark_query_is_cancelled_by_the_timeout(spark_db: dict[str, Any]) -> None:
    url = spark_db["url"]
    engine = create_source_engine(url, statement_timeout_s=2)
    slow = "SELECT sum(pmod(id, 7)) FROM range(0, 3000000000)"  # minutes on two cores
    try:
        with pytest.raises(sa.exc.DBAPIError) as caught, engine.connect() as con:
            con.exec_driver_sql(slow).all()
        with engine.connect() as con:  # the pooled connection is still usable
            assert con.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()
    assert describe_db_error(caught.value, url) == (
        f"query took longer than 2 s and was cancelled (statement timeout) on {mask_url(url)}")


def test_closed_thrift_port_is_connection_refused() -> None:
    """Thrift's own transport error becomes the one line every engine gives."""
    port = _closed_port()
    url = f"hive://127.0.0.1:{port}/stocklens"
    with pytest.raises(SourceError) as caught:
        open_url(url)
    assert str(caught.value) == (f"connection refused by 127.0.0.1:{port}: is the server "
                                 f"running? ({url})")
