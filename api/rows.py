"""A result frame as JSON rows: the same values `app.py query --format json` prints, in
strict JSON (undefined numbers are null, never NaN or Infinity; dates are ISO text)."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

Cell = str | int | float | bool | None


def json_cell(value: Any) -> Cell:
    """One cell as a JSON value. NaN (an undefined ratio, a missing group value) and ±inf
    become null, so the answer parses in any client."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return str(value)


def frame_rows(frame: pd.DataFrame) -> tuple[list[str], list[dict[str, Cell]]]:
    """The column names, in order, and one object per row."""
    columns = [str(c) for c in frame.columns]
    rows = [dict(zip(columns, map(json_cell, values), strict=True))
            for values in frame.itertuples(index=False, name=None)]
    return columns, rows
