"""Every CSV and Excel file a person downloads is written here, so one rule keeps a cell
from running as a formula when the file is opened in a spreadsheet (CSV/formula
injection, OWASP): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote. Numbers stay numbers (-5 is a number, not text), so
sums and sorting still work; text that starts otherwise is left as it is, so the rule is
idempotent ("'=1" stays "'=1").

The grids' CSV is written in the browser by AG Grid; assets/safe_export.js applies the
same rule there (its processCellCallback), and the tests run both on the same cases.

Machine outputs — `app.py query` and the JSON API — keep raw values: their reader is a
program, not a spreadsheet, and a prefix would change the data.

    csv_bytes(frame)                                   # UTF-8 with a BOM, text quoted
    xlsx_bytes(frame, headers, {"revenue": "#,##0"})   # text as text, numbers as numbers
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

# The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_HEADER_FILL = PatternFill("solid", fgColor="F1F4F9")
_TOTAL_BORDER = Border(top=Side(style="thin", color="9AA6B8"))


def safe_text(text: str) -> str:
    """`text` with a leading quote when it starts like a formula; else unchanged."""
    return QUOTE + text if text.startswith(FORMULA_START) else text


def neutralise(value: object) -> object:
    """A cell as it may be written to a file a person opens: text through `safe_text`,
    anything else (numbers, dates, None) unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def plain(value: object) -> object:
    """A frame's cell as a Python value: None for NaN/NA/NaT, Python scalars for numpy's."""
    if value is None:
        return None
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return None
    except (TypeError, ValueError):  # lists and other unhashable oddities
        pass
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (str, date, Decimal)):
        value = item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _kept_as_is(value: object) -> bool:
    """Cells an .xlsx stores by type: numbers, booleans and dates."""
    return isinstance(value, (int, float, Decimal, date))


# ---- CSV -------------------------------------------------------------------------------

def _csv_cell(value: object) -> object:
    """A number as it is (written unquoted), anything else as neutralised text."""
    value = plain(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if _is_number(value):
        return value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(str(value))


class _Dialect(csv.excel):
    # Every cell but a number in double quotes (as AG Grid's own export does), so a
    # separator inside a name cannot start a new cell either: Excel splits on ";" in
    # some locales, and "a;=1+1" would otherwise put a formula in the next cell.
    quoting = csv.QUOTE_NONNUMERIC
    lineterminator = "\r\n"


def csv_bytes(frame: pd.DataFrame, header: Sequence[str] | None = None,
              bom: bool = True) -> bytes:
    """The frame as CSV for a person: `header` (default: the column names), then the rows;
    text neutralised and quoted, numbers plain, missing values "". UTF-8 with a
    byte-order mark by default, so Excel opens Chinese names correctly."""
    out = io.StringIO()
    writer = csv.writer(out, dialect=_Dialect)
    names = list(header) if header is not None else [str(c) for c in frame.columns]
    if len(names) != len(frame.columns):
        raise ValueError(f"csv_bytes: {len(names)} header names for "
                         f"{len(frame.columns)} columns")
    writer.writerow([safe_text(str(n)) for n in names])
    for record in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in record])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


# ---- Excel -----------------------------------------------------------------------------

def _sheet_title(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip() or "Data"
    return cleaned[:31]


def _text_width(value: object) -> int:
    """Excel column width of a text: CJK characters take two columns."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(value))


def _xlsx_value(value: object) -> object:
    """What a cell holds: None, a number, a date, or text (neutralised, and without the
    control characters an .xlsx cannot hold, which openpyxl would refuse)."""
    value = plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or _kept_as_is(value):
        return value
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _append(ws: object, values: Sequence[object]) -> list[object]:
    """Append a row; text cells are typed as text explicitly, so no string is ever stored
    as a formula (openpyxl makes any str starting with "=" one)."""
    row = [_xlsx_value(v) for v in values]
    ws.append(row)  # type: ignore[attr-defined]
    cells = list(ws[ws.max_row])  # type: ignore[index,attr-defined]
    for cell, value in zip(cells, row, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
    return cells


def xlsx_bytes(frame: pd.DataFrame, headers: Mapping[str, str],
               number_formats: Mapping[str, str] | None = None,
               totals: Mapping[str, object] | None = None, sheet: str = "Data") -> bytes:
    """An .xlsx of `frame` as is: its columns in order under `headers` (the column name
    when missing), its rows in order, then the totals row (bold) when given. Columns in
    `number_formats` are numeric cells in that format; text is stored as text."""
    formats = dict(number_formats or {})
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(sheet)
    columns = list(frame.columns)
    for cell in _append(ws, [headers.get(c, str(c)) for c in columns]):
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for record in frame.itertuples(index=False, name=None):
        _append(ws, record)
    if totals is not None:
        for cell in _append(ws, [totals.get(c) for c in columns]):
            cell.font = Font(bold=True)
            cell.border = _TOTAL_BORDER
    for index, column in enumerate(columns, start=1):
        width = _text_width(headers.get(column, column))
        if column in formats:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = formats[column]
            width = max(width, 14)  # formatted numbers, not their raw digits
        else:
            width = max([width, *(_text_width(v) for v in frame[column].head(200)
                                  if plain(v) is not None)])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 48)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
