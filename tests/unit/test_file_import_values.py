"""Mapped files: date formats, Excel serials, thousands separators, trailing spaces, constants
and recoded values, each checked on the rows that land in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_connectors.file_import import import_files
from tests.unit.import_helpers import mapping_of, rejected_files, rows, write_named

DIMENSIONS = {
    "items.csv": "code,group\nA1,Fruit\nB2,Veg\n",
    "shops.csv": "shop,area\nS1,East\nS2,West\n",
}
DIMENSION_MAPPING = """
sku: {file: items.csv, columns: {sku_id: code, category: group}}
location: {file: shops.csv, columns: {location_id: shop, region: area}}
"""


def _sales_mapping(extra: str) -> str:
    return DIMENSION_MAPPING + (
        "sales:\n  file: sales.csv\n"
        "  columns: {date: day, sku_id: item, location_id: shop, qty: units, revenue: amount}\n"
        + extra
    )


def _import_sales(tmp_path: Path, sales: str, extra: str) -> tuple[Path, object]:
    folder = write_named(tmp_path / "in", {**DIMENSIONS, "sales.csv": sales})
    db = tmp_path / "shop.duckdb"
    return db, import_files(folder, db, mapping_of(_sales_mapping(extra)))


def test_a_bad_date_is_one_message_naming_file_line_column_value_and_format(
    tmp_path: Path,
) -> None:
    folder = write_named(tmp_path / "in", {**DIMENSIONS, "sales.csv": (
        "day,item,shop,units,amount\n01-02-2016,A1,S1,1,2\n31-02-2016,A1,S1,1,2\n"
    )})  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb",
                         mapping_of(_sales_mapping("  date_format: DD-MM-YYYY\n")))  # fmt: skip

    assert str(exc) == (
        "import rejected: sales.csv line 3, column date, value '31-02-2016': "
        "not a date in format DD-MM-YYYY"
    )
    assert exc.report.problem_count == 1
    assert not (tmp_path / "x.duckdb").exists()


def test_a_list_of_formats_is_tried_in_order_per_value(tmp_path: Path) -> None:
    sales = ("day,item,shop,units,amount\n01-02-2016,A1,S1,1,1\n1/15/2016,A1,S1,1,2\n"
             "12-31-2016,A1,S1,1,3\n2/29/2016,B2,S2,1,4\n")  # fmt: skip
    db, _ = _import_sales(tmp_path, sales, "  date_format: [MM-DD-YYYY, M/D/YYYY]\n")

    assert rows(db, "SELECT date, revenue FROM sales ORDER BY revenue") == [
        (date(2016, 1, 2), 1.0), (date(2016, 1, 15), 2.0), (date(2016, 12, 31), 3.0),
        (date(2016, 2, 29), 4.0),
    ]  # fmt: skip

    folder = write_named(tmp_path / "bad", {**DIMENSIONS, "sales.csv": (
        "day,item,shop,units,amount\n2016-01-02,A1,S1,1,1\n2/30/2016,A1,S1,1,1\n"
    )})  # fmt: skip
    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping_of(
        _sales_mapping("  date_format: [MM-DD-YYYY, M/D/YYYY]\n")))  # fmt: skip
    assert [p.describe() for p in exc.report.problems()] == [
        f"sales.csv line {n}, column date, value {v!r}: not a date in format MM-DD-YYYY or "
        "M/D/YYYY"
        for n, v in ((2, "2016-01-02"), (3, "2/30/2016"))
    ]


def test_excel_serials_and_dotted_day_first_dates(tmp_path: Path) -> None:
    sales = ("day,item,shop,units,amount\n42370,A1,S1,1,1\n31.12.2016,A1,S1,1,2\n"
             "61,A1,S1,1,3\n42400.75,A1,S1,1,4\n")  # fmt: skip
    db, _ = _import_sales(tmp_path, sales, "  date_format: [EXCEL, DD.MM.YYYY]\n")

    assert rows(db, "SELECT date FROM sales ORDER BY revenue") == [
        (date(2016, 1, 1),), (date(2016, 12, 31),), (date(1900, 3, 1),), (date(2016, 1, 31),),
    ]  # fmt: skip


def test_thousands_separators_only_where_digits_are_grouped_in_threes(tmp_path: Path) -> None:
    sales = ('day,item,shop,units,amount\n2016-01-01,A1,S1,"1,200","1,234,567.89"\n'
             "2016-01-02,A1,S1,-3,-12.5\n")  # fmt: skip
    db, _ = _import_sales(tmp_path, sales, "")
    assert rows(db, "SELECT qty, revenue FROM sales ORDER BY date") == [
        (1200.0, 1234567.89), (-3.0, -12.5),
    ]  # fmt: skip

    folder = write_named(tmp_path / "bad", {**DIMENSIONS, "sales.csv": (
        'day,item,shop,units,amount\n2016-01-01,A1,S1,"1,5",1\n2016-01-01,A1,S1,"12,34,567",1\n'
    )})  # fmt: skip
    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping_of(_sales_mapping("")))
    reason = ("not a number: ',' is read as a thousands separator, which must be followed by "
              "groups of three digits (set `thousands:` in the mapping)")  # fmt: skip
    assert [p.describe() for p in exc.report.problems()] == [
        f"sales.csv line 2, column qty, value '1,5': {reason}",
        f"sales.csv line 3, column qty, value '12,34,567': {reason}",
    ]


def test_a_dot_as_thousands_separator_makes_the_comma_decimal(tmp_path: Path) -> None:
    sales = 'day,item,shop,units,amount\n2016-01-01,A1,S1,"1.200","1.234,5"\n'
    db, _ = _import_sales(tmp_path, sales, '  thousands: "."\n')
    assert rows(db, "SELECT qty, revenue FROM sales") == [(1200.0, 1234.5)]


def test_surrounding_spaces_are_trimmed_from_headers_keys_and_numbers(tmp_path: Path) -> None:
    sales = ("  day , item ,shop,units  ,amount\n2016-01-01 ,  A1  , S1 , 3 ,  4.5\n")
    db, report = _import_sales(tmp_path, sales, "")
    assert rows(db, "SELECT date, sku_id, location_id, qty, revenue FROM sales") == [
        (date(2016, 1, 1), "A1", "S1", 3.0, 4.5)
    ]
    assert report.files[2].warnings == []


def test_constants_and_recoded_values(tmp_path: Path) -> None:
    folder = write_named(tmp_path / "in", {
        "items.csv": "code,class,vendor\nA1,1,ACME   \nB2,2,Zeta\nC3,7,Zeta\n",
        "shops.csv": "shop,kind\nS1,1\nS2,2\n",
    })  # fmt: skip
    mapping = mapping_of("""
sku:
  file: items.csv
  columns: {sku_id: code, category: class, brand: vendor}
  values: {category: {1: Spirits, 2: Wine}}
location:
  file: shops.csv
  columns: {location_id: shop, channel: kind}
  constants: {region: Lincoln, location_type: store}
  values: {channel: {"1": store, "2": online}}
""")
    db = tmp_path / "shop.duckdb"

    report = import_files(folder, db, mapping)

    assert rows(db, "SELECT sku_id, category, brand FROM sku ORDER BY sku_id") == [
        ("A1", "Spirits", "ACME"), ("B2", "Wine", "Zeta"), ("C3", "7", "Zeta"),
    ]  # fmt: skip
    assert rows(db, "SELECT * FROM location ORDER BY location_id") == [
        ("S1", None, "Lincoln", "store", "store"), ("S2", None, "Lincoln", "online", "store"),
    ]  # fmt: skip
    assert report.files[0].warnings == [
        "category: 1 cell(s) with values not listed under `values` kept as written ('7')"
    ]
