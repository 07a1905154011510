"""Names and tables the oracle shares: time grains, dimensions, metrics and their sources."""

from __future__ import annotations

from typing import Any

TIME_GRAINS = ("day", "week", "month", "quarter", "year")
SKU_DIMS = ("sku", "category", "subcategory", "brand")
LOCATION_DIMS = ("location", "region", "location_type")
DEFAULT_CHANNEL = "default"

FLOW_METRICS = ("cogs", "revenue", "units_sold", "gross_margin")
RECEIPT_METRICS = ("received_units", "received_cost")
AGEING_METRICS = ("aged_units", "aged_value", "average_age_days", "units_older_than_data")
ALL_METRICS = (
    *FLOW_METRICS,
    *RECEIPT_METRICS,
    "avg_inventory_value",
    "inventory_value",
    "turnover",
    "turnover_days",
    "annualized_turnover",
    "sell_through",
    "gmroi",
    "purchase_sales_ratio",
    "movement_rate",
    "stockout_rate",
    "days_of_supply",
    "on_hand_units",
    "days_since_last_sale",
    "dead_stock_value",
    "dead_stock_share",
    *AGEING_METRICS,
)

# The prepared-frame column that holds each (non-time) dimension's value.
_COLUMN = {
    "sku": "sku_id",
    "category": "category",
    "subcategory": "subcategory",
    "brand": "brand",
    "location": "location_id",
    "region": "region",
    "location_type": "location_type",
    "channel": "channel",
    "supplier": "supplier",
    "age_bucket": "age_bucket",
}
# Label columns that follow a dimension in the output.
_LABEL = {"sku": "sku_name", "location": "location_name"}

# Which prepared fact sets a metric reads; a group appears if it has a row in any of them.
_SOURCES: dict[str, tuple[str, ...]] = {
    "cogs": ("sales",),
    "revenue": ("sales",),
    "units_sold": ("sales",),
    "gross_margin": ("sales",),
    "received_units": ("receipts",),
    "received_cost": ("receipts",),
    "avg_inventory_value": ("stock",),
    "inventory_value": ("asof",),
    "turnover": ("sales", "stock"),
    "turnover_days": ("sales", "stock"),
    "annualized_turnover": ("sales", "stock"),
    "sell_through": ("sales", "receipts", "opening"),
    "gmroi": ("sales", "stock"),
    "purchase_sales_ratio": ("sales", "receipts"),
    "movement_rate": ("sales", "stock"),
    "stockout_rate": ("pairs",),
    "days_of_supply": ("sales", "asof"),
    "on_hand_units": ("asof",),
    "days_since_last_sale": ("last_sale",),
    "dead_stock_value": ("asof",),
    "dead_stock_share": ("asof",),
    **{m: ("pieces",) for m in AGEING_METRICS},
}

Key = tuple[Any, ...]
Value = float | None
