"""The date-format language of mappings: one definition for files and for databases.

A mapping's `date_format` is ISO, EXCEL, or a pattern of the tokens YYYY, MM/M, DD/D and the
separators - / . and space (DD-MM-YYYY, M/D/YYYY, YYYYMMDD, …). date_parsing.py applies a
format to the cells of a file (pandas), sql_dates.py turns it into SQL over a database's text
column; both take the shapes and the rules from here, so a text is a date, and the same date,
whichever side reads it (tests/date_cases.py is the table of cases both are checked against).

- A pattern matches the whole text (trimmed of surrounding whitespace). YYYY is four digits,
  MM and DD two, M and D one or two; the day must exist (31-02-2016 and 29-02-2015 are not
  dates) and the year is 0001-9999. M or D must be followed by a separator or end the pattern
  (in MDYYYY, 1112016 could be 1 November or 11 January).
- ISO is YYYY-MM-DD, optionally followed by a time of day (T or a space, HH:MM, then :SS and
  a fraction, and a zone Z or ±HH[:MM]): the date part is the date.
- EXCEL is a serial day number of Excel's 1900 date system, with an optional fraction (the
  time of day, dropped: 45000.75 is the day of 45000). Serial 1 is 1900-01-01. Excel counts a
  29 February 1900 that never was (Lotus 1-2-3's bug), so serial 60 is no date and serials
  from 61 on are one day less than their count from 1899-12-31; 2958465 (9999-12-31) is the
  last. Serials are at most seven digits before the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ISO = "ISO"
EXCEL = "EXCEL"
SPECIAL_FORMATS = (ISO, EXCEL)
ISO_PATTERN = "YYYY-MM-DD"
SEPARATORS = "-/. "

FIELDS = {"YYYY": "y", "MM": "m", "M": "m", "DD": "d", "D": "d"}
WIDTHS: dict[str, int | None] = {"YYYY": 4, "MM": 2, "DD": 2, "M": None, "D": None}  # None: 1-2
_TOKEN = re.compile("YYYY|MM|DD|M|D")
_TOKEN_REGEX = {"YYYY": "[0-9]{4}", "MM": "[0-9]{2}", "M": "[0-9]{1,2}", "DD": "[0-9]{2}",
                "D": "[0-9]{1,2}"}
_SEPARATOR_REGEX = {"-": "-", "/": "/", ".": "[.]", " ": " "}  # no backslashes: every engine

# Written for Python's re, PostgreSQL, MariaDB (PCRE), DuckDB (RE2) and SQLite alike:
# character classes and (?:…) groups only.
TIME_OF_DAY_REGEX = ("(?:[ T](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]+)?)?"
                     "(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?")
SERIAL_REGEX = "[0-9]{1,7}(?:[.][0-9]*)?"
FIRST_SERIAL_DAY = "1899-12-31"  # serial 1 is the day after
FAKE_LEAP_DAY = 60  # Excel's 1900-02-29
LAST_SERIAL = 2958465  # 9999-12-31


@dataclass(frozen=True)
class Piece:
    """A token (YYYY, MM, M, DD, D) or a run of separator characters of a pattern."""

    text: str
    token: bool

    @property
    def field(self) -> str:
        return FIELDS[self.text]

    @property
    def width(self) -> int | None:
        """Digits of a token (None: one or two) or characters of a separator run."""
        return WIDTHS[self.text] if self.token else len(self.text)


def pattern_of(fmt: str) -> str:
    """The token pattern of a format (ISO is YYYY-MM-DD); EXCEL has none."""
    return ISO_PATTERN if fmt == ISO else fmt


def pieces(fmt: str) -> tuple[Piece, ...]:
    pattern, out, end = pattern_of(fmt), [], 0
    for token in _TOKEN.finditer(pattern):
        if token.start() > end:
            out.append(Piece(pattern[end:token.start()], token=False))
        out.append(Piece(token.group(), token=True))
        end = token.end()
    if end < len(pattern):
        out.append(Piece(pattern[end:], token=False))
    return tuple(out)


def format_problem(fmt: str) -> str | None:
    """Why `fmt` (not ISO or EXCEL) is not a usable pattern, or None when it is."""
    parts = pieces(fmt)
    literals = "".join(p.text for p in parts if not p.token)
    if any(ch not in SEPARATORS for ch in literals):
        return "a pattern has only the tokens YYYY, MM/M, DD/D and - / . separators"
    fields = sorted(p.field for p in parts if p.token)
    if fields != ["d", "m", "y"]:
        return "a pattern names the year (YYYY), the month (MM or M) and the day (DD or D) once"
    for piece, following in zip(parts, (*parts[1:], None), strict=True):
        if piece.token and piece.width is None and following is not None and following.token:
            return f"{piece.text} (one or two digits) must be followed by a separator"
    return None


def shape_regex(fmt: str, named: bool = False) -> str:
    """The regular expression of a text in `fmt`, to match the whole text (the caller adds
    the anchors its engine needs). `named` gives Python groups y, m and d for the fields."""
    if fmt == EXCEL:
        return SERIAL_REGEX
    out = []
    for piece in pieces(fmt):
        if piece.token:
            body = _TOKEN_REGEX[piece.text]
            out.append(f"(?P<{piece.field}>{body})" if named else body)
        else:
            out.append("".join(_SEPARATOR_REGEX[ch] for ch in piece.text))
    return "".join(out) + (TIME_OF_DAY_REGEX if fmt == ISO else "")
