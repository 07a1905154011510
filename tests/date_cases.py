"""One table of date-format cases that files and every database must answer alike.

Each case is (formats as a mapping names them, the text of a cell or a database value, the
date it means or REJECTED). The rules are those of data_connectors/date_formats.py: a
pattern matches the whole trimmed text and names a real day (years 0001-9999); ISO may
carry a time of day, which is dropped; EXCEL serials follow Excel's 1900 date system
(serial 1 is 1900-01-01, 60 is Excel's 29 February 1900 that never was and is no date,
serials from 61 on are one day less than their count from 1899-12-31, a fraction is a time
of day and is dropped); in a list of formats the first that applies decides.

tests/integration/test_date_agreement.py runs every case through the file importer's parser
and through the SQL of data_connectors/sql_dates.py on DuckDB, SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REJECTED = None


@dataclass(frozen=True)
class DateCase:
    formats: tuple[str, ...]
    text: str
    expected: date | None  # REJECTED: not a date in any of the formats
    why: str = ""

    @property
    def label(self) -> str:
        return f"{'|'.join(self.formats)}:{self.text!r}"


def _cases(formats: str | tuple[str, ...],
           *rows: tuple[str, str | None] | tuple[str, str | None, str]) -> list[DateCase]:
    fmts = (formats,) if isinstance(formats, str) else formats
    return [DateCase(fmts, row[0], None if row[1] is None else date.fromisoformat(row[1]),
                     row[2] if len(row) > 2 else "") for row in rows]


DATE_CASES: list[DateCase] = [
    *_cases(
        "ISO",
        ("2016-01-05", "2016-01-05"),
        ("2016-02-29", "2016-02-29", "a leap year"),
        ("2000-02-29", "2000-02-29", "divisible by 400: a leap year"),
        ("1900-02-29", REJECTED, "divisible by 100, not by 400: not a leap year"),
        ("2015-02-29", REJECTED, "not a leap year"),
        ("2016-02-30", REJECTED),
        ("2016-04-31", REJECTED, "April has 30 days"),
        ("2016-13-01", REJECTED),
        ("2016-00-10", REJECTED),
        ("2016-01-00", REJECTED),
        ("0001-01-01", "0001-01-01", "the first year"),
        ("0000-01-01", REJECTED, "there is no year 0"),
        ("9999-12-31", "9999-12-31", "the last day"),
        (" 2016-01-05 ", "2016-01-05", "trimmed"),
        ("\t2016-01-05\r\n", "2016-01-05", "trimmed of tabs and line breaks too"),
        ("2016-01-05 10:30", "2016-01-05", "a time of day is dropped"),
        ("2016-01-05 10:30:15", "2016-01-05"),
        ("2016-01-05T23:59:59.999999", "2016-01-05"),
        ("2016-01-05T10:30:15Z", "2016-01-05"),
        ("2016-01-05 10:30:15+01:00", "2016-01-05", "the date as written, not moved to UTC"),
        ("2016-01-05 00:00:00-0500", "2016-01-05"),
        ("2016-01-05 24:00", REJECTED, "not a time of day"),
        ("2016-01-05 10:60", REJECTED),
        ("2016-01-05T", REJECTED),
        ("2016-01-05 junk", REJECTED, "text after the date that is not a time"),
        ("2016-02-30 10:00", REJECTED, "a time does not rescue a day that does not exist"),
        ("2016-1-5", REJECTED, "MM and DD are two digits"),
        ("16-01-05", REJECTED),
        ("2016/01/05", REJECTED),
        ("20160105", REJECTED),
        ("42370", REJECTED, "a serial is not ISO"),
        ("x2016-01-05", REJECTED),
    ),
    *_cases(
        "DD-MM-YYYY",
        ("05-01-2016", "2016-01-05"),
        ("31-12-2016", "2016-12-31"),
        ("29-02-2016", "2016-02-29"),
        ("29-02-2015", REJECTED),
        ("31-02-2016", REJECTED, "never 2 March"),
        ("31-04-2016", REJECTED),
        ("00-01-2016", REJECTED),
        ("05-13-2016", REJECTED),
        ("05-01-0000", REJECTED),
        ("5-1-2016", REJECTED, "DD and MM are two digits"),
        ("05/01/2016", REJECTED, "another separator"),
        ("05-01-16", REJECTED),
        ("05-01-2016 10:00", REJECTED, "only ISO carries a time"),
        ("2016-01-05", REJECTED),
    ),
    *_cases(
        "MM-DD-YYYY",
        ("01-05-2016", "2016-01-05"),
        ("12-31-2016", "2016-12-31"),
        ("02-29-2016", "2016-02-29"),
        ("02-29-2017", REJECTED),
        ("13-01-2016", REJECTED),
    ),
    *_cases(
        "M/D/YYYY",
        ("1/5/2016", "2016-01-05"),
        ("1/15/2016", "2016-01-15"),
        ("10/1/2016", "2016-10-01"),
        ("12/31/2016", "2016-12-31"),
        ("01/05/2016", "2016-01-05", "a leading zero is still one or two digits"),
        ("2/29/2016", "2016-02-29"),
        ("2/29/2015", REJECTED),
        ("2/30/2016", REJECTED),
        ("13/1/2016", REJECTED),
        ("0/1/2016", REJECTED),
        ("123/1/2016", REJECTED, "three digits"),
        ("1/5/16", REJECTED),
        ("/5/2016", REJECTED),
        ("1-5-2016", REJECTED),
        ("1/5/2016\n", "2016-01-05", "trimmed before the year is cut from the end"),
        (" 12/31/2016 ", "2016-12-31"),
    ),
    *_cases(
        "YYYY/M/D",
        ("2016/1/5", "2016-01-05", "a one-or-two-digit field at the end"),
        ("2016/12/31", "2016-12-31"),
        ("2016/2/30", REJECTED),
        ("2016/1/123", REJECTED),
    ),
    *_cases(
        "D.M.YYYY",
        ("5.1.2016", "2016-01-05"),
        ("05.01.2016", "2016-01-05"),
        ("31.12.2016", "2016-12-31"),
        ("5x1x2016", REJECTED, "the dot is a dot, not any character"),
    ),
    *_cases(
        "DD MM YYYY",
        ("05 01 2016", "2016-01-05"),
        ("05  01 2016", REJECTED),
    ),
    *_cases(
        "YYYYMMDD",
        ("20160105", "2016-01-05"),
        ("20161231", "2016-12-31"),
        ("20160230", REJECTED),
        ("2016015", REJECTED),
        ("201601050", REJECTED),
        ("2016-01-05", REJECTED),
    ),
    *_cases(
        "EXCEL",
        ("1", "1900-01-01", "serial 1"),
        ("31", "1900-01-31"),
        ("59", "1900-02-28", "below 60: counted from 1899-12-31"),
        ("60", REJECTED, "Excel's 29 February 1900, which never was"),
        ("61", "1900-03-01", "from 61 on: one day less"),
        ("42370", "2016-01-01"),
        ("45000", "2023-03-15"),
        ("45000.75", "2023-03-15", "a fraction is a time of day: the date part counts"),
        ("45000.5", "2023-03-15", "never rounded up"),
        ("45000.99999999999999999", "2023-03-15", "read as text, not through a float"),
        ("45000.0", "2023-03-15"),
        ("45000.", "2023-03-15"),
        ("59.9", "1900-02-28"),
        ("60.5", REJECTED),
        ("0045000", "2023-03-15"),
        ("2958465", "9999-12-31", "the last serial"),
        ("2958466", REJECTED),
        ("0", REJECTED, "there is no day 0"),
        ("0.5", REJECTED),
        ("12345678", REJECTED, "more than seven digits"),
        ("-1", REJECTED),
        (".5", REJECTED),
        ("4.5e4", REJECTED),
        ("45,000", REJECTED),
        (" 45000.5\n", "2023-03-15", "trimmed"),
        ("2016-01-05", REJECTED),
    ),
    *_cases(
        ("DD-MM-YYYY", "MM-DD-YYYY"),
        ("13-01-2016", "2016-01-13"),
        ("01-13-2016", "2016-01-13", "not DD-MM (no month 13): the next format applies"),
        ("05-01-2016", "2016-01-05", "both apply: the first decides"),
        ("31-02-2016", REJECTED, "neither names a real day"),
    ),
    *_cases(
        ("MM-DD-YYYY", "M/D/YYYY"),  # examples/bibitor: both occur in one column
        ("01-02-2016", "2016-01-02"),
        ("1/15/2016", "2016-01-15"),
        ("01/02/2016", "2016-01-02"),
        ("15-01-2016", REJECTED),
    ),
    *_cases(
        ("DD/MM/YYYY", "EXCEL"),
        ("31/12/2016", "2016-12-31"),
        ("42370", "2016-01-01"),
        ("42370.25", "2016-01-01"),
        ("60", REJECTED),
    ),
    *_cases(
        ("ISO", "EXCEL"),  # a workbook's date column: typed dates and serials
        ("2016-01-05 00:00:00", "2016-01-05"),
        ("42370.5", "2016-01-01"),
        ("1", "1900-01-01"),
    ),
]
