"""Mapped sources on real servers give exactly the canonical numbers; check-source names
every problem; secrets never show."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml

from data_connectors.config import SourceConfig
from data_connectors.open_source import open_configured
from data_connectors.source_check import check_source
from metrics.query import MetricQuery
from metrics.registry import METRICS
from tests.builders import d, duckdb_source
from tests.integration.company_tables import (
    MAPPING,
    canonical_rows,
    company_rows,
    load_company,
    mapping,
)
from tests.integration.servers import ScratchDatabase
from tests.service_support import run_query

ROOT = Path(__file__).resolve().parents[2]
PERIOD = (d("2025-03-01"), d("2025-05-09"))
AGEING = ("aged_units", "aged_value", "average_age_days", "units_older_than_data")
CASES = [
    ((), [m for m in METRICS]),
    (("category",), [m for m in METRICS if m not in AGEING]),
    (("region", "month"), ["turnover", "sell_through", "stockout_rate", "received_cost",
                           "days_of_supply", "dead_stock_value"]),
    (("abc_class",), ["cogs", "revenue", "movement_rate"]),
    (("age_bucket",), list(AGEING)),
    (("supplier",), ["received_units", "received_cost"]),
]


@pytest.fixture(scope="module")
def rows() -> dict:
    return company_rows()


@pytest.fixture(scope="module")
def expected(rows: dict, tmp_path_factory: pytest.TempPathFactory):
    """The canonical copy in DuckDB: what every mapped source must reproduce."""
    path = tmp_path_factory.mktemp("canonical") / "canonical.duckdb"
    source = duckdb_source(path, **canonical_rows(rows))
    yield source
    source.dispose()


def _server_url(db: ScratchDatabase, rows: dict) -> str:
    engine = db.writable_engine()
    load_company(engine, rows)
    engine.dispose()
    return db.url


@pytest.fixture(scope="module", params=["postgresql", "mariadb", "duckdb"])
def mapped(request: pytest.FixtureRequest, rows: dict, tmp_path_factory):
    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("company") / "erp.duckdb"
        engine = sa.create_engine(f"duckdb:///{path}")
        load_company(engine, rows)
        engine.dispose()
        url = f"duckdb:///{path}"
    else:
        db = request.getfixturevalue("postgres_db" if request.param == "postgresql"
                                     else "mariadb_db")
        url = _server_url(db, rows)
    source = open_configured(SourceConfig(request.param, url, mapping()))
    yield source
    source.dispose()


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True) if keys else frame


@pytest.mark.parametrize(("by", "metrics"), CASES, ids=[",".join(c[0]) or "total"
                                                         for c in CASES])
def test_mapped_source_equals_canonical_copy(mapped, expected, by, metrics) -> None:
    query = MetricQuery.create(metrics, *PERIOD, by=by)
    got, want = run_query(mapped, query), run_query(expected, query)
    keys = [c for c in want.columns if c not in metrics]
    got, want = _sorted(got, keys), _sorted(want, keys)
    assert got[keys].astype(str).values.tolist() == want[keys].astype(str).values.tolist()
    assert len(want) >= 1 and want[metrics].notna().any().all()  # a comparison of substance
    for m in metrics:
        pd.testing.assert_series_equal(got[m], want[m], rtol=1e-9, atol=1e-9,
                                       check_names=False)


def test_filters_through_recoded_and_constant_columns(mapped, expected) -> None:
    query = MetricQuery.create(["revenue", "turnover"], *PERIOD,
                               where={"category": ["Wine"], "channel": ["store"]})
    got, want = run_query(mapped, query), run_query(expected, query)
    assert got.iloc[0]["revenue"] == pytest.approx(want.iloc[0]["revenue"], rel=1e-12)
    assert want.iloc[0]["revenue"] > 0


# ---- check-source ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_company(postgres_db: ScratchDatabase, rows: dict) -> str:
    return _server_url(postgres_db, rows)


def _check(url: str, raw_mapping: dict) -> list[str]:
    from data_connectors.mapping import parse_mapping

    report = check_source(SourceConfig("erp", url, parse_mapping(raw_mapping)))
    return [str(f) for f in report.errors]


def test_check_source_is_clean_for_a_good_mapping(pg_company: str) -> None:
    assert _check(pg_company, MAPPING) == []


def test_check_source_names_a_missing_table(pg_company: str) -> None:
    broken = {**MAPPING, "sales": {**MAPPING["sales"], "table": "sales_linez"}}
    assert _check(pg_company, broken) == ["sales: table 'sales_linez' does not exist"]


def test_check_source_names_a_missing_column_and_what_exists(pg_company: str) -> None:
    broken = {**MAPPING, "inventory": {**MAPPING["inventory"],
                                       "columns": {**MAPPING["inventory"]["columns"],
                                                   "on_hand_qty": "qty_on_hand"}}}
    assert _check(pg_company, broken) == [
        "inventory.on_hand_qty: column 'qty_on_hand' not found in table stock_levels (it has: "
        "snap_date, item, store, units)"]


def test_check_source_shows_dates_in_another_format(pg_company: str) -> None:
    broken = {**MAPPING, "sales": {**MAPPING["sales"], "date_format": "ISO"}}
    [problem] = _check(pg_company, broken)
    assert problem.startswith("sales.date: 200 of 200 sampled values do not match the date "
                              "format(s) ISO, e.g. '")


def test_check_source_without_mapping_names_missing_entities(rows: dict, tmp_path: Path) -> None:
    # a database holding only the company's own tables (the scratch servers also hold
    # the parity test's canonical tables)
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'erp.duckdb'}")
    load_company(engine, rows)
    engine.dispose()
    problems = _check(f"duckdb:///{tmp_path / 'erp.duckdb'}", {})
    assert "sku: no table named 'sku' and no mapping for it" in problems
    assert "inventory: no table named 'inventory' and no mapping for it" in problems


def test_check_source_cli_exit_codes_and_masked_password(tmp_path: Path, pg_company: str,
                                                          mariadb_db: ScratchDatabase) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    ok = subprocess.run([sys.executable, "app.py", "check-source", "--url", pg_company,
                         "--mapping", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().endswith("no problems found")
    wrong = sa.engine.make_url(mariadb_db.url).set(password="N0tThePassw0rd")
    bad = subprocess.run([sys.executable, "app.py", "check-source", "--url",
                          wrong.render_as_string(hide_password=False)],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "access denied for user 'root'" in bad.stdout
    assert "N0tThePassw0rd" not in bad.stdout + bad.stderr
