"""Turning text cells into calendar dates with the formats a mapping names, a column at a time.

Real exports mix formats (Bibitor's sales file has both 01-02-2016 and 1/15/2016), so a column
may have a list of formats, tried in order per cell. Every format is applied to the whole
column with vectorised string operations (no Python loop per row), and every result is checked
against the calendar (leap years included), so 31-02-2016 is an error, never March 2nd.
Parsed dates are ISO strings that the database casts to DATE, so the full year range 0001-9999
is accepted rather than the narrower range of pandas timestamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

ISO = "ISO"
EXCEL = "EXCEL"
NOT_A_DATE = "not a date (YYYY-MM-DD)"
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_TOKENS = {"YYYY": "(?P<y>[0-9]{4})", "MM": "(?P<m>[0-9]{2})", "M": "(?P<m>[0-9]{1,2})",
           "DD": "(?P<d>[0-9]{2})", "D": "(?P<d>[0-9]{1,2})"}  # fmt: skip
_TOKEN = re.compile("YYYY|MM|DD|M|D")
_SERIAL = r"[0-9]+(?:\.[0-9]*)?"
_LAST_SERIAL = 2958465  # 9999-12-31 in Excel's 1900 date system


@dataclass(frozen=True)
class ParsedDates:
    """ISO strings (None where empty or bad) and which non-empty cells are not dates."""

    values: pd.Series
    bad: pd.Series


def format_regex(fmt: str) -> str:
    """The regular expression for a pattern such as DD-MM-YYYY or M/D/YYYY (named groups)."""
    if fmt == ISO:
        fmt = "YYYY-MM-DD"
    parts, end = [], 0
    for token in _TOKEN.finditer(fmt):
        parts += [re.escape(fmt[end : token.start()]), _TOKENS[token.group()]]
        end = token.end()
    return "".join([*parts, re.escape(fmt[end:])])


def not_a_date_reason(formats: tuple[str, ...]) -> str:
    """Why a cell was refused, naming the formats that were tried."""
    if formats == (ISO,):
        return NOT_A_DATE
    labels = ["YYYY-MM-DD" if f == ISO else "EXCEL (serial day number)" if f == EXCEL else f
              for f in formats]  # fmt: skip
    return f"not a date in format {' or '.join(labels)}"


def parse_dates(
    cells: pd.Series, formats: tuple[str, ...] = (ISO,), typed: np.ndarray | None = None
) -> ParsedDates:
    """Parse trimmed text `cells` with `formats`, each tried in order on what is left.

    `typed` marks cells that were real date cells of a workbook (already ISO text): they are
    dates whatever formats the mapping names.
    """
    values = pd.Series(None, index=cells.index, dtype=object)
    todo = (cells != "").to_numpy().copy()
    if typed is not None and typed.any():
        values[typed] = _parse_pattern(cells[typed].str.slice(0, 10), ISO)  # drop any time
        todo &= ~typed
    for fmt in formats:
        if not todo.any():
            break
        subset = cells[todo]
        parsed = _parse_serials(subset) if fmt == EXCEL else _parse_pattern(subset, fmt)
        found = parsed.notna()
        values[found[found].index] = parsed[found]
        todo[todo] = ~found.to_numpy()
    values = values.where(values.notna(), None)  # None, not NaN: the column is text
    return ParsedDates(values, pd.Series(todo, index=cells.index))


def _parse_pattern(cells: pd.Series, fmt: str) -> pd.Series:
    """ISO strings for cells that match `fmt` and name a real day; None elsewhere."""
    parts = cells.str.extract(f"^{format_regex(fmt)}$")
    shaped = parts.notna().all(axis=1).to_numpy()
    year = _ints(parts["y"], shaped)
    month = _ints(parts["m"], shaped)
    day = _ints(parts["d"], shaped)
    valid = shaped & _real_day(year, month, day)
    iso = (
        pd.Series(year, index=cells.index).astype(str).str.zfill(4) + "-"
        + pd.Series(month, index=cells.index).astype(str).str.zfill(2) + "-"
        + pd.Series(day, index=cells.index).astype(str).str.zfill(2)
    )  # fmt: skip
    return iso.astype(object).where(valid, None)


def _parse_serials(cells: pd.Series) -> pd.Series:
    """Excel serial day numbers (1900 system; a fraction is a time of day and is dropped).

    Excel counts a 29 February 1900 that never was, so serials from 61 on are days since
    1899-12-30, those below 60 days since 1899-12-31, and 60 itself is no date.
    """
    shaped = cells.str.fullmatch(_SERIAL).fillna(False).astype(bool).to_numpy()
    numbers = pd.to_numeric(cells.where(shaped, "0"), errors="coerce").fillna(0).to_numpy()
    serial = np.floor(numbers).astype(np.int64)
    valid = shaped & (serial >= 1) & (serial <= _LAST_SERIAL) & (serial != 60)
    base = np.where(serial > 60, np.datetime64("1899-12-30"), np.datetime64("1899-12-31"))
    days = base + np.where(valid, serial, 0).astype("timedelta64[D]")
    iso = pd.Series(np.datetime_as_string(days, unit="D"), index=cells.index)
    return iso.astype(object).where(valid, None)


def _ints(text: pd.Series, shaped: np.ndarray) -> np.ndarray:
    return text.where(shaped, "0").fillna("0").astype("int64").to_numpy()


def _real_day(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    month_ok = (month >= 1) & (month <= 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last_day = _DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    return (year >= 1) & month_ok & (day >= 1) & (day <= last_day)
