"""Turning trimmed text cells into typed values: the one place that decides what a valid value is.

Each parser works on a whole column at once (vectorized, no Python loop per row) and reports
which non-empty cells it could not parse and why. How a column is parsed comes from the
mapping part that feeds it: its date formats and its thousands separator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from canonical.model import Column
from data_connectors.date_parsing import ISO, NOT_A_DATE, not_a_date_reason, parse_dates
from data_connectors.mapping import EntityPart

__all__ = ["NOT_A_DATE", "Parsed", "parse_numbers", "parse_text", "parser_for"]

_PLAIN_DECIMAL = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NON_FINITE_WORD = r"[+-]?(?:inf|infinity|nan)"
_SPACES = "[ \u00a0\u202f]"  # a space as thousands separator may be a no-break space
NO_SEPARATOR = ("", "none")

NOT_A_NUMBER = "not a number (plain decimal such as 1234.5 or -3)"
NOT_FINITE = "not a finite number"


@dataclass(frozen=True)
class Parsed:
    """A parsed column: values (missing where empty or bad) and the bad cells with reasons."""

    values: pd.Series
    bad: pd.Series  # bool, True where a non-empty cell could not be parsed
    reasons: pd.Series  # the reason for each bad cell (only read where `bad`)


ValueParser = Callable[[pd.Series], Parsed]


def parse_text(cells: pd.Series) -> Parsed:
    """Text is kept as written (already trimmed); an empty cell becomes NULL."""
    values = cells.astype(object).where(cells != "", None)
    return Parsed(values, pd.Series(False, index=cells.index), _no_reasons(cells))


def parse_numbers(cells: pd.Series, thousands: str = "") -> Parsed:
    """Decimals such as 12, -3.5 or 1e3, and with `thousands` real digit groups: 1,234,567.89.

    A separator must be followed by groups of exactly three digits, so "1,5" (a decimal comma
    or a typo) stays an error instead of silently becoming 15. When the separator is "." the
    decimal mark is ",". inf, nan and overflow are rejected.
    """
    filled = cells != ""
    plain = cells
    separated = thousands.lower() not in NO_SEPARATOR
    sep = _SPACES if thousands == " " else re.escape(thousands)
    if separated:
        point = "," if thousands == "." else r"\."
        pattern = rf"[+-]?[0-9]{{1,3}}(?:{sep}[0-9]{{3}})+(?:{point}[0-9]*)?"
        grouped = cells.str.fullmatch(pattern).fillna(False).astype(bool)
        plain = cells.where(~grouped, cells.str.replace(sep, "", regex=True))
        if thousands == ".":  # a "." outside digit groups would be a decimal point: refuse it
            stray_dot = ~grouped & cells.str.contains(".", regex=False)
            plain = plain.str.replace(",", ".", regex=False).where(~stray_dot, "")
    shaped = plain.str.fullmatch(_PLAIN_DECIMAL).fillna(False).astype(bool)
    numbers = pd.to_numeric(plain.where(shaped, None), errors="coerce").astype(float)
    finite = pd.Series(np.isfinite(numbers.to_numpy()), index=cells.index)
    reasons = pd.Series(NOT_A_NUMBER, index=cells.index, dtype=object)
    odd = cells[filled & ~shaped]  # only these can be words like "inf" or bad digit groups
    word = odd.str.fullmatch(_NON_FINITE_WORD, case=False).fillna(False).astype(bool)
    reasons[shaped & ~finite] = NOT_FINITE
    reasons[word[word].index] = NOT_FINITE
    if separated:
        ungrouped = odd.str.contains(sep, regex=True)
        reasons[ungrouped[ungrouped].index] = (
            f"not a number: {thousands!r} is read as a thousands separator, which must be "
            "followed by groups of three digits (set `thousands:` in the mapping)"
        )
    values = numbers.where(shaped & finite, np.nan)
    return Parsed(values, filled & ~(shaped & finite), reasons)


def date_parser(formats: tuple[str, ...] = (ISO,), typed: np.ndarray | None = None) -> ValueParser:
    """A parser for dates in `formats` (tried in order); `typed` marks workbook date cells."""

    def parse(cells: pd.Series) -> Parsed:
        parsed = parse_dates(cells, formats, typed)
        reasons = pd.Series(not_a_date_reason(formats), index=cells.index, dtype=object)
        return Parsed(parsed.values, parsed.bad, reasons)

    return parse


def parser_for(column: Column, part: EntityPart, typed: np.ndarray | None = None) -> ValueParser:
    """The parser of one canonical column as the mapping part that feeds it asks."""
    if column.kind == "date":
        return date_parser(part.formats_for(column.name), typed)
    if column.kind == "number":
        return lambda cells: parse_numbers(cells, part.thousands)
    return parse_text


def _no_reasons(cells: pd.Series) -> pd.Series:
    return pd.Series(None, index=cells.index, dtype=object)
