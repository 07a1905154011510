"""The dimensions a MetricQuery may group or filter by (DESIGN.md, "Dimensions").

A dimension says where its value comes from; the compiler turns that into a column of the
fact being aggregated, so "channel" means the sale's channel on sales and the location's
channel on stock, exactly as the design requires, without special cases in the metrics.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dimension:
    """A group-by / filter dimension.

    origin: "sku" or "location" (an attribute of that entity), "channel", "supplier"
    (receipts only), "time" (a time grain), "age_bucket" or "abc_class" (derived).
    """

    id: str
    label_zh: str
    label_en: str
    origin: str
    column: str = ""
    name_column: str = ""  # a human-readable companion returned alongside the id

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en


TIME_GRAINS = ("day", "week", "month", "quarter", "year")

DIMENSIONS: dict[str, Dimension] = {
    d.id: d
    for d in (
        Dimension("sku", "SKU", "SKU", "sku", "sku_id", "sku_name"),
        Dimension("category", "品类", "Category", "sku", "category"),
        Dimension("subcategory", "子品类", "Subcategory", "sku", "subcategory"),
        Dimension("brand", "品牌", "Brand", "sku", "brand"),
        Dimension("location", "门店/仓库", "Location", "location", "location_id", "location_name"),
        Dimension("region", "区域", "Region", "location", "region"),
        Dimension("location_type", "网点类型", "Location type", "location", "location_type"),
        Dimension("channel", "渠道", "Channel", "channel"),
        Dimension("supplier", "供应商", "Supplier", "supplier"),
        Dimension("day", "日", "Day", "time"),
        Dimension("week", "周", "Week", "time"),
        Dimension("month", "月", "Month", "time"),
        Dimension("quarter", "季度", "Quarter", "time"),
        Dimension("year", "年", "Year", "time"),
        Dimension("age_bucket", "库龄段", "Age bucket", "age_bucket"),
        Dimension("abc_class", "ABC分类", "ABC class", "abc_class"),
    )
}

# Dimensions that can carry a filter (time is the period itself, not a filter).
FILTERABLE = tuple(d for d, dim in DIMENSIONS.items() if dim.origin != "time")
