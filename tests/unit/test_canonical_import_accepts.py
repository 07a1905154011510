"""Canonical imports that succeed: exact rows and values, append, replace, real data."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from data_connectors.canonical_import import import_canonical_folder
from tests.unit.import_helpers import good_folder, rejected, rows, write_folder

BIBITOR_SALES = Path(
    "/work/shared/data/bibitor-partial/partial_subsets_gyan-singh/SalesFINAL12312016.csv"
)


def test_good_folder_imports_exact_rows_and_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "shop.duckdb"
    steps: list[tuple[str, int, int]] = []
    report = import_canonical_folder(
        good_folder(tmp_path / "in"), db, progress=lambda s, d, t: steps.append((s, d, t))
    )

    counts = {f.file_name: (f.rows_read, f.rows_imported, f.blank_lines) for f in report.files}
    assert counts == {
        "sku.csv": (3, 3, 1),
        "location.csv": (2, 2, 0),
        "sales.csv": (3, 3, 2),
        "receipts.csv": (1, 1, 0),
        "inventory.csv": (2, 2, 0),
    }
    assert (report.rows_read, report.rows_imported, report.blank_lines) == (11, 11, 3)
    assert report.files[0].warnings == ["unknown columns ignored: Note"]
    assert rows(db, "SELECT * FROM sku ORDER BY sku_id") == [
        ("A1", "Apple", "Fruit", None, None, 1.5, None),
        ("B2", "Banana", "Fruit", None, None, 0.25, None),
        ("C3", "Carrot", "Veg", None, None, None, None),
    ]
    assert rows(db, "SELECT * FROM location ORDER BY location_id") == [
        ("S1", None, "East", "online", "store"),
        ("W1", None, "West", None, "warehouse"),
    ]
    assert rows(db, "SELECT * FROM sales ORDER BY date, sku_id") == [
        (date(2025, 1, 1), "A1", "S1", None, 3.0, 4.5, 3.0),
        (date(2025, 1, 2), "B2", "S1", None, -1.0, -0.25, None),
        (date(2025, 1, 2), "C3", "W1", None, 2.5, 10.0, None),
    ]
    assert rows(db, "SELECT * FROM receipts") == [
        (date(2024, 12, 30), "A1", "W1", 100.0, 150.0, "Acme", date(2024, 12, 1))
    ]
    assert rows(db, "SELECT * FROM inventory ORDER BY sku_id") == [
        (date(2025, 1, 31), "A1", "S1", 10.0, 15.0),
        (date(2025, 1, 31), "B2", "S1", -2.0, None),
    ]
    assert rows(db, "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = 'receipts' ORDER BY ordinal_position") == [
        ("date", "DATE"), ("sku_id", "VARCHAR"), ("location_id", "VARCHAR"),
        ("qty", "DOUBLE"), ("cost", "DOUBLE"), ("supplier", "VARCHAR"), ("order_date", "DATE"),
    ]  # fmt: skip
    meta = dict(rows(db, "SELECT key, value FROM stocklens_meta"))
    assert meta["source"] == "import"
    assert meta["data_version"] == report.data_version
    assert rows(db, 'SELECT file_name, "rows" FROM stocklens_imports ORDER BY file_name') == [
        ("inventory.csv", 2), ("location.csv", 2), ("receipts.csv", 1), ("sales.csv", 3),
        ("sku.csv", 3),
    ]  # fmt: skip
    assert steps[0] == ("read sku.csv", 0, 17)
    assert steps[-1] == ("done", 17, 17)
    assert [s[1] for s in steps] == list(range(18))
    assert capsys.readouterr() == ("", "")  # the library reports through Progress, never prints


def test_facts_may_reference_skus_already_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    folder = write_folder(
        tmp_path / "more",
        sales="date,sku_id,location_id,qty,revenue\n2025-03-01,C3,W1,1,4\n2025-03-01,Q7,W1,1,4\n",
    )
    exc = rejected(folder, db, mode="append")
    assert str(exc) == (
        "import rejected: sales.csv line 3, column sku_id, value 'Q7': "
        "unknown sku: not in sku.csv or the database"
    )

    (folder / "sales.csv").write_text("date,sku_id,location_id,qty,revenue\n2025-03-01,C3,W1,1,4\n")
    report = import_canonical_folder(folder, db, mode="append")

    assert report.rows_imported == 1
    assert rows(db, "SELECT count(*), sum(revenue) FROM sales") == [(4, 18.25)]


def test_append_skips_identical_dimension_rows_and_refuses_changed_ones(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    folder = write_folder(
        tmp_path / "more", sku="sku_id,category,unit_cost\nA1,Fruit,1.5\nD4,Dairy,2\n"
    )
    report = import_canonical_folder(folder, db, mode="append")
    assert (report.files[0].rows_read, report.files[0].rows_imported) == (2, 1)
    assert rows(db, "SELECT sku_id, category FROM sku ORDER BY sku_id") == [
        ("A1", "Fruit"), ("B2", "Fruit"), ("C3", "Veg"), ("D4", "Dairy"),
    ]  # fmt: skip

    (folder / "sku.csv").write_text("sku_id,category,unit_cost\nA1,Fruit,1.75\n")
    exc = rejected(folder, db, mode="append")
    assert str(exc) == (
        "import rejected: sku.csv line 2, column unit_cost, value '1.75': sku_id 'A1' is already "
        "in the database with unit_cost '1.5'; append cannot change an existing sku "
        "(use --mode replace)"
    )


def test_replace_keeps_only_the_new_content(tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    import_canonical_folder(good_folder(tmp_path / "first"), db)
    folder = write_folder(
        tmp_path / "new",
        sku="sku_id,category\nN1,Tea\n",
        location="location_id,region\nL9,North\n",
        sales="date,sku_id,location_id,qty,revenue\n2026-05-01,N1,L9,7,70\n",
    )

    report = import_canonical_folder(folder, db, mode="replace")

    assert report.rows_imported == 3
    assert rows(db, "SELECT sku_id FROM sku") == [("N1",)]
    assert rows(db, "SELECT location_id FROM location") == [("L9",)]
    assert rows(db, "SELECT * FROM sales") == [
        (date(2026, 5, 1), "N1", "L9", None, 7.0, 70.0, None)
    ]
    assert rows(db, "SELECT count(*) FROM receipts") == [(0,)]
    assert rows(db, "SELECT count(*) FROM inventory") == [(0,)]
    assert rows(db, "SELECT file_name FROM stocklens_imports ORDER BY 1") == [
        ("location.csv",), ("sales.csv",), ("sku.csv",),
    ]  # fmt: skip


def test_a_database_without_canonical_rows_needs_no_mode(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE notes AS SELECT 'keep me' AS text")
    con.close()

    report = import_canonical_folder(good_folder(tmp_path / "in"), db)

    assert report.mode == "create"
    assert rows(db, "SELECT count(*) FROM sales") == [(3,)]
    assert rows(db, "SELECT text FROM notes") == [("keep me",)]


def test_a_200k_row_sales_file_imports(tmp_path: Path) -> None:
    n = 200_000
    rng = np.random.default_rng(7)
    qty = rng.integers(-3, 20, n)
    cents = rng.integers(0, 100_000, n)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D")
    folder = write_folder(
        tmp_path / "in",
        sku="sku_id,category\n" + "".join(f"K{i},C{i % 7}\n" for i in range(500)),
        location="location_id,region\nL1,East\nL2,West\n",
    )
    pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "sku_id": "K" + pd.Series(rng.integers(0, 500, n)).astype(str),
            "location_id": np.where(rng.random(n) < 0.5, "L1", "L2"),
            "qty": qty,
            "revenue": [f"{c // 100}.{c % 100:02d}" for c in cents],
        }
    ).to_csv(folder / "sales.csv", index=False)
    db = tmp_path / "big.duckdb"

    report = import_canonical_folder(folder, db)

    assert report.files[2].rows_imported == n
    assert rows(db, "SELECT count(*), sum(qty)::BIGINT, round(sum(revenue) * 100)::BIGINT "
                    "FROM sales") == [(n, int(qty.sum()), int(cents.sum()))]  # fmt: skip


def test_real_world_bibitor_sales_totals_survive_the_import(tmp_path: Path) -> None:
    raw = pd.read_csv(BIBITOR_SALES, dtype=str, keep_default_na=False)
    dashed = pd.to_datetime(raw["SalesDate"], format="%m-%d-%Y", errors="coerce")
    slashed = pd.to_datetime(raw["SalesDate"], format="%m/%d/%Y", errors="coerce")
    dates = dashed.fillna(slashed)
    assert dates.notna().all() and dashed.notna().any() and slashed.notna().any()
    folder = tmp_path / "bibitor"
    folder.mkdir()
    sales = pd.DataFrame(
        {
            "Date": dates.dt.strftime("%Y-%m-%d"),
            "SKU_ID": raw["Brand"],
            "Location_ID": raw["Store"],
            "Qty": raw["SalesQuantity"],
            "Revenue": raw["SalesDollars"],
            "InventoryId": raw["InventoryId"],  # unknown columns are ignored
            "VendorName": raw["VendorName"],
        }
    )
    sales.to_csv(folder / "sales.csv", index=False, lineterminator="\r\n")
    skus = raw.drop_duplicates("Brand")
    pd.DataFrame(
        {
            "sku_id": skus["Brand"],
            "sku_name": skus["Description"],
            "category": skus["Classification"],
            "brand": skus["VendorName"],  # has trailing spaces in the source
        }
    ).to_csv(folder / "sku.csv", index=False)
    (folder / "location.csv").write_text("location_id,location_name,region\n1,HARDERSFIELD,All\n")
    db = tmp_path / "bibitor.duckdb"

    report = import_canonical_folder(folder, db)

    with BIBITOR_SALES.open(newline="") as handle:
        original = list(csv.DictReader(handle))
    qty = sum(Decimal(r["SalesQuantity"]) for r in original)
    revenue = sum(Decimal(r["SalesDollars"]) for r in original)
    assert report.files[2].rows_imported == len(original) == 2157
    assert report.files[2].warnings == ["unknown columns ignored: InventoryId, VendorName"]
    [(db_rows, db_qty, db_revenue, first, last)] = rows(
        db, "SELECT count(*), sum(qty), sum(revenue), min(date), max(date) FROM sales"
    )
    assert (db_rows, db_qty, round(db_revenue, 2)) == (2157, float(qty), float(revenue))
    assert (first, last) == (date(2016, 1, 1), date(2016, 1, 31))
    assert rows(db, "SELECT brand FROM sku WHERE sku_id = '1004'") == [("JIM BEAM BRANDS COMPANY",)]
