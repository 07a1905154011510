"""The prepared source: canonical defaults applied, dimension values on every fact row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from tests.oracle.cells import _day, _number, _text
from tests.oracle.definitions import DEFAULT_CHANNEL


@dataclass
class Prepared:
    """The source with defaults applied and every fact row carrying its dimension values."""

    skus: dict[str, dict[str, Any]]
    locations: dict[str, dict[str, Any]]
    sales: pd.DataFrame
    receipts: pd.DataFrame
    inventory: pd.DataFrame
    snapshot_dates: list[date]
    earliest: date | None

    def attributes(self, sku_id: str, location_id: str) -> dict[str, Any]:
        """Dimension values a fact row gets from the sku and location tables (NULL if unknown)."""
        sku = self.skus.get(sku_id, {})
        loc = self.locations.get(location_id, {})
        return {
            "sku_id": sku_id,
            "location_id": location_id,
            "sku_name": sku.get("sku_name"),
            "category": sku.get("category"),
            "subcategory": sku.get("subcategory"),
            "brand": sku.get("brand"),
            "location_name": loc.get("location_name"),
            "region": loc.get("region"),
            "location_type": loc.get("location_type"),
            "location_channel": loc.get("channel") or DEFAULT_CHANNEL,
        }


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    return [] if frame is None else frame.to_dict("records")


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A frame of plain Python objects (no dtype inference surprises)."""
    data = {c: pd.Series([r.get(c) for r in rows], dtype=object) for c in columns}
    return pd.DataFrame(data, columns=list(columns))


_ATTRS = (
    "sku_id",
    "location_id",
    "sku_name",
    "category",
    "subcategory",
    "brand",
    "location_name",
    "region",
    "location_type",
    "location_channel",
)


def prepare(tables: Mapping[str, pd.DataFrame]) -> Prepared:
    """Apply the canonical defaults and attach dimension values to every fact row."""
    skus: dict[str, dict[str, Any]] = {}
    for r in _records(tables.get("sku")):
        skus[str(r["sku_id"])] = {
            "sku_name": _text(r.get("sku_name")),
            "category": _text(r.get("category")),
            "subcategory": _text(r.get("subcategory")),
            "brand": _text(r.get("brand")),
            "unit_cost": _number(r.get("unit_cost")),
        }
    locations: dict[str, dict[str, Any]] = {}
    for r in _records(tables.get("location")):
        locations[str(r["location_id"])] = {
            "location_name": _text(r.get("location_name")),
            "region": _text(r.get("region")),
            "channel": _text(r.get("channel")),
            "location_type": _text(r.get("location_type")),
        }
    prepared = Prepared(skus, locations, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), [], None)

    def unit_cost(sku_id: str) -> float | None:
        return skus.get(sku_id, {}).get("unit_cost")

    sales_rows = []
    for r in _records(tables.get("sales")):
        attrs = prepared.attributes(str(r["sku_id"]), str(r["location_id"]))
        qty = float(r["qty"])
        cost = _number(r.get("cost"))
        if cost is None:
            uc = unit_cost(attrs["sku_id"])
            cost = None if uc is None else qty * uc
        channel = _text(r.get("channel")) or attrs["location_channel"]
        sales_rows.append(
            {
                **attrs,
                "date": _day(r["date"]),
                "qty": qty,
                "revenue": float(r["revenue"]),
                "cost": cost,
                "channel": channel,
                "supplier": None,
            }
        )
    receipt_rows = []
    for r in _records(tables.get("receipts")):
        attrs = prepared.attributes(str(r["sku_id"]), str(r["location_id"]))
        cost = _number(r.get("cost"))
        uc = unit_cost(attrs["sku_id"])
        # Product decision: received_cost defaults a missing cost to qty × unit_cost (like
        # sales.cost); FIFO ageing keeps DESIGN.md's own rule (as-of unit value) on "cost".
        cost_default = cost if cost is not None else (None if uc is None else float(r["qty"]) * uc)
        receipt_rows.append(
            {
                **attrs,
                "date": _day(r["date"]),
                "qty": float(r["qty"]),
                "cost": cost,
                "cost_default": cost_default,
                "channel": attrs["location_channel"],
                "supplier": _text(r.get("supplier")),
            }
        )
    inventory_rows = []
    for r in _records(tables.get("inventory")):
        attrs = prepared.attributes(str(r["sku_id"]), str(r["location_id"]))
        qty = float(r["on_hand_qty"])
        value = _number(r.get("on_hand_value"))
        if value is None:
            uc = unit_cost(attrs["sku_id"])
            value = None if uc is None else qty * uc
        inventory_rows.append(
            {
                **attrs,
                "date": _day(r["date"]),
                "qty": qty,
                "value": value,
                "channel": attrs["location_channel"],
                "supplier": None,
            }
        )
    prepared.sales = _frame(
        sales_rows, (*_ATTRS, "date", "qty", "revenue", "cost", "channel", "supplier")
    )
    prepared.receipts = _frame(
        receipt_rows, (*_ATTRS, "date", "qty", "cost", "cost_default", "channel", "supplier")
    )
    prepared.inventory = _frame(
        inventory_rows, (*_ATTRS, "date", "qty", "value", "channel", "supplier")
    )
    prepared.snapshot_dates = sorted({r["date"] for r in inventory_rows})
    all_dates = [r["date"] for r in (*sales_rows, *receipt_rows, *inventory_rows)]
    prepared.earliest = min(all_dates) if all_dates else None
    return prepared
