"""Parsing helpers shared by commands: dates, lists and `dim=value` filters, with errors
that name the option and the value (the CLI prints them as one line)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date


class UsageError(ValueError):
    """A bad command-line value; the message names the option."""


def parse_date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def parse_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def parse_numbers(option: str, text: str | None, kind: type = float) -> list:
    try:
        return [kind(x) for x in parse_list(text)]
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a comma-separated list of numbers") from None


def parse_where(items: Iterable[str]) -> dict[str, list[str]]:
    """`--where region=East --where region=West` → {"region": ["East", "West"]}."""
    where: dict[str, list[str]] = {}
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip():
            raise UsageError(f"--where: {item!r} is not of the form dimension=value")
        where.setdefault(dim.strip(), []).append(value.strip())
    return where


_HAVING = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|>|<|=)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$")


def parse_having(text: str) -> tuple[str, str, float]:
    """`inventory_value>1000` → ("inventory_value", ">", 1000.0)."""
    match = _HAVING.match(text)
    if not match:
        raise UsageError(f"--having: {text!r} is not of the form metric>number "
                         "(operators: > >= < <= = !=)")
    return match.group(1), match.group(2), float(match.group(3))


def parse_sort(text: str) -> tuple[str, bool]:
    """`turnover:desc` / `turnover:asc` / `-turnover` → (column, descending)."""
    column, _, direction = text.partition(":")
    if direction.lower() not in ("", "asc", "desc"):
        raise UsageError(f"--sort: {text!r}: the direction is asc or desc")
    if column.startswith("-"):
        return column[1:], True
    return column, direction.lower() == "desc"
