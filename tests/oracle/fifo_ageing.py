"""FIFO ageing of on-hand stock: receipt layers, ages and age-bucket labels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from tests.oracle.source import Prepared, _frame


def age_bucket_label(age: int, bounds: Sequence[int]) -> str:
    """The age bucket of `age` days: inclusive upper bounds, e.g. "0-30", "31-60", ">365"."""
    lower = 0
    for upper in bounds:
        if age <= upper:
            return f"{lower}-{upper}"
        lower = upper + 1
    return f">{bounds[-1]}"


def ageing_pieces(
    src: Prepared,
    stock_at_asof: pd.DataFrame,
    snapshot: date | None,
    as_of: date,
    bounds: Sequence[int] = (30, 60, 90, 180, 365),
) -> pd.DataFrame:
    """FIFO layers of the on-hand units at `snapshot`, aged at `as_of`.

    Returns one row per (inventory row, layer) with the inventory row's dimension values plus
    `units`, `piece_value`, `age`, `age_bucket` and `older` (not covered by receipts).
    """
    columns = [*stock_at_asof.columns, "units", "piece_value", "age", "age_bucket", "older"]
    if snapshot is None or len(stock_at_asof) == 0:
        return _frame([], columns)
    receipts = src.receipts
    layers_by_pair: dict[tuple[str, str], dict[date, list[float]]] = {}
    for r in receipts.to_dict("records"):
        if not (r["qty"] > 0 and r["date"] <= snapshot):
            continue
        layers = layers_by_pair.setdefault((r["sku_id"], r["location_id"]), {})
        layer = layers.setdefault(r["date"], [0.0, 0.0, 0.0])  # qty, known cost, qty w/o cost
        layer[0] += r["qty"]
        if r["cost"] is None:
            layer[2] += r["qty"]
        else:
            layer[1] += r["cost"]
    pieces: list[dict[str, Any]] = []
    assert src.earliest is not None
    oldest_age = (as_of - src.earliest).days
    for row in stock_at_asof.to_dict("records"):
        q = row["qty"]
        if not q > 0:
            continue
        unit_value = row["value"] / q
        remaining = q
        layers = layers_by_pair.get((row["sku_id"], row["location_id"]), {})
        for day in sorted(layers, reverse=True):
            if remaining <= 0:
                break
            lq, known, no_cost_qty = layers[day]
            take = min(lq, remaining)
            layer_unit = (known + no_cost_qty * unit_value) / lq
            age = (as_of - day).days
            pieces.append(
                {
                    **row,
                    "units": take,
                    "piece_value": take * layer_unit,
                    "age": age,
                    "age_bucket": age_bucket_label(age, bounds),
                    "older": False,
                }
            )
            remaining -= take
        if remaining > 0:
            pieces.append(
                {
                    **row,
                    "units": remaining,
                    "piece_value": remaining * unit_value,
                    "age": oldest_age,
                    "age_bucket": age_bucket_label(oldest_age, bounds),
                    "older": True,
                }
            )
    return _frame(pieces, columns)
