"""The same question gives the same numbers on DuckDB, SQLite, PostgreSQL, MariaDB and a
Spark SQL cluster.

One nasty random data set (tests/oracle/random_data.py, fixed seed) is loaded into each
engine, opened read-only through `open_url` like a user's source, and every metric of the
registry is asked for ungrouped, grouped by several dimension sets and filtered. Every
engine must return the same groups (compared as sets: engines order NULLs differently)
and the same values within a relative 1e-9 (or both undefined). DuckDB, the default
engine, is the reference. Wall time per engine is printed in the terminal summary.

Spark (scripts/spark_cluster.sh's master, two workers and Thrift Server, started by the
`spark_server` fixture) gets the DuckDB file's tables as Parquet (data_connectors/
spark_loading.py). A Spark query takes seconds whatever the data's size (a plan of
hundreds of stages, each scheduled on the workers), so its answers to all cases are asked
for up front, a few at a time (`spark_frames`), and each case compares the one it needs;
its wall time is that batch's.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

from data_connectors.config import SourceConfig
from data_connectors.open_source import open_configured, open_url
from data_connectors.source import Source
from metrics.query import MetricQuery
from metrics.registry import METRICS
from tests.integration.loading import load_canonical
from tests.integration.servers import ScratchDatabase
from tests.integration.spark_support import SparkDatabase, drop_database, load_database
from tests.integration.timings import record
from tests.oracle.random_data import generate
from tests.service_support import run_query

SEED = int(os.environ.get("STOCKLENS_PARITY_SEED", "3"))  # another seed: set the variable
START = date(2024, 12, 16)  # after the first snapshot: opening stock exists
END = date(2025, 3, 20)
EARLY_AS_OF = date(2025, 2, 20)
REL = 1e-9
ABS = 1e-9  # sums that cancel to ~0 (margins, stock movements) differ only in rounding
REFERENCE = "duckdb"
ENGINES = ("duckdb", "sqlite", "postgresql", "mariadb", "spark")
BATCHED = "spark"
SPARK_CONCURRENCY = 3  # queries at once: the driver plans one while the workers run another
SPARK_TIMEOUT_S = 600  # per statement; a loaded 2-core machine runs one in 10–60 s

AGEING = ("aged_units", "aged_value", "average_age_days", "units_older_than_data")
RECEIVED = ("received_units", "received_cost")
ALL = tuple(METRICS)


@dataclass(frozen=True)
class Case:
    name: str
    by: Sequence[str] = ()
    metrics: Sequence[str] = ALL
    where: dict[str, list[str]] = field(default_factory=dict)
    as_of: date | None = None
    start: date = START
    end: date = END
    options: dict[str, Any] = field(default_factory=dict)  # QueryOptions overrides

    def query(self) -> MetricQuery:
        return MetricQuery.create(self.metrics, self.start, self.end, by=self.by,
                                  where=self.where, as_of=self.as_of, **self.options)


CASES = (
    Case("total"),
    Case("region", ("region",)),
    Case("channel", ("channel",)),
    Case("category_region", ("category", "region")),
    Case("brand_subcategory", ("brand", "subcategory")),  # NULL brands and subcategories
    Case("month", ("month",)),
    Case("week_channel", ("week", "channel"), as_of=EARLY_AS_OF),
    Case("day_before_first_snapshot", ("day",), start=date(2024, 11, 28),
         end=date(2024, 12, 14)),
    Case("quarter_location", ("quarter", "location")),
    Case("sku", ("sku",)),
    Case("abc_class", ("abc_class",)),
    Case("abc_class_region", ("abc_class", "region"), where={"channel": ["store"]}),
    Case("age_bucket", ("age_bucket",), AGEING),
    Case("age_bucket_region_as_of", ("age_bucket", "region"), AGEING, as_of=EARLY_AS_OF),
    Case("age_bucket_sku_month", ("month", "age_bucket", "sku"), AGEING),
    Case("supplier", ("supplier",), RECEIVED),
    Case("supplier_month", ("supplier", "month"), RECEIVED),
    Case("where_region_east", ("category",), where={"region": ["East"]}),
    Case("where_channel_online", ("region",), where={"channel": ["online"]}),
    Case("where_two_regions_brand", ("brand",), where={"region": ["East", "West"],
                                                       "category": ["Food"]}),
    Case("where_abc_a", ("location_type",), where={"abc_class": ["A"]}),
    Case("where_nothing_matches", ("region",), where={"region": ["Nowhere"]}),
    Case("custom_options", ("abc_class", "channel"),
         options={"dead_stock_days": 30, "abc_cuts": (0.5, 0.9), "abc_measure": "revenue"}),
    Case("custom_age_buckets", ("age_bucket", "channel"), AGEING,
         options={"age_bounds": (7, 14, 30)}),
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, postgres_db: ScratchDatabase,
            mariadb_db: ScratchDatabase, spark_server: str) -> Iterator[dict[str, Source]]:
    """The seed's data loaded into every engine, each opened read-only like a user's URL."""
    folder: Path = tmp_path_factory.mktemp("parity")
    tables = generate(SEED)
    urls = {
        "duckdb": f"duckdb:///{folder / 'parity.duckdb'}",
        "sqlite": f"sqlite:///{folder / 'parity.sqlite'}",
        "postgresql": postgres_db.url,
        "mariadb": mariadb_db.url,
    }
    opened: dict[str, Source] = {}
    for name, url in urls.items():
        started = time.perf_counter()
        writer = sa.create_engine(url, poolclass=sa.pool.NullPool)
        load_canonical(writer, tables)
        writer.dispose()
        opened[name] = open_url(url)
        print(f"loaded {name} in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()  # Spark gets the DuckDB file's tables, as Parquet
    spark: SparkDatabase = load_database(spark_server, folder / "parity.duckdb",
                                         folder / "parquet")
    opened["spark"] = open_configured(SourceConfig("spark", spark.url,
                                                   statement_timeout_s=SPARK_TIMEOUT_S))
    print(f"loaded spark in {time.perf_counter() - started:.2f} s")
    yield opened
    for source in opened.values():
        source.dispose()
    drop_database(spark)


@pytest.fixture(scope="module")
def spark_frames(sources: dict[str, Source]) -> dict[str, pd.DataFrame | Exception]:
    """Spark's answer to every case (or the error it raised), asked a few at a time."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SPARK_CONCURRENCY) as pool:
        futures = {c.name: pool.submit(run_query, sources[BATCHED], c.query()) for c in CASES}
        out: dict[str, pd.DataFrame | Exception] = {}
        for name, future in futures.items():
            error = future.exception()
            out[name] = error if isinstance(error, Exception) else future.result()
    record(BATCHED, time.perf_counter() - started)
    return out


def _key(row: pd.Series, columns: Sequence[str]) -> tuple[str | None, ...]:
    """A group key of plain text, None for a missing value, comparable across engines."""
    out: list[str | None] = []
    for c in columns:
        value = row[c]
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        out.append(None if missing else str(value))
    return tuple(out)


def _value(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    diff = abs(a - b)
    return diff <= ABS or diff <= REL * max(abs(a), abs(b))


def differences(case: Case, ref: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    """Every way `got` differs from the reference frame, one line each."""
    if list(got.columns) != list(ref.columns):
        return [f"columns {list(got.columns)} != {list(ref.columns)}"]
    keys = [c for c in ref.columns if c not in case.metrics]
    ref_rows = {_key(r, keys): r for _, r in ref.iterrows()}
    got_rows = {_key(r, keys): r for _, r in got.iterrows()}
    problems = []
    if len(got_rows) != len(got):
        problems.append(f"duplicate groups: {len(got)} rows, {len(got_rows)} keys")
    for key in sorted(set(ref_rows) ^ set(got_rows), key=str):
        where = "missing" if key in ref_rows else "extra"
        problems.append(f"group {key} {where}")
    for key in sorted(set(ref_rows) & set(got_rows), key=str):
        for m in case.metrics:
            a, b = _value(ref_rows[key][m]), _value(got_rows[key][m])
            if not _close(a, b):
                problems.append(f"{m} at {key}: {REFERENCE} {a!r}, got {b!r}")
    return problems


def test_data_has_no_case_only_differences() -> None:
    """MariaDB compares text case-insensitively under its default collation, so "East" and
    "east" would be one group there and two elsewhere. That is the database's semantics,
    not the compiler's; the parity data avoids it rather than hiding it."""
    tables = generate(SEED)
    for name, frame in tables.items():
        for column in frame.columns:
            texts = {v for v in frame[column] if isinstance(v, str)}
            assert len({t.casefold() for t in texts}) == len(texts), f"{name}.{column}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_engines_agree(sources: dict[str, Source],
                       spark_frames: dict[str, pd.DataFrame | Exception], case: Case) -> None:
    query = case.query()
    frames: dict[str, pd.DataFrame] = {}
    for name in ENGINES:
        if name == BATCHED:
            answer = spark_frames[case.name]
            if isinstance(answer, Exception):
                raise answer
            frames[name] = answer
            continue
        started = time.perf_counter()
        frames[name] = run_query(sources[name], query)
        record(name, time.perf_counter() - started)
    reference = frames[REFERENCE]
    if case.name != "where_nothing_matches":
        assert len(reference) > 0, "the reference engine returned no groups"
    report = []
    for name in ENGINES:
        if name != REFERENCE:
            problems = differences(case, reference, frames[name])
            report += [f"{name}: {p}" for p in problems[:25]]
    assert not report, f"{case.name}: engines disagree\n" + "\n".join(report)
