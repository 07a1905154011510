"""Excel workbooks: date cells, serial numbers, numbers as cells, sheets by name or by entity."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from data_connectors.file_import import import_files
from tests.unit.import_helpers import mapping_of, rejected_files, rows


def _workbook(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, sheet_rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in sheet_rows:
            sheet.append(list(row))
    book.save(path)
    return path


SALES_ROWS = [
    ("Day", "Item", "Shop", "Units", "Amount"),
    (datetime(2016, 1, 2), "A1", 1, 3, 45.5),  # a real date cell; a numeric shop id
    (42370, "A1", 1, 1, 15),  # an Excel serial in a General cell: 2016-01-01
    (None, None, None, None, None),  # an empty row: skipped and counted
    ("05/01/2016", " B2 ", 1, 2.5, "1,234.5"),  # text in the mapping's format, padded
    (datetime(2016, 1, 6, 14, 30), "B2", 1, 1, 2),  # a date-time cell: its day counts
]


def test_a_workbook_with_date_cells_serials_and_text_dates_imports(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "export.xlsx", {
        "Items": [("code", "group"), ("A1", "Gin"), ("B2", "Wine")],
        "Shops": [("shop", "area"), (1, "East")],
        "Sales": SALES_ROWS,
    })  # fmt: skip
    mapping = mapping_of("""
sku: {sheet: Items, columns: {sku_id: code, category: group}}
location: {sheet: Shops, columns: {location_id: shop, region: area}}
sales:
  sheet: Sales
  columns: {date: Day, sku_id: Item, location_id: Shop, qty: Units, revenue: Amount}
  date_format: [DD/MM/YYYY, EXCEL]
""")
    db = tmp_path / "shop.duckdb"

    report = import_files(book, db, mapping)

    assert rows(db, "SELECT date, sku_id, location_id, qty, revenue FROM sales ORDER BY date") == [
        (date(2016, 1, 1), "A1", "1", 1.0, 15.0),
        (date(2016, 1, 2), "A1", "1", 3.0, 45.5),
        (date(2016, 1, 5), "B2", "1", 2.5, 1234.5),
        (date(2016, 1, 6), "B2", "1", 1.0, 2.0),
    ]
    sales = report.files[2]
    assert (sales.file_name, sales.rows_read, sales.rows_imported, sales.blank_lines) == (
        "export.xlsx[Sales]", 4, 4, 1,
    )  # fmt: skip
    assert rows(db, "SELECT location_id, region FROM location") == [("1", "East")]


def test_a_bad_date_in_a_workbook_names_the_sheet_and_row(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "export.xlsx", {
        "sku": [("sku_id", "category"), ("A1", "Gin")],
        "location": [("location_id", "region"), ("S1", "East")],
        "sales": [("date", "sku_id", "location_id", "qty", "revenue"),
                  (datetime(2016, 1, 2), "A1", "S1", 1, 2), (None,) * 5,
                  ("2016-13-01", "A1", "S1", 1, 2)],
    })  # fmt: skip

    exc = rejected_files(book, tmp_path / "x.duckdb")

    assert str(exc) == (
        "import rejected: export.xlsx[sales] line 4, column date, value '2016-13-01': "
        "not a date in format YYYY-MM-DD or EXCEL (serial day number)"
    )


def test_a_workbook_without_mapping_reads_sheets_named_after_entities(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "canonical.xlsx", {
        "Notes": [("anything",)],
        "SKU": [("sku_id", "category", "unit_cost"), ("A1", "Gin", 7.25)],
        "location": [("location_id", "region"), ("S1", "East")],
        "inventory": [("date", "sku_id", "location_id", "on_hand_qty"),
                      (date(2025, 6, 30), "A1", "S1", 12), (45839, "A1", "S1", 10)],
    })  # fmt: skip
    db = tmp_path / "shop.duckdb"

    report = import_files(book, db)

    assert [f.file_name for f in report.files] == [
        "canonical.xlsx[SKU]", "canonical.xlsx[location]", "canonical.xlsx[inventory]",
    ]  # fmt: skip
    assert report.warnings == ["sheets not named after an entity ignored: Notes"]
    assert rows(db, "SELECT sku_id, unit_cost FROM sku") == [("A1", 7.25)]
    assert rows(db, "SELECT date, on_hand_qty FROM inventory ORDER BY date") == [
        (date(2025, 6, 30), 12.0), (date(2025, 7, 1), 10.0),
    ]  # fmt: skip


def test_a_missing_sheet_lists_the_sheets_there_are(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "export.xlsx", {"Items": [("sku_id", "category")],
                                                "Other": [("x",)]})  # fmt: skip
    mapping = mapping_of("sku: {sheet: Produkte}\n")

    exc = rejected_files(book, tmp_path / "x.duckdb", mapping)

    assert str(exc) == (
        "import rejected: mapping sku: export.xlsx has no sheet 'Produkte' (its sheets: "
        "Items, Other)"
    )
