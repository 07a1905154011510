"""The purchase-suggestion CSV (采购建议): one line per SKU-location to order, grouped by
supplier, in the page's language. UTF-8 with a byte-order mark, so Excel opens Chinese
names correctly; numbers are plain numbers (no currency signs) so the file can be loaded
into an ERP as it is. Written by exports/spreadsheet.py: text in quotes, and a name that
would start a formula ("=cmd|…") prefixed with a quote."""

from __future__ import annotations

import pandas as pd

from exports.spreadsheet import csv_bytes
from forecast.plan import purchase_suggestions
from i18n import t

COLUMNS = ("supplier", "sku", "sku_name", "location", "location_name", "order_qty",
           "unit_cost", "order_value", "on_hand", "reorder_point", "forecast_daily",
           "lead_time", "order_by", "stockout_date")
ROUNDING = {"order_qty": 0, "unit_cost": 2, "order_value": 2, "on_hand": 0,
            "reorder_point": 1, "forecast_daily": 2, "lead_time": 1}


def purchase_csv(plan: pd.DataFrame, lang: str) -> bytes:
    """The CSV of the plan's lines with a quantity to order."""
    lines = purchase_suggestions(plan)[list(COLUMNS)].copy()
    for column, digits in ROUNDING.items():
        lines[column] = lines[column].astype(float).round(digits)
    lines["order_qty"] = lines["order_qty"].astype("int64")
    for column in ("order_by", "stockout_date"):
        lines[column] = [d.isoformat() if d else "" for d in lines[column]]
    return csv_bytes(lines, [t(f"repl.col.{c}", lang) for c in COLUMNS])
