"""File encodings: UTF-8 (with or without BOM), GBK/GB18030 exports, and the one clear message
a file gets when it is read with the wrong encoding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_connectors.file_import import import_files
from tests.unit.import_helpers import mapping_of, rejected_files, rows, write_named

SALES_TEXT = (  # what a Chinese Excel user exports: Chinese headers and values
    "日期,商品编码,门店,渠道,数量,金额\n"
    "2025-01-02,A1,S1,门店,3,45.5\n"
    "2025-01-03,A1,S1,线上,1,15\n"
)
MAPPING = """
sku: {{file: sku.csv}}
location: {{file: location.csv}}
sales:
  file: sales.csv
  encoding: {encoding}
  columns: {{date: 日期, sku_id: 商品编码, location_id: 门店, channel: 渠道, qty: 数量,
             revenue: 金额}}
"""


def _folder(tmp_path: Path, sales: bytes) -> Path:
    return write_named(
        tmp_path / "in",
        {
            "sku.csv": "sku_id,sku_name,category\nA1,苹果,水果\n",
            "location.csv": "location_id,location_name,region\nS1,上海一店,华东\n",
            "sales.csv": sales,
        },
    )


def _imported_sales(db: Path) -> list[tuple]:
    return rows(db, "SELECT date, sku_id, location_id, channel, qty, revenue FROM sales "
                    "ORDER BY date")  # fmt: skip


EXPECTED_SALES = [
    (date(2025, 1, 2), "A1", "S1", "门店", 3.0, 45.5),
    (date(2025, 1, 3), "A1", "S1", "线上", 1.0, 15.0),
]


def test_a_gbk_file_imports_with_auto_and_says_how_it_was_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SALES_TEXT.encode("gbk"))
    db = tmp_path / "shop.duckdb"

    report = import_files(folder, db, mapping_of(MAPPING.format(encoding="auto")))

    assert _imported_sales(db) == EXPECTED_SALES
    assert rows(db, "SELECT sku_name, category FROM sku") == [("苹果", "水果")]
    assert report.files[2].warnings == ["not valid UTF-8, so read as GBK/GB18030"]
    assert report.files[0].warnings == []  # the UTF-8 files are plain UTF-8


def test_a_gbk_file_imports_with_encoding_gbk(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SALES_TEXT.encode("gbk"))
    db = tmp_path / "shop.duckdb"

    report = import_files(folder, db, mapping_of(MAPPING.format(encoding="gbk")))

    assert _imported_sales(db) == EXPECTED_SALES
    assert report.files[2].warnings == []


def test_a_gbk_file_read_as_utf8_gives_one_message_with_line_bytes_and_the_fix(
    tmp_path: Path,
) -> None:
    text = "date,sku_id,location_id,channel,qty,revenue\n2025-01-02,A1,S1,store,3,45.5\n" \
           "2025-01-03,A1,S1,线上,1,15\n"  # fmt: skip
    data = text.encode("gbk")
    folder = _folder(tmp_path, data)
    offset = data.index("线".encode("gbk"))
    mapping = mapping_of("sku: {file: sku.csv}\nlocation: {file: location.csv}\n"
                         "sales: {file: sales.csv, encoding: utf-8}\n")  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    assert (offset, data[offset : offset + 2]) == (91, b"\xcf\xdf")
    assert str(exc) == (
        "import rejected: sales.csv line 3: bytes 0xcf 0xdf at byte offset 91 are not valid "
        "UTF-8 — the file looks like GBK/GB18030; set `encoding: gbk` in the mapping"
    )
    assert exc.report.problem_count == 1
    assert not (tmp_path / "x.duckdb").exists()


def test_utf8_with_a_byte_order_mark_imports_with_auto_and_with_utf8(tmp_path: Path) -> None:
    folder = _folder(tmp_path, b"\xef\xbb\xbf" + SALES_TEXT.encode("utf-8"))
    for encoding in ("auto", "utf-8"):
        db = tmp_path / f"{encoding}.duckdb"
        report = import_files(folder, db, mapping_of(MAPPING.format(encoding=encoding)))
        assert _imported_sales(db) == EXPECTED_SALES
        assert report.files[2].warnings == []


def test_an_unknown_encoding_name_is_one_problem(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SALES_TEXT.encode("utf-8"))

    exc = rejected_files(folder, tmp_path / "x.duckdb",
                         mapping_of(MAPPING.format(encoding="klingon")))  # fmt: skip

    assert str(exc) == (
        "import rejected: sales.csv: unknown encoding 'klingon' in the mapping "
        "(use auto, utf-8, gbk, gb18030, latin-1, …)"
    )


def test_a_utf8_file_read_as_gbk_is_told_it_looks_like_utf8(tmp_path: Path) -> None:
    text = "date,sku_id,location_id,channel,qty,revenue\n2025-01-02,A1,S1,€,3,45.5\n"
    folder = _folder(tmp_path, text.encode("utf-8"))
    mapping = mapping_of("sku: {file: sku.csv}\nlocation: {file: location.csv}\n"
                         "sales: {file: sales.csv, encoding: gbk}\n")  # fmt: skip

    exc = rejected_files(folder, tmp_path / "x.duckdb", mapping)

    # GBK reads 0xe2 0x82 of the euro sign (at offset 61) as one character, then stops at 0xac
    assert text.encode("utf-8").index("€".encode()) == 61
    assert str(exc) == (
        "import rejected: sales.csv line 2: bytes 0xac 0x2c at byte offset 63 are not "
        "valid GBK — the file looks like UTF-8; set `encoding: utf-8` in the mapping"
    )
