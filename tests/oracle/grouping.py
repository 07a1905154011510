"""Filtering prepared frames and aggregating them per group of dimension values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tests.oracle.cells import _fsum
from tests.oracle.definitions import _COLUMN, Key


def _dim_values(frame: pd.DataFrame, dim: str, abc: Mapping[str, str]) -> list[Any]:
    """Each row's value of `dim` (abc_class is looked up from the row's SKU)."""
    if dim == "abc_class":
        return [abc.get(s) for s in frame["sku_id"]]
    column = _COLUMN[dim]
    if column not in frame.columns:  # e.g. age_bucket on anything but ageing pieces
        return [None] * len(frame)
    return list(frame[column])


def _filter(
    frame: pd.DataFrame, where: Mapping[str, Sequence[str]], abc: Mapping[str, str]
) -> pd.DataFrame:
    """Rows whose value of every filtered dimension is one of the allowed values."""
    mask = np.ones(len(frame), dtype=bool)
    for dim, allowed in where.items():
        allowed_set = set(allowed)
        values = _dim_values(frame, dim, abc)
        mask &= np.array([v in allowed_set for v in values], dtype=bool)
    return frame[mask]


def _keys(frame: pd.DataFrame, dims: Sequence[str], abc: Mapping[str, str]) -> list[Key]:
    """The group key (tuple of dimension values) of every row."""
    if not dims:
        return [() for _ in range(len(frame))]
    columns = [_dim_values(frame, d, abc) for d in dims]
    return list(zip(*columns, strict=True))


def _group_sum(
    frame: pd.DataFrame, dims: Sequence[str], abc: Mapping[str, str], column: str
) -> dict[Key, float]:
    parts: dict[Key, list[Any]] = {}
    for key, value in zip(_keys(frame, dims, abc), frame[column], strict=True):
        parts.setdefault(key, []).append(value)
    return {k: _fsum(v) for k, v in parts.items()}


def _group_distinct(
    frame: pd.DataFrame, dims: Sequence[str], abc: Mapping[str, str], column: str
) -> dict[Key, set[Any]]:
    out: dict[Key, set[Any]] = {}
    for key, value in zip(_keys(frame, dims, abc), frame[column], strict=True):
        out.setdefault(key, set()).add(value)
    return out


def _group_count(
    frame: pd.DataFrame, dims: Sequence[str], abc: Mapping[str, str]
) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for key in _keys(frame, dims, abc):
        out[key] = out.get(key, 0) + 1
    return out


def _in_period(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return frame[np.array([start <= d <= end for d in frame["date"]], dtype=bool)]


def _on_date(frame: pd.DataFrame, day: date | None) -> pd.DataFrame:
    return frame[np.array([d == day for d in frame["date"]], dtype=bool)]
