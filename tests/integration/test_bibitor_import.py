"""Acceptance: the real Bibitor files import through examples/bibitor/mapping.yaml.

The import and the query run through the real command line. Every expected figure is computed
here, straight from the CSV files with the csv module and pandas, never with the importer's
code: row counts, the damaged purchase lines, the blank inventory lines, the sums, and the
inventory value (on hand × purchase price).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("/work/shared/data/bibitor-partial")
SUBSETS = DATA / "partial_subsets_gyan-singh"
PURCHASES_LABEL = "partial_subsets_gyan-singh/PurchasesFINAL12312016.csv"
INVENTORY_LABEL = "partial_subsets_gyan-singh/EndInvFINAL12312016.csv"


@dataclass(frozen=True)
class Imported:
    db: Path
    stdout: str
    stderr: str
    report: str


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(physical line where the record ends, record) for every record of a CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return [(reader.line_num, row) for row in reader]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    folder = tmp_path_factory.mktemp("bibitor")
    db, report = folder / "bibitor.duckdb", folder / "report.txt"
    done = subprocess.run(
        [sys.executable, "app.py", "import", "--from", str(DATA), "--mapping",
         "examples/bibitor/mapping.yaml", "--into", str(db), "--report", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Imported(db, done.stdout, done.stderr, report.read_text(encoding="utf-8"))


def _one(db: Path, sql: str) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()[0]
    finally:
        con.close()


def test_row_counts_per_table_match_the_files(imported: Imported) -> None:
    prices = _records(DATA / "2017PurchasePricesDec.csv")
    sales = _records(SUBSETS / "SalesFINAL12312016.csv")
    purchases = _records(SUBSETS / "PurchasesFINAL12312016.csv")
    stock = [r for _, r in _records(SUBSETS / "EndInvFINAL12312016.csv") if any(r.values())]
    stores = {r["Store"] for r in stock} | {r["Store"] for _, r in purchases if r["Store"]}
    good_purchases = [r for _, r in purchases if r["Store"]]

    counts = {t: _one(imported.db, f"SELECT count(*) FROM {t}")[0]
              for t in ("sku", "location", "sales", "receipts", "inventory")}  # fmt: skip

    assert counts == {
        "sku": len(prices), "location": len(stores), "sales": len(sales),
        "receipts": len(good_purchases), "inventory": len(stock),
    }  # fmt: skip
    assert counts == {"sku": 12261, "location": 36, "sales": 2157, "receipts": 1013,
                      "inventory": 2782}  # fmt: skip
    classes = pd.Series([r["Classification"] for _, r in prices]).value_counts()
    assert _one(imported.db, "SELECT count(*) FILTER (category = 'Spirits'), "
                             "count(*) FILTER (category = 'Wine') FROM sku") == (
        classes["1"], classes["2"],
    )  # fmt: skip
    assert _one(imported.db, "SELECT location_name, region, channel FROM location "
                             "WHERE location_id = '1'") == ("HARDERSFIELD", "Lincoln", "store")


def test_every_damaged_purchase_row_is_reported_as_rejected(imported: Imported) -> None:
    purchases = _records(SUBSETS / "PurchasesFINAL12312016.csv")
    damaged = {line for line, r in purchases if not r["Store"]}
    assert len(damaged) == 1098
    assert all(not r["Brand"] and not r["ReceivingDate"] and r["Quantity"] and r["Dollars"]
               for line, r in purchases if line in damaged)  # fmt: skip

    listed = {int(n) for n in re.findall(
        rf"^  {re.escape(PURCHASES_LABEL)} line (\d+), ", imported.report, re.M)}  # fmt: skip

    assert listed == damaged
    assert "rejected: 1,098 invalid rows in 1 file NOT imported (skip_invalid_rows)" in (
        imported.stdout
    )
    assert "1,098 invalid rows REJECTED in 1 file (skip_invalid_rows)" in imported.stderr
    receipts_row = _table_row(imported.stdout, PURCHASES_LABEL, "receipts")
    assert receipts_row == ["2,111", "1,013", "1,098", "0", "0"]


def test_blank_inventory_lines_are_skipped_and_counted(imported: Imported) -> None:
    lines = (SUBSETS / "EndInvFINAL12312016.csv").read_text(encoding="utf-8").splitlines()
    blank = sum(1 for line in lines[1:] if not line.replace(",", "").strip())
    assert blank == 221_707

    assert _table_row(imported.stdout, INVENTORY_LABEL, "inventory") == [
        "2,782", "2,782", "0", f"{blank:,}", "0",
    ]  # fmt: skip
    total = next(line for line in imported.stdout.splitlines() if line.startswith("total "))
    assert total.split()[-2] == f"{blank:,}"  # the file counted once, though two parts read it


def test_sums_match_the_files(imported: Imported) -> None:
    sales = pd.read_csv(SUBSETS / "SalesFINAL12312016.csv", dtype=str)
    purchases = pd.read_csv(SUBSETS / "PurchasesFINAL12312016.csv", dtype=str,
                            keep_default_na=False)  # fmt: skip
    good = purchases[purchases["Store"] != ""]
    stock = pd.read_csv(SUBSETS / "EndInvFINAL12312016.csv", dtype=str).dropna(how="all")
    dates = pd.to_datetime(sales["SalesDate"], format="%m-%d-%Y", errors="coerce").fillna(
        pd.to_datetime(sales["SalesDate"], format="%m/%d/%Y", errors="coerce"))  # fmt: skip

    db_sales = _one(imported.db, "SELECT sum(qty), sum(revenue), min(date), max(date) FROM sales")
    assert db_sales[0] == sum(Decimal(q) for q in sales["SalesQuantity"])
    assert db_sales[1] == pytest.approx(float(sum(Decimal(d) for d in sales["SalesDollars"])))
    assert (db_sales[2], db_sales[3]) == (dates.min().date(), dates.max().date())
    db_receipts = _one(imported.db, "SELECT sum(qty), sum(cost) FROM receipts")
    assert db_receipts[0] == sum(Decimal(q) for q in good["Quantity"]) == 20661
    assert db_receipts[1] == pytest.approx(float(sum(Decimal(d) for d in good["Dollars"])))
    assert _one(imported.db, "SELECT sum(on_hand_qty) FROM inventory")[0] == sum(
        Decimal(q) for q in stock["onHand"]
    )


def test_query_figures_match_independent_sums(imported: Imported) -> None:
    sales = pd.read_csv(SUBSETS / "SalesFINAL12312016.csv", dtype=str)
    prices = pd.read_csv(DATA / "2017PurchasePricesDec.csv", dtype=str)
    stock = pd.read_csv(SUBSETS / "EndInvFINAL12312016.csv", dtype=str).dropna(how="all")
    valued = stock.merge(prices[["Brand", "PurchasePrice"]], on="Brand", how="left",
                         validate="many_to_one")  # fmt: skip
    assert valued["PurchasePrice"].notna().all()
    inventory_value = (valued["onHand"].astype(float) * valued["PurchasePrice"].astype(float)).sum()

    done = subprocess.run(
        [sys.executable, "app.py", "query", "--db", str(imported.db), "--metrics",
         "revenue,units_sold,inventory_value", "--start", "2016-01-01", "--end", "2016-12-31",
         "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    [figures] = json.loads(done.stdout)
    assert figures["revenue"] == pytest.approx(sales["SalesDollars"].astype(float).sum(), abs=1e-6)
    assert figures["units_sold"] == sales["SalesQuantity"].astype(int).sum() == 4633
    assert figures["inventory_value"] == pytest.approx(inventory_value, abs=1e-6)


def _table_row(report: str, label: str, entity: str) -> list[str]:
    """The numbers of one part's row in the report's file table."""
    for line in report.splitlines():
        cells = line.split()
        if cells[:2] == [label, entity]:
            return cells[2:]
    raise AssertionError(f"no row for {label} → {entity} in:\n{report}")
