"""Acceptance: `app.py import` + `app.py query --format csv` agree with an independent oracle.

For several seeds, a nasty random canonical data set is written as CSVs, imported with the real
command line into a DuckDB file, and queried with the real command line for every metric, with
and without group-by. The printed CSV must match `tests.oracle.pandas_metrics.compute` (written
from DESIGN.md, not from the SQL compiler) group for group, to a relative error of 1e-9.
"""

from __future__ import annotations

import io
import itertools
import math
import shutil
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.oracle.pandas_metrics import (
    AGEING_METRICS,
    ALL_METRICS,
    TIME_GRAINS,
    Prepared,
    compute,
    prepare,
)
from tests.oracle.random_data import generate, write_csvs

ROOT = Path(__file__).resolve().parents[2]
SEEDS = (0, 1, 2)
START = date(2024, 12, 16)  # after the first snapshot (2024-12-05): opening stock exists
END = date(2025, 3, 20)
EARLY_AS_OF = date(2025, 2, 20)
REL = 1e-9
ABS = 1e-9
ALL = list(ALL_METRICS)
AGEING = list(AGEING_METRICS)
NAME_COLUMNS = ("sku_name", "location_name")


@dataclass(frozen=True)
class Case:
    """One `app.py query` call and the oracle call it must agree with."""

    name: str
    metrics: Sequence[str] = tuple(ALL)
    by: Sequence[str] = ()
    where: dict[str, list[str]] = field(default_factory=dict)
    as_of: date | None = None
    start: date = START
    end: date = END
    dead_stock_days: int = 90
    age_bounds: tuple[int, ...] = (30, 60, 90, 180, 365)
    abc_cuts: tuple[float, float] = (0.8, 0.95)

    def argv(self, db: Path) -> list[str]:
        args = [
            sys.executable, "app.py", "query", "--db", str(db),
            "--metrics", ",".join(self.metrics),
            "--start", self.start.isoformat(), "--end", self.end.isoformat(),
        ]  # fmt: skip
        if self.by:
            args += ["--by", ",".join(self.by)]
        for dim, values in self.where.items():
            for value in values:
                args += ["--where", f"{dim}={value}"]
        if self.as_of is not None:
            args += ["--as-of", self.as_of.isoformat()]
        if self.dead_stock_days != 90:
            args += ["--dead-stock-days", str(self.dead_stock_days)]
        if self.age_bounds != (30, 60, 90, 180, 365):
            args += ["--age-buckets", ",".join(map(str, self.age_bounds))]
        if self.abc_cuts != (0.8, 0.95):
            args += ["--abc-cuts", ",".join(map(str, self.abc_cuts))]
        return [*args, "--format", "csv"]

    def expected(self, tables: Prepared) -> pd.DataFrame:
        """The oracle's answer to this query."""
        return compute(
            tables,
            list(self.metrics),
            self.start,
            self.end,
            by=list(self.by),
            where=self.where,
            as_of=self.as_of,
            dead_stock_days=self.dead_stock_days,
            age_bounds=self.age_bounds,
            abc_cuts=self.abc_cuts,
        )


# Run on every seed.
CORE_CASES = (
    Case("total"),
    Case("region_channel", by=("region", "channel")),
    Case("sku", by=("sku",)),
    Case("abc_class", by=("abc_class",)),
    Case("month_as_of_before_end", by=("month", "channel"), as_of=EARLY_AS_OF),
    Case("region_age_bucket", metrics=AGEING, by=("region", "age_bucket")),
)
# Each run on one seed (rotating), to keep the number of CLI calls (~1 s each) down.
OTHER_CASES = (
    Case("category", by=("category",)),
    Case("month", by=("month",)),
    Case("location_where_category", by=("location",), where={"category": ["Food"]}),
    Case("brand_where_two_regions", by=("brand",), where={"region": ["East", "West"]}),
    Case("as_of_before_end", by=("region",), as_of=EARLY_AS_OF),
    Case("age_bucket", metrics=AGEING, by=("age_bucket",)),
    Case("age_bucket_as_of", metrics=AGEING, by=("age_bucket",), as_of=EARLY_AS_OF),
    Case("week", by=("week",)),  # crosses the ISO-year boundary (2024-12-30 is 2025-W01)
    Case("quarter_subcategory", by=("quarter", "subcategory")),
    Case("where_channel_online", by=("region",), where={"channel": ["online"]}),
    Case(
        "abc_region_filtered",
        by=("abc_class", "region"),
        where={"category": ["Toys", "Food"], "channel": ["store"]},
    ),
    Case("where_abc_class", by=("category",), where={"abc_class": ["A"]}),
    # days before the first snapshot: no stock yet, no snapshot in most periods
    Case(
        "day_before_first_snapshot", by=("day",), start=date(2024, 11, 28), end=date(2024, 12, 14)
    ),
    Case("supplier_month", metrics=("received_units", "received_cost"), by=("supplier", "month")),
    Case(
        "custom_parameters",
        by=("abc_class",),
        dead_stock_days=30,
        age_bounds=(7, 14, 30),
        abc_cuts=(0.5, 0.9),
    ),
    Case(
        "custom_age_buckets", metrics=AGEING, by=("age_bucket", "channel"), age_bounds=(7, 14, 30)
    ),
)
RUNS = [(seed, case) for case in CORE_CASES for seed in SEEDS] + [
    (SEEDS[i % len(SEEDS)], case) for i, case in enumerate(OTHER_CASES)
]


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Any]:
    """Import every seed's CSVs with the CLI and run every case's query (two at a time).

    Each query gets its own copy of the database file so that concurrent processes never
    contend for DuckDB's file lock."""
    base = tmp_path_factory.mktemp("cli_vs_oracle")
    out: dict[tuple[int, str], Any] = {}
    jobs: dict[tuple[int, str], list[str]] = {}
    for seed in SEEDS:
        tables = generate(seed)
        folder = write_csvs(tables, base / f"seed{seed}" / "csv")
        db = base / f"seed{seed}" / "stock.duckdb"
        done = _run([sys.executable, "app.py", "import", "--from", str(folder), "--into", str(db)])
        out[(seed, "import")] = done
        out[(seed, "tables")] = prepare(tables)
        if done.returncode != 0:
            continue
        for case in (c for s, c in RUNS if s == seed):
            copy = db.with_name(f"{case.name}.duckdb")
            shutil.copyfile(db, copy)
            jobs[(seed, case.name)] = case.argv(copy)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_run, argv) for key, argv in jobs.items()}
        for key, future in futures.items():
            out[key] = future.result()
    return out


def _key(row: pd.Series, key_columns: Sequence[str]) -> tuple[str | None, ...]:
    """A group key of plain strings (None for a missing value), comparable across sources."""
    return tuple(None if _missing(row[c]) else str(row[c]) for c in key_columns)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def _number(value: Any) -> float | None:
    return None if _missing(value) else float(value)


def _close(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    diff = abs(expected - got)
    return diff <= ABS or diff <= REL * max(abs(expected), abs(got))


def compare(case: Case, expected: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    """Every difference between the oracle's frame and the CLI's, one line each."""
    problems: list[str] = []
    if list(got.columns) != list(expected.columns):
        return [f"columns: expected {list(expected.columns)}, got {list(got.columns)}"]
    key_columns = [c for c in expected.columns if c not in case.metrics and c not in NAME_COLUMNS]
    exp_rows = {_key(r, key_columns): r for _, r in expected.iterrows()}
    got_rows = {_key(r, key_columns): r for _, r in got.iterrows()}
    if len(got_rows) != len(got):
        problems.append(f"the CLI printed a group twice ({len(got)} rows, {len(got_rows)} keys)")
    for key in sorted(set(exp_rows) - set(got_rows), key=str):
        problems.append(f"group {key} missing from the CLI output (oracle has it)")
    for key in sorted(set(got_rows) - set(exp_rows), key=str):
        values = {m: got_rows[key][m] for m in case.metrics}
        problems.append(f"group {key} printed by the CLI but not by the oracle: {values}")
    for key in sorted(set(exp_rows) & set(got_rows), key=str):
        e_row, g_row = exp_rows[key], got_rows[key]
        for name in NAME_COLUMNS:
            if name in expected.columns and _key(e_row, [name]) != _key(g_row, [name]):
                problems.append(f"{name} at {key}: expected {e_row[name]!r}, got {g_row[name]!r}")
        for metric in case.metrics:
            e, g = _number(e_row[metric]), _number(g_row[metric])
            if not _close(e, g):
                problems.append(f"{metric} at {key}: expected {e!r}, got {g!r}")
    if key_columns and key_columns[0] in TIME_GRAINS:
        times = [k[0] for k in (_key(r, key_columns) for _, r in got.iterrows())]
        if times != sorted(times, key=str):
            problems.append(f"rows are not ordered by time: {times}")
    return problems


@pytest.mark.parametrize(("seed", "case"), RUNS, ids=[f"{c.name}-seed{s}" for s, c in RUNS])
def test_cli_agrees_with_oracle(runs: dict[tuple[int, str], Any], seed: int, case: Case) -> None:
    imported = runs[(seed, "import")]
    assert imported.returncode == 0, f"import failed:\n{imported.stdout}\n{imported.stderr}"
    done = runs[(seed, case.name)]
    assert done.returncode == 0, f"query failed: {' '.join(case.argv(Path('DB')))}\n{done.stderr}"
    got = pd.read_csv(io.StringIO(done.stdout), dtype=str, keep_default_na=False)
    expected = case.expected(runs[(seed, "tables")])
    assert len(expected) > 0
    problems = compare(case, expected, got)
    assert not problems, f"{case.name}, seed {seed}: {len(problems)} differences\n" + "\n".join(
        problems[:40]
    )


def test_random_data_is_nasty() -> None:
    """The generator really produces the edge cases the comparison is meant to exercise."""
    tables = generate(0)
    sales, receipts, inventory = tables["sales"], tables["receipts"], tables["inventory"]
    first_snapshot = min(inventory["date"])
    assert sales["cost"].isna().any() and sales["channel"].isna().any()
    assert (sales["qty"] < 0).any() and (sales["qty"] == 0).any()
    assert receipts["cost"].isna().any() and (receipts["qty"] < 0).any()
    assert (receipts["date"] < first_snapshot).any()
    assert receipts.duplicated(["date", "sku_id", "location_id"]).any()  # same-day layers
    assert inventory["on_hand_value"].isna().any() and (inventory["on_hand_qty"] == 0).any()
    assert (inventory["on_hand_qty"] < 0).any()
    assert not inventory.duplicated(["date", "sku_id", "location_id"]).any()
    assert tables["sku"]["brand"].isna().any() and tables["location"]["channel"].isna().any()
    dates = sorted(set(inventory["date"]))
    gaps = {(b - a).days for a, b in itertools.pairwise(dates)}
    assert len(gaps) > 1  # irregular snapshot dates
    pairs_per_date = inventory.groupby("date").size()
    assert pairs_per_date.nunique() > 1  # SKU-locations absent on some dates
    total = compute(tables, ALL, START, END).iloc[0]
    assert total["units_older_than_data"] > 0
    assert 0 < total["dead_stock_value"] < total["inventory_value"]
    assert 0 < total["stockout_rate"] < 1
