"""Turning text cells into calendar dates with the formats a mapping names, a column at a time.

Real exports mix formats (Bibitor's sales file has both 01-02-2016 and 1/15/2016), so a column
may have a list of formats, tried in order per cell. Every format is applied to the whole
column with vectorised string operations (no Python loop per row), and every result is checked
against the calendar (leap years included), so 31-02-2016 is an error, never March 2nd.
Parsed dates are ISO strings that the database casts to DATE, so the full year range 0001-9999
is accepted rather than the narrower range of pandas timestamps. What each format accepts is
defined in date_formats.py, which the database side (sql_dates.py) follows too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_connectors.date_formats import (
    EXCEL,
    FAKE_LEAP_DAY,
    FIRST_SERIAL_DAY,
    ISO,
    LAST_SERIAL,
    shape_regex,
)

NOT_A_DATE = "not a date (YYYY-MM-DD)"
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class ParsedDates:
    """ISO strings (None where empty or bad) and which non-empty cells are not dates."""

    values: pd.Series
    bad: pd.Series


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
    parts = cells.str.extract("^" + shape_regex(fmt, named=True) + r"\Z")
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

    The whole part is read from the text, not through a float (45000.99999999999999999 is
    still day 45000). Excel counts a 29 February 1900 that never was, so serial 60 is no
    date and serials from 61 on are one day less than their count from 1899-12-31.
    """
    shaped = cells.str.fullmatch(shape_regex(EXCEL)).fillna(False).astype(bool).to_numpy()
    whole = cells.where(shaped, "0").str.split(".", n=1).str[0]
    serial = whole.astype("int64").to_numpy()
    valid = shaped & (serial >= 1) & (serial <= LAST_SERIAL) & (serial != FAKE_LEAP_DAY)
    offset = np.where(valid, serial - (serial > FAKE_LEAP_DAY), 0).astype("timedelta64[D]")
    days = np.datetime64(FIRST_SERIAL_DAY) + offset
    iso = pd.Series(np.datetime_as_string(days, unit="D"), index=cells.index)
    return iso.astype(object).where(valid, None)


def _ints(text: pd.Series, shaped: np.ndarray) -> np.ndarray:
    return text.where(shaped, "0").fillna("0").astype("int64").to_numpy()


def _real_day(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    month_ok = (month >= 1) & (month <= 12)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last_day = _DAYS_IN_MONTH[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    return (year >= 1) & month_ok & (day >= 1) & (day <= last_day)
