"""skip_invalid_rows: valid rows are imported, every rejected row is listed, nothing is silent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cli.main import main
from data_connectors.file_import import import_files
from tests.unit.import_helpers import mapping_of, rejected_files, rows, write_named

FILES = {
    "sku.csv": "sku_id,category\nA1,Gin\nB2,Rum\n",
    "location.csv": "location_id,region\nS1,East\n",
    "receipts.csv": (
        "Received,Item,Store,Qty,Paid\n"
        "02-01-2016,A1,S1,10,95.5\n"
        ",,,12,40.44\n"  # a damaged row: only the amounts survived
        "03-01-2016,Z9,S1,1,1\n"  # an unknown SKU
        "04-01-2016,B2,S1,x,2\n"  # a bad number
        "05-01-2016,B2,S1,4,8\n"
    ),
}
MAPPING = """
sku: {file: sku.csv}
location: {file: location.csv}
receipts:
  file: receipts.csv
  columns: {date: Received, sku_id: Item, location_id: Store, qty: Qty, cost: Paid}
  date_format: DD-MM-YYYY
  skip_invalid_rows: true
"""


def test_valid_rows_are_imported_and_each_rejected_row_is_reported(tmp_path: Path) -> None:
    folder, db = write_named(tmp_path / "in", FILES), tmp_path / "shop.duckdb"

    report = import_files(folder, db, mapping_of(MAPPING))

    assert rows(db, "SELECT date, sku_id, qty, cost FROM receipts ORDER BY date") == [
        (date(2016, 1, 2), "A1", 10.0, 95.5), (date(2016, 1, 5), "B2", 4.0, 8.0),
    ]  # fmt: skip
    receipts = report.files[2]
    assert (receipts.rows_read, receipts.rows_imported, receipts.rows_rejected) == (5, 2, 3)
    assert report.accepted and report.rows_rejected == 3
    assert report.rejected_rows().to_dict("records") == [
        {"file": "receipts.csv", "line": 3, "column": "date", "value": None,
         "reason": "required value is empty"},
        {"file": "receipts.csv", "line": 3, "column": "sku_id", "value": None,
         "reason": "required value is empty"},
        {"file": "receipts.csv", "line": 3, "column": "location_id", "value": None,
         "reason": "required value is empty"},
        {"file": "receipts.csv", "line": 4, "column": "sku_id", "value": "Z9",
         "reason": "unknown sku: not in sku.csv"},
        {"file": "receipts.csv", "line": 5, "column": "qty", "value": "x",
         "reason": "not a number (plain decimal such as 1234.5 or -3)"},
    ]  # fmt: skip
    assert report.summary() == (
        f"imported 5 rows from 3 files into {db}; 3 invalid rows REJECTED in 1 file "
        "(skip_invalid_rows) and not imported, each listed in the report"
    )
    text = report.render()
    assert "rejected: 3 invalid rows in 1 file NOT imported (skip_invalid_rows)" in text
    assert text.endswith("\n".join([
        "rejected rows, not imported (3 of 3 shown; skip_invalid_rows):",
        "  receipts.csv line 3, columns date, sku_id, location_id: required value is empty",
        "  receipts.csv line 4, column sku_id, value 'Z9': unknown sku: not in sku.csv",
        "  receipts.csv line 5, column qty, value 'x': not a number (plain decimal such as "
        "1234.5 or -3)",
    ]))  # fmt: skip
    assert "receipts.csv          5         2         3            0         0" in text


def test_a_part_whose_every_row_is_invalid_is_still_an_error(tmp_path: Path) -> None:
    broken = "Received,Item,Store,Qty,Paid\n,,,1,2\n31-02-2016,A1,S1,1,1\n"
    files = {**FILES, "receipts.csv": broken}
    folder = write_named(tmp_path / "in", files)

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping_of(MAPPING))

    assert str(exc) == (
        "import rejected: receipts.csv: all 2 rows are invalid, so nothing is usable "
        "(skip_invalid_rows imports the valid rows only)"
    )
    assert exc.report.rows_rejected == 2
    assert not (tmp_path / "x.duckdb").exists()


def test_problems_that_are_not_about_one_row_still_reject_the_import(tmp_path: Path) -> None:
    files = {**FILES, "receipts.csv": "Received,Item,Store,Paid\n02-01-2016,A1,S1,1\n"}
    folder = write_named(tmp_path / "in", files)

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping_of(MAPPING))

    assert str(exc) == (
        "import rejected: receipts.csv line 1, column qty: the mapping reads qty from column "
        "'Qty', which is not in the header ('Received', 'Item', 'Store', 'Paid')"
    )


def test_the_cli_says_rows_were_rejected_and_writes_every_one_with_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_named(tmp_path / "in", FILES)
    (tmp_path / "m.yaml").write_text(MAPPING, encoding="utf-8")
    db, listing = tmp_path / "shop.duckdb", tmp_path / "report.txt"

    code = main(["import", "--from", str(folder), "--mapping", str(tmp_path / "m.yaml"),
                 "--into", str(db), "--report", str(listing)])  # fmt: skip

    out, err = capsys.readouterr()
    assert code == 0
    assert err == (
        f"warning: imported 5 rows from 3 files into {db}; 3 invalid rows REJECTED in 1 file "
        f"(skip_invalid_rows) and not imported, each listed in the report; all of them are "
        f"in {listing}\n"
    )
    assert out.startswith(f"Import of {folder} into {db} (mode: create, mapping: "
                          f"{tmp_path / 'm.yaml'})\nresult: imported 5 rows")  # fmt: skip
    written = listing.read_text(encoding="utf-8")
    assert [line for line in written.splitlines() if line.startswith("  receipts.csv line")] == [
        "  receipts.csv line 3, columns date, sku_id, location_id: required value is empty",
        "  receipts.csv line 4, column sku_id, value 'Z9': unknown sku: not in sku.csv",
        "  receipts.csv line 5, column qty, value 'x': not a number (plain decimal such as "
        "1234.5 or -3)",
    ]


def test_the_cli_reports_a_bad_mapping_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.yaml").write_text("sales: {file: s.csv, columns: {amount: Betrag}}\n")

    code = main(["import", "--from", str(tmp_path), "--mapping", str(tmp_path / "m.yaml"),
                 "--into", str(tmp_path / "x.duckdb")])  # fmt: skip

    assert code == 1
    assert capsys.readouterr().err == (
        "error: m.yaml.sales.columns.amount: sales has no column 'amount'; its columns: date, "
        "sku_id, location_id, channel, qty, revenue, cost\n"
    )
