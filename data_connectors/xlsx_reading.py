"""Reading one sheet of an .xlsx workbook into the same trimmed text cells as a CSV file.

Cells become the text a user would type (1234, 12.5, 2016-01-31), so one set of validation
rules serves CSV and Excel alike and problems quote what the user sees. Real date cells are
remembered (`typed_dates`): they are dates whatever formats the mapping names. Numbers that
are dates in disguise (Excel serials in a General-formatted column) stay numbers and are read
by the `EXCEL` date format. Row numbers are the sheet's own, so a report points at the row a
user sees in Excel; empty rows are skipped and counted like blank CSV lines.
"""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from data_connectors.csv_reading import RawTable
from data_connectors.import_report import problem_frame

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError)


class WorkbookError(ValueError):
    """A workbook that cannot be opened, with the reason in words."""


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names in order; raises WorkbookError when it cannot be opened."""
    book = _open(path)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_xlsx_cells(path: Path, sheet: str, label: str) -> RawTable:
    """Read `sheet` of `path` as text cells; problems name `label` (e.g. book.xlsx[sales])."""
    data = path.read_bytes()
    table = RawTable(label, hashlib.sha256(data + b"\0" + sheet.encode()).hexdigest())
    try:
        book = _open(path)
    except WorkbookError as err:
        table.problems = problem_frame(label, None, str(err))
        return table
    try:
        rows = list(book[sheet].iter_rows(values_only=True))
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    if not rows or not any(v not in (None, "") for v in rows[0]):
        table.problems = problem_frame(label, [1], "row 1 must be the header with the column "
                                                   "names")  # fmt: skip
        return table
    raw = pd.DataFrame([(*r, *([None] * (width - len(r)))) for r in rows], dtype=object)
    dated = raw.map(lambda v: isinstance(v, (date, datetime))).to_numpy()
    text = raw.map(cell_text)
    table.header = text.iloc[0].tolist()
    body = text.iloc[1:].reset_index(drop=True)
    blank = (body == "").all(axis=1).to_numpy()
    table.blank_lines = int(blank.sum())
    table.cells = body[~blank].reset_index(drop=True)
    table.cells.columns = range(width)
    table.lines = np.arange(2, len(rows) + 1)[~blank]
    table.typed_dates = {
        pos: dated[1:, pos][~blank] for pos in range(width) if dated[1:, pos][~blank].any()
    }
    return table


def cell_text(value: object) -> str:
    """A cell as the text a user would type: 12 not 12.0, dates as YYYY-MM-DD, trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _open(path: Path) -> openpyxl.Workbook:
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise WorkbookError(f"{path.name}: only .xlsx workbooks are read (save it as .xlsx "
                            "or CSV)")  # fmt: skip
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _UNREADABLE as err:
        raise WorkbookError(f"not a readable .xlsx workbook ({err})") from None
