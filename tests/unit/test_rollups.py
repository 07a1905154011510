"""Rollups (data_connectors/rollups.py, metrics/rollup_blocks.py) never change a number.

Every query a rollup can serve is run twice on the seeded demo data — from the rollups and
from the facts (STOCKLENS_ROLLUPS=off) — and must agree; the board's numbers are also
compared with independent hand SQL on the facts in test_board_hand_sql.py. Imports and the
demo generator rebuild the rollups, and rollups built from older data are not used.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data_connectors.meta import write_meta
from data_connectors.rollups import ROLLUPS_ENV
from data_connectors.source import open_duckdb
from metrics.compiler import compile_query
from metrics.query import MetricQuery
from tests.service_support import run_query
from tests.unit.import_helpers import good_folder

SUMS = ["revenue", "cogs", "units_sold", "gross_margin", "avg_inventory_value",
        "inventory_value", "on_hand_units", "turnover", "turnover_days", "gmroi",
        "sell_through", "received_units", "received_cost", "purchase_sales_ratio",
        "days_of_supply", "stockout_rate"]
CASES = [
    ({}, []),
    ({}, ["month"]),
    ({"region": ["East"]}, ["channel"]),
    ({"channel": ["online"], "category": ["Snacks", "Dairy"]}, ["region"]),
    ({"location_type": ["store"]}, ["category", "week"]),
    ({}, ["location"]),
]


def _sql(source: object, query: MetricQuery) -> str:
    return str(compile_query(source, query).statement.compile(source.engine))  # type: ignore[attr-defined]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        for x, y in zip(a[col], b[col], strict=True):
            if isinstance(x, float) or isinstance(y, float):
                if pd.isna(x) or pd.isna(y):
                    assert pd.isna(x) and pd.isna(y), (col, x, y)
                else:
                    assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6), (col, x, y)
            else:
                assert x == y, (col, x, y)


@pytest.mark.parametrize(("where", "by"), CASES)
def test_rollups_give_the_numbers_of_the_facts(demo_db: Path, monkeypatch: pytest.MonkeyPatch,
                                               where: dict, by: list[str]) -> None:
    source = open_duckdb(demo_db)
    first, last = source.date_range()
    start = last.replace(day=1) if "week" in by else pd.Timestamp(last).date().replace(
        year=last.year - 1)
    query = MetricQuery.create(SUMS, max(start, first), last, by=by, where=where)
    assert "stocklens_rollup" in _sql(source, query)  # served by the rollups …
    rolled = run_query(source, query)
    monkeypatch.setenv(ROLLUPS_ENV, "off")
    assert "stocklens_rollup" not in _sql(source, query)  # … and here by the facts
    facts = run_query(source, query)
    source.dispose()
    assert len(rolled) > 0
    _same(rolled, facts)


@pytest.mark.parametrize("by", [["brand"], ["sku"], ["month", "subcategory"]])
def test_active_runs_serve_the_stockout_rate_under_any_dimension(
        demo_db: Path, monkeypatch: pytest.MonkeyPatch, by: list[str]) -> None:
    source = open_duckdb(demo_db)
    first, last = source.date_range()
    query = MetricQuery.create(["stockout_rate", "movement_rate"], max(first, last.replace(
        month=1, day=1)), last, by=by, where={"region": ["East", "North"]})
    assert "stocklens_rollup_active" in _sql(source, query)
    rolled = run_query(source, query)
    monkeypatch.setenv(ROLLUPS_ENV, "off")
    facts = run_query(source, query)
    source.dispose()
    _same(rolled, facts)


def test_queries_the_rollups_cannot_answer_read_the_facts(demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    first, last = source.date_range()
    for query in (MetricQuery.create(["revenue"], first, last, by=["brand"]),
                  MetricQuery.create(["movement_rate"], first, last),
                  MetricQuery.create(["cogs"], first, last, where={"sku": ["X"]})):
        assert "stocklens_rollup_sales" not in _sql(source, query)
    source.dispose()


def test_rollups_of_older_data_are_not_used(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    from data_connectors.canonical_import import import_canonical_folder

    import_canonical_folder(good_folder(tmp_path / "csv"), db)  # an import builds them
    source = open_duckdb(db)
    query = MetricQuery.create(["revenue"], *source.date_range())
    assert source.rollups_current() and "stocklens_rollup" in _sql(source, query)
    source.dispose()

    con = duckdb.connect(str(db))  # new data written without rebuilding the rollups
    con.execute("INSERT INTO sales SELECT * FROM sales LIMIT 1")
    con.execute("UPDATE stocklens_meta SET value = 'later' WHERE key = 'data_version'")
    con.close()
    source = open_duckdb(db)
    assert not source.rollups_current()
    assert "stocklens_rollup" not in _sql(source, query)
    source.dispose()

    con = duckdb.connect(str(db))  # any writer's write_meta rebuilds them
    write_meta(con, source="test")
    con.close()
    source = open_duckdb(db)
    assert source.rollups_current()
    source.dispose()
    facts = duckdb.connect(str(db), read_only=True)
    want = facts.execute("SELECT sum(revenue) FROM sales").fetchone()[0]
    got = facts.execute("SELECT sum(revenue) FROM stocklens_rollup_sales").fetchone()[0]
    facts.close()
    assert math.isclose(want, got)
