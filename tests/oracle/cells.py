"""Reading single cell values (missing, text, number, date) and SQL-like arithmetic."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from tests.oracle.definitions import Value


def _missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and the empty string."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def _text(value: Any) -> str | None:
    """A text cell as `str`, or None when missing."""
    return None if _missing(value) else str(value)


def _number(value: Any) -> float | None:
    """A numeric cell as `float`, or None when missing."""
    return None if _missing(value) else float(value)


def _day(value: Any) -> date:
    """A date cell (date, datetime, Timestamp or ISO text) as `datetime.date`."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _fsum(values: Iterable[Any]) -> float:
    """Exactly rounded sum of the non-missing values (SQL SUM semantics, but 0 when empty)."""
    return math.fsum(float(v) for v in values if not _missing(v))


def _ratio(numerator: Value, denominator: Value) -> Value:
    """numerator / denominator, undefined (None) when either is undefined or the divisor is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator
