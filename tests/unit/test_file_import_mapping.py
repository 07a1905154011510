"""Mappings as a whole: entities from several parts, missing columns and files, and re-imports
that must name append or replace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_connectors.file_import import import_files
from tests.unit.import_helpers import fingerprint, mapping_of, rejected_files, rows, write_named

STOCK = (  # a stock file naming stores with their city, with a blank line
    "Store,City,Item,OnHand,Day\n1,HARDERSFIELD,A1,5,31-12-2016\n,,,,\n1,HARDERSFIELD,B2,0,"
    "31-12-2016\n"
)
PURCHASES = (  # stores without a city, store 1 again, and a row naming no store at all
    "Store,Item,Qty,Received\n9,A1,10,02-01-2016\n1,B2,4,02-01-2016\n9,B2,1,03-01-2016\n"
    ",,5,\n"
)
MAPPING = """
sku: {file: items.csv, columns: {sku_id: Item, category: Group}}
location:
  - file: stock.csv
    columns: {location_id: Store, location_name: City}
    constants: {region: Lincoln}
    distinct: true
  - file: purchases.csv
    columns: {location_id: Store}
    constants: {region: Lincoln}
    distinct: true
inventory:
  file: stock.csv
  columns: {date: Day, sku_id: Item, location_id: Store, on_hand_qty: OnHand}
  date_format: DD-MM-YYYY
"""


def _folder(tmp_path: Path) -> Path:
    return write_named(tmp_path / "in", {
        "items.csv": "Item,Group\nA1,Gin\nB2,Wine\n", "stock.csv": STOCK,
        "purchases.csv": PURCHASES,
    })  # fmt: skip


def test_a_dimension_from_several_distinct_parts_keeps_the_first_row_per_key(
    tmp_path: Path,
) -> None:
    db = tmp_path / "shop.duckdb"

    report = import_files(_folder(tmp_path), db, mapping_of(MAPPING))

    assert rows(db, "SELECT location_id, location_name, region FROM location ORDER BY 1") == [
        ("1", "HARDERSFIELD", "Lincoln"), ("9", None, "Lincoln"),
    ]  # fmt: skip
    assert rows(db, "SELECT date, sku_id, on_hand_qty FROM inventory ORDER BY sku_id") == [
        (date(2016, 12, 31), "A1", 5.0), (date(2016, 12, 31), "B2", 0.0),
    ]  # fmt: skip
    outcome = [(f.file_name, f.entity, f.rows_read, f.rows_imported, f.blank_lines)
               for f in report.files]  # fmt: skip
    assert outcome == [
        ("items.csv", "sku", 2, 2, 0),
        ("stock.csv", "location", 2, 1, 1),
        ("purchases.csv", "location", 4, 1, 0),
        ("stock.csv", "inventory", 2, 2, 1),
    ]
    assert report.blank_lines == 1  # one blank line in stock.csv, however many parts read it
    assert report.files[1].warnings == [
        "1 rows repeat a location_id already taken; the first is kept (distinct: true)"
    ]
    assert report.files[2].warnings == [
        "1 rows without a location_id skipped (a distinct part only collects the location_id "
        "values its rows name)",
        "2 rows repeat a location_id already taken; the first is kept (distinct: true)",
    ]


def test_a_key_repeated_across_ordinary_parts_names_both_files(tmp_path: Path) -> None:
    folder = write_named(tmp_path / "in", {
        "a.csv": "id,cat\nA1,Gin\nB2,Gin\n", "b.csv": "id,cat\nC3,Rum\nA1,Rum\n",
    })  # fmt: skip
    mapping = mapping_of("sku:\n  - {file: a.csv, columns: {sku_id: id, category: cat}}\n"
                         "  - {file: b.csv, columns: {sku_id: id, category: cat}}\n")  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    assert str(exc) == (
        "import rejected: b.csv line 3, column sku_id, value 'A1': duplicate sku_id; "
        "first at a.csv line 2"
    )


def test_a_mapped_column_missing_from_the_file_names_what_was_expected(tmp_path: Path) -> None:
    folder = write_named(tmp_path / "in", {"items.csv": "Item,Group,Colour\nA1,Gin,red\n"})
    mapping = mapping_of("sku: {file: items.csv, columns: {sku_id: Item, category: Grp, "
                         "brand: Maker}}\n")  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    assert [p.describe() for p in exc.report.problems()] == [
        "items.csv line 1, column category: the mapping reads category from column 'Grp', "
        "which is not in the header ('Item', 'Group', 'Colour')",
        "items.csv line 1, column brand: the mapping reads brand from column 'Maker', which is "
        "not in the header ('Item', 'Group', 'Colour')",
    ]


def test_a_required_column_neither_mapped_nor_present_nor_constant(tmp_path: Path) -> None:
    folder = write_named(tmp_path / "in", {"shops.csv": "Store,City\n1,Leeds\n"})
    mapping = mapping_of("location: {file: shops.csv, columns: {location_id: Store}}\n")

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    assert str(exc) == (
        "import rejected: shops.csv line 1, column region: required column is missing: the "
        "mapping names no source column for it and the header has no column 'region' "
        "(header: 'Store', 'City')"
    )


def test_unusable_parts_are_reported_together_before_reading(tmp_path: Path) -> None:
    folder = write_named(tmp_path / "in", {"items.csv": "sku_id,category\nA1,Gin\n"})
    mapping = mapping_of("sku: {file: items.csv}\nlocation: {table: erp.stores}\n"
                         "sales: {file: sold.csv}\nreceipts: {file: items.csv, distinct: true}\n"
                         "inventory: {file: ../secret.csv}\n")  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    assert [p.describe() for p in exc.report.problems()] == [
        "mapping location: `table:` and `sql:` name database tables; a file import reads "
        "files (give `file:`)",
        f"mapping sales: file sold.csv not found in {folder}",
        "mapping receipts: `distinct: true` needs a key, and receipts rows have none "
        "(identical lines can be real)",
        f"mapping inventory: file ../secret.csv is outside {folder}; files are named relative "
        "to the folder imported from",
    ]


def test_reimporting_a_mapped_folder_needs_an_explicit_mode(tmp_path: Path) -> None:
    folder, db, mapping = _folder(tmp_path), tmp_path / "shop.duckdb", mapping_of(MAPPING)
    import_files(folder, db, mapping)
    before = fingerprint(db)

    assert str(rejected_files(folder, db, mapping)) == (
        f"import rejected: {db} already holds data; choose --mode append or --mode replace"
    )
    appended = rejected_files(folder, db, mapping, mode="append")
    problems = [p.describe() for p in appended.report.problems()]
    assert problems[0].startswith("stock.csv: identical content was already imported as "
                                  "stock.csv on ")  # fmt: skip
    assert problems[0].endswith(" UTC; appending it again would duplicate its rows")
    assert problems[1:] == [
        f"stock.csv line {line}, column date, sku_id, location_id, value '2016-12-31, {sku}, 1':"
        " the database already has an inventory figure for this date, sku_id and location_id"
        for line, sku in ((2, "A1"), (4, "B2"))
    ]
    assert fingerprint(db) == before

    report = import_files(folder, db, mapping, mode="replace")

    assert report.rows_imported == 6
    assert rows(db, "SELECT count(*) FROM inventory") == [(2,)]
    assert rows(db, "SELECT count(*) FROM location") == [(2,)]
