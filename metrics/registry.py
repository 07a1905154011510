"""The metric registry: every metric of DESIGN.md declared once, with its formula.

A formula is written over *base measures* (plain sums and counts that the compiler pushes
down to the database per group, see metrics/blocks.py) and over other metrics, through a
resolver `r`. The compiler, the CLI, the pages, thresholds and tests all read this table,
so a number on a card and a number in a CSV come from the same expression.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.sql.expression import ColumnElement

from metrics.sqlfuncs import ratio

Resolver = Callable[[str], ColumnElement]

# Base measure → the block (metrics/blocks.py) that computes it per (period, group).
BASE_MEASURES: dict[str, str] = {
    "cogs_sum": "sales",
    "revenue_sum": "sales",
    "units_sold_sum": "sales",
    "skus_sold": "sales",
    "received_units_sum": "receipts",
    "received_cost_sum": "receipts",
    "inventory_value_sum": "stock_period",
    "skus_stocked": "stock_period",
    "stocked_pairs_dates": "stock_period",
    "asof_value": "stock_asof",
    "asof_units": "stock_asof",
    "dead_value": "dead_stock",
    "opening_units": "stock_open",
    "active_pairs": "active",
    "days_since_sale": "last_sale",
    "aged_units_sum": "ageing",
    "aged_value_sum": "ageing",
    "aged_unit_days": "ageing",
    "older_units_sum": "ageing",
    "snapshot_count": "period",
    "days": "period",
}
# Base measures that stay NULL for a group without rows (a SKU that never sold has no
# "days since its last sale"); all others are sums and counts, 0 without rows.
NULLABLE_BASE_MEASURES = frozenset({"days_since_sale"})


@dataclass(frozen=True)
class Thresholds:
    """Boundaries of the red/amber/green bands, in the metric's good direction.

    With good="higher": value ≥ good → good, value < bad → bad, else warn.
    With good="lower":  value ≤ good → good, value > bad → bad, else warn.
    """

    good: float
    bad: float


@dataclass(frozen=True)
class Metric:
    id: str
    label_zh: str
    label_en: str
    unit: Literal["money", "units", "times", "days", "ratio", "count"]
    good: Literal["higher", "lower"] | None
    formula: Callable[[Resolver], ColumnElement]
    thresholds: Thresholds | None = None
    # "annualized": thresholds are per year and the value is scaled by 365/days before
    # comparing, because a 30-day turnover is not comparable with a yearly one.
    threshold_basis: Literal["value", "annualized"] = "value"
    formula_text: str = ""

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en


def _base(name: str) -> Callable[[Resolver], ColumnElement]:
    return lambda r: r(name)


_METRICS: tuple[Metric, ...] = (
    Metric("cogs", "销售成本", "COGS", "money", "higher", _base("cogs_sum"),
           formula_text="Σ sales.cost"),
    Metric("revenue", "销售额", "Revenue", "money", "higher", _base("revenue_sum"),
           formula_text="Σ sales.revenue"),
    Metric("units_sold", "销量", "Units sold", "units", "higher", _base("units_sold_sum"),
           formula_text="Σ sales.qty"),
    Metric("gross_margin", "毛利", "Gross margin", "money", "higher",
           lambda r: r("revenue") - r("cogs"), formula_text="revenue − cogs"),
    Metric("received_units", "入库量", "Units received", "units", None,
           _base("received_units_sum"), formula_text="Σ receipts.qty"),
    Metric("received_cost", "入库金额", "Received cost", "money", None,
           _base("received_cost_sum"), formula_text="Σ receipts.cost"),
    Metric("avg_inventory_value", "平均库存", "Average inventory", "money", "lower",
           lambda r: ratio(r("inventory_value_sum"), r("snapshot_count")),
           formula_text="mean over the source's snapshot dates of Σ on_hand_value"),
    Metric("inventory_value", "库存金额(资金占用)", "Inventory value", "money", "lower",
           _base("asof_value"), formula_text="Σ on_hand_value at the as-of snapshot"),
    Metric("turnover", "库存周转率", "Inventory turnover", "times", "higher",
           lambda r: ratio(r("cogs"), r("avg_inventory_value")),
           Thresholds(good=365 / 35, bad=365 / 60), "annualized",
           formula_text="cogs / avg_inventory_value"),
    Metric("turnover_days", "库存周转天数", "Turnover days", "days", "lower",
           lambda r: ratio(r("days"), r("turnover")), Thresholds(good=35, bad=60),
           formula_text="days / turnover"),
    Metric("annualized_turnover", "年化周转率", "Annualized turnover", "times", "higher",
           lambda r: ratio(365, r("turnover_days")), Thresholds(good=365 / 35, bad=365 / 60),
           formula_text="365 / turnover_days"),
    Metric("sell_through", "售罄率", "Sell-through", "ratio", "higher",
           lambda r: ratio(r("units_sold"), r("opening_units") + r("received_units")),
           Thresholds(good=0.7, bad=0.5),
           formula_text="units_sold / (opening units + received_units)"),
    Metric("gmroi", "毛利回报率", "GMROI", "times", "higher",
           lambda r: ratio(r("gross_margin"), r("avg_inventory_value")),
           Thresholds(good=3.0, bad=2.0), "annualized",
           formula_text="gross_margin / avg_inventory_value"),
    Metric("purchase_sales_ratio", "采销比", "Purchase-to-sales ratio", "ratio", None,
           lambda r: ratio(r("received_cost"), r("cogs")), formula_text="received_cost / cogs"),
    Metric("movement_rate", "动销率", "Movement rate", "ratio", "higher",
           lambda r: ratio(r("skus_sold"), r("skus_stocked")), Thresholds(good=0.9, bad=0.7),
           formula_text="SKUs with sales / SKUs with stock"),
    Metric("stockout_rate", "缺货率", "Stockout rate", "ratio", "lower",
           lambda r: ratio(
               r("active_pairs") * r("snapshot_count") - r("stocked_pairs_dates"),
               r("active_pairs") * r("snapshot_count"),
           ),
           Thresholds(good=0.02, bad=0.05),
           formula_text="(active sku-location, snapshot) pairs with on_hand ≤ 0 / all such pairs"),
    Metric("days_of_supply", "可售天数", "Days of supply", "days", "lower",
           lambda r: ratio(r("asof_units"), ratio(r("units_sold"), r("days"))),
           Thresholds(good=45, bad=90),
           formula_text="on-hand units at as-of / (units_sold / days)"),
    Metric("on_hand_units", "库存数量", "Units on hand", "units", None, _base("asof_units"),
           formula_text="Σ on_hand_qty at the as-of snapshot"),
    Metric("days_since_last_sale", "距上次销售天数", "Days since last sale", "days", "lower",
           _base("days_since_sale"), Thresholds(good=30, bad=90),
           formula_text="as-of − date of the latest sale on or before as-of"),
    Metric("dead_stock_value", "呆滞库存金额", "Dead-stock value", "money", "lower",
           _base("dead_value"),
           formula_text="value at as-of of stock with no sale in the last N days"),
    Metric("dead_stock_share", "呆滞库存占比", "Dead-stock share", "ratio", "lower",
           lambda r: ratio(r("dead_stock_value"), r("inventory_value")),
           Thresholds(good=0.05, bad=0.10),
           formula_text="dead_stock_value / inventory_value"),
    Metric("aged_units", "在库数量(库龄)", "Aged units", "units", None, _base("aged_units_sum"),
           formula_text="FIFO layers of on-hand units at as-of"),
    Metric("aged_value", "在库金额(库龄)", "Aged value", "money", "lower",
           _base("aged_value_sum"), formula_text="FIFO layers valued at receipt unit cost"),
    Metric("average_age_days", "平均库龄(天)", "Average age (days)", "days", "lower",
           lambda r: ratio(r("aged_unit_days"), r("aged_units")), Thresholds(good=60, bad=120),
           formula_text="Σ units × age / Σ units (FIFO)"),
    Metric("units_older_than_data", "早于数据起点的数量", "Units older than data", "units",
           "lower", _base("older_units_sum"),
           formula_text="on-hand units not covered by receipts in the data"),
)

METRICS: dict[str, Metric] = {m.id: m for m in _METRICS}
