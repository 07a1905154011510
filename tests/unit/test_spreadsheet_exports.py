"""The one rule for files a person downloads (exports/spreadsheet.py): text that would
start a formula gets a leading quote, numbers stay numbers; the browser's copy of the rule
(assets/safe_export.js, the grids' CSV) answers the same on the same cases; the CSV and
Excel writers apply it to every text cell and header."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from openpyxl import load_workbook

from components.grids.metric_grid_callbacks import CSV_CELL, frame_to_xlsx
from exports.spreadsheet import FORMULA_START, csv_bytes, neutralise, safe_text, xlsx_bytes
from tests.spreadsheet_support import CASES, run_js_rule


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_the_python_rule(value: object, expected: object) -> None:
    got = neutralise(value)
    assert got == expected and type(got) is type(expected)
    assert neutralise(got) == got  # idempotent: a second pass changes nothing


def test_every_leading_character_of_owasps_list_is_quoted() -> None:
    assert FORMULA_START == ("=", "+", "-", "@", "\t", "\r")
    for first in FORMULA_START:
        assert safe_text(first + "x") == "'" + first + "x"
    for first in (" ", "'", "a", "0", "\n", "(", "＝"):
        assert safe_text(first + "x") == first + "x"


def test_the_browser_rule_answers_the_same_on_the_same_cases() -> None:
    values = [value for value, _ in CASES]
    assert run_js_rule(values) == [expected for _, expected in CASES]
    # AG Grid's processCellCallback (what the grids' CSV export calls): the same, with a
    # missing value exported as an empty cell
    cells = run_js_rule([{"value": v} for v in values], "stocklensCsvCell")
    assert cells == ["" if expected is None else expected for _, expected in CASES]
    assert CSV_CELL == {"function": "stocklensCsvCell(params)"}


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "sku": ["X1", "-5", "P1"],
        "sku_name": ["=cmd|' /C calc'!A0", "@SUM(A1)", "Milk, 1L; \"fresh\""],
        "day": [date(2025, 6, 30), None, date(2025, 7, 1)],
        "change": [-5, -2, 3],
        "revenue": [-2.5, float("nan"), 1234.5],
    })


def test_csv_quotes_text_neutralises_it_and_keeps_numbers() -> None:
    data = csv_bytes(_frame(), ["SKU", "=Name", "Day", "Change", "Revenue"])
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    # text in quotes (a ";" in a name cannot start a cell), numbers plain and unchanged
    assert lines[1] == '"X1","\'=cmd|\' /C calc\'!A0","2025-06-30",-5,-2.5'
    assert lines[2] == '"\'-5","\'@SUM(A1)","",-2,""'
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["SKU", "'=Name", "Day", "Change", "Revenue"],
        ["X1", "'=cmd|' /C calc'!A0", "2025-06-30", "-5", "-2.5"],
        ["'-5", "'@SUM(A1)", "", "-2", ""],
        ["P1", 'Milk, 1L; "fresh"', "2025-07-01", "3", "1234.5"],
    ]
    assert not csv_bytes(_frame(), bom=False).startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match="header"):
        csv_bytes(_frame(), ["too", "few"])


def test_openpyxl_alone_would_store_such_a_name_as_a_formula() -> None:
    """Why the writer types text cells itself: a plain str starting with "=" is a formula."""
    sheet = openpyxl.Workbook().active
    sheet.append(["=cmd|' /C calc'!A0"])
    assert sheet["A1"].data_type == "f"


def test_xlsx_stores_text_as_text_and_numbers_as_numbers() -> None:
    frame = _frame()
    frame["note"] = ["ok\x07", "\t=1+1", None]  # a control character .xlsx cannot hold
    data = xlsx_bytes(frame, {"sku_name": "=Name"}, {"change": "0", "revenue": "#,##0.00"},
                      totals={"sku": "Total", "revenue": 1232.0}, sheet="a/b")
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "a_b"
    assert [c.value for c in sheet[1]] == ["sku", "'=Name", "day", "change", "revenue", "note"]
    assert sheet["B1"].data_type == "s"
    for ref, value in (("B2", "'=cmd|' /C calc'!A0"), ("B3", "'@SUM(A1)"), ("A3", "'-5"),
                       ("F3", "'\t=1+1"), ("F2", "ok")):
        assert (sheet[ref].value, sheet[ref].data_type) == (value, "s"), ref
    for ref, value in (("D2", -5), ("D3", -2), ("E2", -2.5), ("E4", 1234.5), ("E5", 1232.0)):
        assert (sheet[ref].value, sheet[ref].data_type) == (value, "n"), ref
    assert sheet["E3"].value is None and sheet["C3"].value is None
    assert sheet["C2"].is_date and sheet["E2"].number_format == "#,##0.00"
    assert sheet["D2"].number_format == "0" and sheet["B2"].number_format == "General"
    assert sheet["A5"].value == "Total" and sheet["A5"].font.bold
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_frame_to_xlsx_takes_headers_by_column_and_refuses_a_list() -> None:
    """Explore passed a list here once; the export failed without a word."""
    frame = pd.DataFrame({"sku_name": ["+1+1"], "revenue": [12.5]})
    data = frame_to_xlsx(frame, {"sku_name": "SKU name", "revenue": "Revenue"}, ["revenue"])
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["SKU name", "Revenue"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'+1+1", "s")
    assert sheet["B2"].data_type == "n" and "#,##0.00" in sheet["B2"].number_format
    with pytest.raises(TypeError, match="headers"):
        frame_to_xlsx(frame, ["SKU name", "Revenue"], ["revenue"])  # type: ignore[arg-type]
