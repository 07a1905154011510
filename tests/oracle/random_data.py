"""A seeded generator of small but nasty canonical data sets, as frames and as canonical CSVs.

"Nasty" means the data exercises every default and edge the metric definitions talk about:
brands and channels left empty, sales lines without cost (so qty × unit_cost applies), returns
(negative quantities) and zero-quantity lines, receipts without cost and before the first
inventory snapshot, several receipts of one SKU-location on the same day, snapshots on an
irregular set of dates with SKU-locations missing from some of them, zero and negative stock,
missing stock values, and stock that the receipts in the data cannot explain (so FIFO ageing
has units "older than the data"). Quantities are fractional and money has cents.

Every number is rounded to a few decimals before it is stored, so `repr(float)` written to CSV
reads back as exactly the same float and the oracle and the importer see identical values.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from canonical.model import ENTITIES

DATA_START = date(2024, 11, 25)  # a Monday; the data crosses a year (and ISO-year) boundary
DATA_DAYS = 120
CATEGORIES = ("Apparel", "Food", "Toys")
BRANDS = ("Acme", "Zenith", "Nova")
SUPPLIERS = ("Acme Supply", "Globex")


def _money(x: float) -> float:
    return round(float(x), 2)


def _qty(x: float) -> float:
    return round(float(x), 2)


def _skus(rng: np.random.Generator) -> list[dict[str, Any]]:
    rows = []
    no_brand = set(rng.choice(12, size=3, replace=False).tolist())
    for i in range(12):
        category = CATEGORIES[i % 3]
        unit_cost = _money(rng.uniform(2, 80))
        name = f"Item {i + 1:02d}"
        if i == 1:
            name = "Widget, large"  # needs CSV quoting
        elif i == 4:
            name = "保温杯 500ml"
        rows.append(
            {
                "sku_id": f"SKU{i + 1:02d}",
                "sku_name": name,
                "category": category,
                "subcategory": None if i == 7 else f"{category}-{i % 2 + 1}",
                "brand": None if i in no_brand else BRANDS[int(rng.integers(0, 3))],
                "unit_cost": unit_cost,
                "unit_price": _money(unit_cost * rng.uniform(1.2, 2.0)),
            }
        )
    return rows


def _locations(rng: np.random.Generator) -> list[dict[str, Any]]:
    north = "North" if rng.random() < 0.5 else "East"
    return [
        {"location_id": "L01", "location_name": "Shanghai Store", "region": "East",
         "channel": "store", "location_type": "store"},
        {"location_id": "L02", "location_name": "East DC", "region": "East",
         "channel": "online", "location_type": "warehouse"},
        {"location_id": "L03", "location_name": "West Store", "region": "West",
         "channel": "store", "location_type": "store"},
        {"location_id": "L04", "location_name": "West Hub", "region": "West",
         "channel": None, "location_type": "warehouse"},
        {"location_id": "L05", "location_name": "Harbin Outlet", "region": north,
         "channel": "online", "location_type": "store"},
    ]  # fmt: skip


def generate(seed: int, start: date = DATA_START, days: int = DATA_DAYS) -> dict[str, pd.DataFrame]:
    """The five canonical tables for `seed`, as frames of plain Python values (None = missing)."""
    rng = np.random.default_rng(seed)
    skus = _skus(rng)
    locations = _locations(rng)
    sku_by_id = {s["sku_id"]: s for s in skus}
    loc_by_id = {loc["location_id"]: loc for loc in locations}
    dates = [start + timedelta(days=i) for i in range(days)]

    # Per SKU-location behaviour. SKU12 has no facts at all (it still counts for ABC).
    pairs = [(s["sku_id"], loc["location_id"]) for s in skus[:11] for loc in locations]
    behaviour: dict[tuple[str, str], dict[str, Any]] = {}
    for pair in pairs:
        behaviour[pair] = {
            "sales_rate": 0.0 if rng.random() < 0.2 else float(rng.uniform(0.08, 0.45)),
            "sales_stop": int(rng.integers(10, 30)) if rng.random() < 0.2 else days,
            "receipt_rate": 0.0 if rng.random() < 0.2 else float(rng.uniform(0.03, 0.12)),
            "stocked": rng.random() < 0.85,
            "level": float(rng.uniform(5, 160)),
        }

    sales: list[dict[str, Any]] = []
    receipts: list[dict[str, Any]] = []
    for i, day in enumerate(dates):
        for sku_id, loc_id in pairs:
            b = behaviour[(sku_id, loc_id)]
            sku = sku_by_id[sku_id]
            loc = loc_by_id[loc_id]
            if i < b["sales_stop"] and rng.random() < b["sales_rate"]:
                kind = rng.random()
                if kind < 0.04:
                    qty = 0.0
                elif kind < 0.10:
                    qty = -_qty(rng.uniform(0.5, 3))
                else:
                    qty = _qty(rng.uniform(0.5, 8))
                revenue = _money(qty * sku["unit_price"] * rng.uniform(0.8, 1.0))
                cost = (
                    None
                    if rng.random() < 0.2
                    else _money(qty * sku["unit_cost"] * rng.uniform(0.95, 1.05))
                )
                c = rng.random()
                if c < 0.25:
                    channel = None
                elif c < 0.85:
                    channel = loc["channel"] or "store"
                else:
                    channel = "online" if loc["channel"] == "store" else "store"
                sales.append(
                    {"date": day, "sku_id": sku_id, "location_id": loc_id, "channel": channel,
                     "qty": qty, "revenue": revenue, "cost": cost}
                )  # fmt: skip
            if rng.random() < b["receipt_rate"]:
                for _ in range(2 if rng.random() < 0.3 else 1):  # same-day receipts merge
                    qty = _qty(rng.uniform(1, 30))
                    if rng.random() < 0.04:
                        qty = -_qty(rng.uniform(0.5, 3))  # a return to the supplier
                    cost = (
                        None
                        if rng.random() < 0.15
                        else _money(qty * sku["unit_cost"] * rng.uniform(0.85, 1.1))
                    )
                    supplier = None if rng.random() < 0.1 else SUPPLIERS[int(rng.integers(0, 2))]
                    order_date = (
                        None
                        if rng.random() < 0.3
                        else day - timedelta(days=int(rng.integers(1, 15)))
                    )
                    receipts.append(
                        {"date": day, "sku_id": sku_id, "location_id": loc_id, "qty": qty,
                         "cost": cost, "supplier": supplier, "order_date": order_date}
                    )  # fmt: skip

    # Snapshots: weekly from day 10, plus a few extra days; none before day 10, so some
    # receipts and sales come before the first snapshot.
    snapshot_days = set(range(10, days, 7))
    snapshot_days |= set(rng.choice(np.arange(11, days), size=4, replace=False).tolist())
    inventory: list[dict[str, Any]] = []
    for i in sorted(snapshot_days):
        day = dates[i]
        for sku_id, loc_id in pairs:
            b = behaviour[(sku_id, loc_id)]
            if not b["stocked"] or rng.random() < 0.15:
                continue  # absent on this date: zero stock
            level = b["level"] * rng.uniform(0.4, 1.6)
            kind = rng.random()
            if kind < 0.12:
                qty = 0.0
            elif kind < 0.14:
                qty = -_qty(level / 20)  # a booking error: negative stock counts as none
            else:
                qty = _qty(level)
            unit_cost = sku_by_id[sku_id]["unit_cost"]
            value = None if rng.random() < 0.15 else _money(qty * unit_cost * rng.uniform(0.9, 1.1))
            inventory.append(
                {"date": day, "sku_id": sku_id, "location_id": loc_id, "on_hand_qty": qty,
                 "on_hand_value": value}
            )  # fmt: skip

    rows = {
        "sku": skus,
        "location": locations,
        "sales": sales,
        "receipts": receipts,
        "inventory": inventory,
    }
    return {
        name: pd.DataFrame(
            {
                c: pd.Series([r.get(c) for r in table], dtype=object)
                for c in ENTITIES[name].column_names
            }
        )
        for name, table in rows.items()
    }


def _cell(value: Any) -> str:
    """A value as canonical CSV text: ISO dates, shortest round-trip floats, empty = missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csvs(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    """Write the tables as canonical CSVs (sku.csv, location.csv, ...) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        columns = list(ENTITIES[name].column_names)
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for record in frame[columns].itertuples(index=False, name=None):
                writer.writerow([_cell(v) for v in record])
    return folder
