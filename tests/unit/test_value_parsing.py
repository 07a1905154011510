"""The date and number parsers on whole columns: what counts as a value, and what does not."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data_connectors.date_parsing import parse_dates
from data_connectors.value_parsing import parse_numbers


def _dates(cells: list[str], *formats: str) -> list[str | None]:
    parsed = parse_dates(pd.Series(cells, dtype=object), tuple(formats))
    assert parsed.bad.tolist() == [c != "" and v is None
                                   for c, v in zip(cells, parsed.values, strict=True)]
    return parsed.values.tolist()


def test_patterns_check_the_calendar_and_the_digit_counts() -> None:
    cells = ["29-02-2016", "29-02-2015", "31-04-2016", "1-2-2016", "01-13-2016", ""]
    assert _dates(cells, "DD-MM-YYYY") == ["2016-02-29", None, None, None, None, None]
    assert _dates(["1-2-2016", "01-02-2016", "1.2.0099"], "D-M-YYYY", "D.M.YYYY") == [
        "2016-02-01", "2016-02-01", "0099-02-01",
    ]  # fmt: skip
    assert _dates(["20160131", "2016131"], "YYYYMMDD") == ["2016-01-31", None]
    assert _dates(["2000-02-29", "1900-02-29", "0000-01-01"], "ISO") == [
        "2000-02-29", None, None,
    ]  # fmt: skip


def test_excel_serials_follow_the_1900_date_system_and_its_missing_leap_day() -> None:
    cells = ["1", "59", "60", "61", "42370", "42370.99", "0", "2958465", "2958466", "-1", "1e3"]
    assert _dates(cells, "EXCEL") == [
        "1900-01-01", "1900-02-28", None, "1900-03-01", "2016-01-01", "2016-01-01", None,
        "9999-12-31", None, None, None,
    ]  # fmt: skip


def test_workbook_date_cells_are_dates_whatever_the_formats() -> None:
    cells = pd.Series(["2016-01-31", "2016-01-31 14:30:00", "31/01/2016"], dtype=object)
    typed = np.array([True, True, False])
    parsed = parse_dates(cells, ("DD/MM/YYYY",), typed)
    assert parsed.values.tolist() == ["2016-01-31", "2016-01-31", "2016-01-31"]
    assert not parsed.bad.any()


def test_numbers_accept_real_thousands_groups_only() -> None:
    cells = pd.Series(["1,234,567.89", "-1,234", "1,5", "1,23,456", "12", "1e3", "inf", "",
                       "1,000", ".5"], dtype=object)  # fmt: skip
    parsed = parse_numbers(cells, ",")
    values = [None if math.isnan(v) else v for v in parsed.values]
    assert values == [1234567.89, -1234.0, None, None, 12.0, 1000.0, None, None, 1000.0, 0.5]
    assert parsed.bad.tolist() == [False, False, True, True, False, False, True, False, False,
                                   False]  # fmt: skip
    assert parsed.reasons[6] == "not a finite number"


def test_a_space_separator_also_accepts_no_break_spaces_and_none_turns_grouping_off() -> None:
    parsed = parse_numbers(pd.Series(["1 234.5", "1\u00a0234", "12 34"], dtype=object), " ")
    assert parsed.values.tolist()[:2] == [1234.5, 1234.0]
    assert parsed.bad.tolist() == [False, False, True]
    strict = parse_numbers(pd.Series(["1,234", "1234"], dtype=object), "none")
    assert strict.bad.tolist() == [True, False]
    assert strict.reasons[0] == "not a number (plain decimal such as 1234.5 or -3)"
