"""Hand-computed checks of the pandas oracle itself, so the CLI comparison need not trust it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from canonical.model import ENTITIES
from tests.oracle.pandas_metrics import (
    ALL_METRICS,
    age_bucket_label,
    compute,
    periods,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def tables(**rows: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """Canonical frames from row dicts; absent columns and tables are missing/empty."""
    out = {}
    for name, entity in ENTITIES.items():
        data = rows.get(name, [])
        out[name] = pd.DataFrame(
            {c: pd.Series([r.get(c) for r in data], dtype=object) for c in entity.column_names}
        )
    return out


SKU = [
    {"sku_id": "A", "category": "Food", "brand": "X", "unit_cost": 2.0},
    {"sku_id": "B", "category": "Food", "brand": None, "unit_cost": 5.0},
    {"sku_id": "C", "category": "Toys", "brand": "X", "unit_cost": 1.0},
    {"sku_id": "D", "category": "Toys", "brand": "Y", "unit_cost": 1.0},
]
LOC = [
    {"location_id": "S1", "region": "East", "channel": "store"},
    {"location_id": "W1", "region": "West", "channel": None},
]


def one(frame: pd.DataFrame, **keys: Any) -> pd.Series:
    """The single row of `frame` matching the given key values."""
    mask = pd.Series(True, index=frame.index)
    for k, v in keys.items():
        mask &= frame[k] == v
    assert mask.sum() == 1, frame
    return frame[mask].iloc[0]


def test_textbook_turnover_with_two_snapshots() -> None:
    t = tables(
        sku=SKU,
        location=LOC,
        sales=[{"date": d("2025-06-01"), "sku_id": "A", "location_id": "S1", "qty": 10.0,
                "revenue": 9_000_000.0, "cost": 6_000_000.0}],
        inventory=[
            {"date": d("2025-01-01"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 5.0,
             "on_hand_value": 1_000_000.0},
            {"date": d("2025-12-31"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 7.0,
             "on_hand_value": 2_000_000.0},
        ],
    )  # fmt: skip
    row = compute(t, list(ALL_METRICS), d("2025-01-01"), d("2025-12-31")).iloc[0]
    assert row["avg_inventory_value"] == pytest.approx(1_500_000)
    assert row["turnover"] == pytest.approx(4.0)
    assert row["turnover_days"] == pytest.approx(365 / 4)
    assert row["annualized_turnover"] == pytest.approx(4.0)
    assert row["gross_margin"] == pytest.approx(3_000_000)
    assert row["gmroi"] == pytest.approx(2.0)
    assert row["inventory_value"] == pytest.approx(2_000_000)
    # opening = earliest snapshot inside the period (none before start): 5 units
    assert row["sell_through"] == pytest.approx(10 / 5)
    assert row["purchase_sales_ratio"] == pytest.approx(0.0)
    assert row["received_cost"] == 0.0
    assert row["days_of_supply"] == pytest.approx(7 / (10 / 365))
    assert row["movement_rate"] == pytest.approx(1.0)
    assert row["stockout_rate"] == pytest.approx(0.0)
    # the only sale is 213 days before as-of: all stock is dead
    assert row["dead_stock_value"] == pytest.approx(2_000_000)
    assert row["dead_stock_share"] == pytest.approx(1.0)
    # no receipts at all: every unit is older than the data (earliest date 2025-01-01)
    assert row["units_older_than_data"] == pytest.approx(7)
    assert row["average_age_days"] == pytest.approx(364)


def test_defaults_for_cost_value_and_channel() -> None:
    t = tables(
        sku=SKU,
        location=LOC,
        sales=[
            {"date": d("2025-03-01"), "sku_id": "A", "location_id": "S1", "qty": 3.0,
             "revenue": 30.0, "cost": None},  # cost 3 × 2, channel store (location)
            {"date": d("2025-03-01"), "sku_id": "B", "location_id": "S1", "channel": "online",
             "qty": 1.0, "revenue": 10.0, "cost": 4.0},
            {"date": d("2025-03-02"), "sku_id": "B", "location_id": "W1", "qty": -2.0,
             "revenue": -20.0, "cost": None},  # return: cost −2 × 5, channel "default"
        ],
        inventory=[
            {"date": d("2025-03-01"), "sku_id": "B", "location_id": "W1", "on_hand_qty": 4.0},
        ],
    )  # fmt: skip
    out = compute(t, ["cogs", "revenue", "units_sold", "inventory_value"], d("2025-03-01"),
                  d("2025-03-31"), by=["channel"])  # fmt: skip
    assert set(out["channel"]) == {"store", "online", "default"}
    assert one(out, channel="store")["cogs"] == pytest.approx(6.0)
    assert one(out, channel="online")["cogs"] == pytest.approx(4.0)
    default = one(out, channel="default")
    assert default["cogs"] == pytest.approx(-10.0)
    assert default["units_sold"] == pytest.approx(-2.0)
    assert default["inventory_value"] == pytest.approx(20.0)  # 4 × unit cost 5
    # the online sale happened at a store location: the store channel has no stock
    assert one(out, channel="store")["inventory_value"] == 0.0


def test_average_inventory_divides_by_all_source_snapshots() -> None:
    inv = [
        {"date": d("2025-01-10"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 1.0,
         "on_hand_value": 100.0},
        {"date": d("2025-01-20"), "sku_id": "B", "location_id": "W1", "on_hand_qty": 1.0,
         "on_hand_value": 50.0},
        {"date": d("2025-01-30"), "sku_id": "B", "location_id": "W1", "on_hand_qty": 1.0,
         "on_hand_value": 70.0},
    ]  # fmt: skip
    out = compute(tables(sku=SKU, location=LOC, inventory=inv), ["avg_inventory_value"],
                  d("2025-01-01"), d("2025-01-31"), by=["region"])  # fmt: skip
    assert one(out, region="East")["avg_inventory_value"] == pytest.approx(100 / 3)
    assert one(out, region="West")["avg_inventory_value"] == pytest.approx(120 / 3)
    # a period holding no snapshot date has an undefined average
    none = compute(tables(sku=SKU, location=LOC, inventory=inv), ["avg_inventory_value",
                   "turnover"], d("2025-01-11"), d("2025-01-19"))  # fmt: skip
    assert none.iloc[0]["avg_inventory_value"] is None
    assert none.iloc[0]["turnover"] is None


def test_sell_through_uses_snapshot_before_start() -> None:
    t = tables(
        sku=SKU,
        location=LOC,
        sales=[{"date": d("2025-02-10"), "sku_id": "A", "location_id": "S1", "qty": 6.0,
                "revenue": 60.0, "cost": 12.0}],
        receipts=[{"date": d("2025-02-05"), "sku_id": "A", "location_id": "S1", "qty": 10.0,
                   "cost": 20.0}],
        inventory=[
            {"date": d("2025-01-31"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 20.0},
            {"date": d("2025-02-28"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 24.0},
        ],
    )  # fmt: skip
    row = compute(t, ["sell_through", "purchase_sales_ratio"], d("2025-02-01"),
                  d("2025-02-28")).iloc[0]  # fmt: skip
    assert row["sell_through"] == pytest.approx(6 / (20 + 10))
    assert row["purchase_sales_ratio"] == pytest.approx(20 / 12)


def test_stockout_and_movement_rate() -> None:
    inv = []
    for day in ("2025-04-07", "2025-04-14", "2025-04-21", "2025-04-28"):
        inv.append({"date": d(day), "sku_id": "A", "location_id": "S1", "on_hand_qty": 3.0})
    inv.append({"date": d("2025-04-07"), "sku_id": "B", "location_id": "S1", "on_hand_qty": 2.0})
    inv.append({"date": d("2025-04-14"), "sku_id": "B", "location_id": "S1", "on_hand_qty": 0.0})
    sales = [
        {"date": d("2025-04-08"), "sku_id": "A", "location_id": "S1", "qty": 1.0,
         "revenue": 1.0},
        # C is active through a sale alone; its zero-quantity line does not make D active
        {"date": d("2025-04-09"), "sku_id": "C", "location_id": "S1", "qty": 1.0,
         "revenue": 1.0},
        {"date": d("2025-04-09"), "sku_id": "D", "location_id": "S1", "qty": 0.0,
         "revenue": 0.0},
    ]  # fmt: skip
    row = compute(tables(sku=SKU, location=LOC, inventory=inv, sales=sales),
                  ["stockout_rate", "movement_rate"], d("2025-04-01"),
                  d("2025-04-30")).iloc[0]  # fmt: skip
    # active: A, B, C at S1 → 3 × 4 pairs; stocked rows: A ×4, B ×1 → 7 out-of-stock of 12
    assert row["stockout_rate"] == pytest.approx(7 / 12)
    # sold (qty > 0): A, C; stocked: A, B
    assert row["movement_rate"] == pytest.approx(2 / 2)


def test_fifo_ageing_layers_and_older_than_data() -> None:
    t = tables(
        sku=SKU,
        location=LOC,
        receipts=[
            {"date": d("2025-01-01"), "sku_id": "A", "location_id": "S1", "qty": 100.0,
             "cost": 100.0},  # entirely older than needed: not reached
            {"date": d("2025-05-01"), "sku_id": "A", "location_id": "S1", "qty": 3.0,
             "cost": None},  # valued at as-of unit value 40 / 10 = 4
            {"date": d("2025-05-31"), "sku_id": "A", "location_id": "S1", "qty": 4.0,
             "cost": 40.0},  # unit 10
            {"date": d("2025-06-25"), "sku_id": "A", "location_id": "S1", "qty": 50.0,
             "cost": 50.0},  # after the snapshot: ignored
            {"date": d("2025-06-01"), "sku_id": "B", "location_id": "S1", "qty": 2.0,
             "cost": 2.0},
            {"date": d("2025-06-01"), "sku_id": "B", "location_id": "S1", "qty": 2.0,
             "cost": None},  # merged with the line above: unit (2 + 2 × 3) / 4 = 2
            {"date": d("2025-06-01"), "sku_id": "B", "location_id": "S1", "qty": -1.0,
             "cost": -1.0},  # a return: not a layer
        ],
        inventory=[
            {"date": d("2025-06-20"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 7.0,
             "on_hand_value": 28.0},
            {"date": d("2025-06-20"), "sku_id": "B", "location_id": "S1", "on_hand_qty": 6.0,
             "on_hand_value": 18.0},
        ],
    )  # fmt: skip
    metrics = ["aged_units", "aged_value", "average_age_days", "units_older_than_data"]
    out = compute(t, metrics, d("2025-06-01"), d("2025-06-30"), by=["sku", "age_bucket"])
    assert out.columns.tolist() == ["sku", "sku_name", "age_bucket", *metrics]
    # A at as-of 2025-06-30: 4 units received 05-31 (age 30, unit 10), 3 units received
    # 05-01 (age 60, unit 4) → 7 covered; the 100-unit layer is never reached.
    a30 = one(out, sku="A", age_bucket="0-30")
    assert (a30["aged_units"], a30["aged_value"]) == (pytest.approx(4), pytest.approx(40))
    a60 = one(out, sku="A", age_bucket="31-60")
    assert (a60["aged_units"], a60["aged_value"]) == (pytest.approx(3), pytest.approx(12))
    assert a60["units_older_than_data"] == 0.0
    # B: 4 units of the 06-01 layer (age 29, unit 2), 2 units older than the data, aged from
    # the earliest date of any fact (2025-01-01) → 180 days, valued at 18 / 6 = 3 each.
    b30 = one(out, sku="B", age_bucket="0-30")
    assert (b30["aged_units"], b30["aged_value"]) == (pytest.approx(4), pytest.approx(8))
    old = one(out, sku="B", age_bucket="91-180")
    assert old["units_older_than_data"] == pytest.approx(2)
    assert old["aged_value"] == pytest.approx(6)
    assert old["average_age_days"] == pytest.approx(180)
    total = compute(t, metrics, d("2025-06-01"), d("2025-06-30")).iloc[0]
    assert total["aged_units"] == pytest.approx(13)
    assert total["average_age_days"] == pytest.approx((4 * 30 + 3 * 60 + 4 * 29 + 2 * 180) / 13)


def test_abc_cumulative_share_above_and_ties() -> None:
    sales = [
        {"date": d("2025-03-01"), "sku_id": s, "location_id": "S1", "qty": 1.0, "revenue": 1.0,
         "cost": c}
        for s, c in (("C", 50.0), ("A", 30.0), ("B", 15.0), ("D", 5.0))
    ]  # fmt: skip
    out = compute(tables(sku=SKU, location=LOC, sales=sales), ["cogs"], d("2025-03-01"),
                  d("2025-03-31"), by=["sku", "abc_class"])  # fmt: skip
    classes = dict(zip(out["sku"], out["abc_class"], strict=True))
    # above: C 0 → A; A 50 < 80 → A; B 80 (not < 80) < 95 → B; D 95 → C
    assert classes == {"C": "A", "A": "A", "B": "B", "D": "C"}
    # ties by sku_id: two SKUs with equal cogs, the smaller id ranks first
    tie = [dict(r, cost=50.0) if r["sku_id"] in ("C", "A") else dict(r, cost=0.0) for r in sales]
    out = compute(tables(sku=SKU, location=LOC, sales=tie), ["cogs"], d("2025-03-01"),
                  d("2025-03-31"), by=["sku", "abc_class"])  # fmt: skip
    classes = dict(zip(out["sku"], out["abc_class"], strict=True))
    # A (0 above) → A; C (50 above < 80) → A; B, D (100 above) → C
    assert classes == {"A": "A", "C": "A", "B": "C", "D": "C"}


def test_dead_stock_window_and_days_of_supply() -> None:
    def sale(day: str, sku: str, qty: float = 1.0) -> dict[str, Any]:
        return {"date": d(day), "sku_id": sku, "location_id": "S1", "qty": qty, "revenue": 1.0,
                "cost": 1.0}  # fmt: skip

    sales = [
        sale("2025-04-02", "A"),  # as-of − 89: inside the 90-day window
        sale("2025-04-01", "B"),  # as-of − 90: just outside
        sale("2025-06-20", "C", qty=-1.0),  # a return is not a sale
    ]
    inv = [
        {"date": d("2025-06-28"), "sku_id": s, "location_id": "S1", "on_hand_qty": q,
         "on_hand_value": v}
        for s, q, v in (("A", 10.0, 100.0), ("B", 5.0, 50.0), ("C", 2.0, 20.0), ("D", 0.0, 0.0))
    ]  # fmt: skip
    row = compute(tables(sku=SKU, location=LOC, sales=sales, inventory=inv),
                  ["dead_stock_value", "dead_stock_share", "days_of_supply", "units_sold"],
                  d("2025-04-01"), d("2025-06-30")).iloc[0]  # fmt: skip
    assert row["dead_stock_value"] == pytest.approx(70.0)
    assert row["dead_stock_share"] == pytest.approx(70 / 170)
    assert row["units_sold"] == pytest.approx(1.0)
    assert row["days_of_supply"] == pytest.approx(17 / (1 / 91))


def test_time_buckets_and_age_labels() -> None:
    weeks = periods("week", d("2024-12-28"), d("2025-01-06"))
    assert weeks == [
        ("2024-W52", d("2024-12-28"), d("2024-12-29")),
        ("2025-W01", d("2024-12-30"), d("2025-01-05")),
        ("2025-W02", d("2025-01-06"), d("2025-01-06")),
    ]
    assert [p[0] for p in periods("quarter", d("2025-03-30"), d("2025-04-02"))] == [
        "2025-Q1",
        "2025-Q2",
    ]
    assert [p[0] for p in periods("month", d("2025-01-31"), d("2025-02-01"))] == [
        "2025-01",
        "2025-02",
    ]
    labels = [age_bucket_label(a, (30, 60, 90, 180, 365)) for a in (0, 30, 31, 180, 365, 366)]
    assert labels == ["0-30", "0-30", "31-60", "91-180", "181-365", ">365"]


def test_month_grain_clips_days_and_as_of() -> None:
    inv = [
        {"date": d("2025-01-31"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 1.0,
         "on_hand_value": 10.0},
        {"date": d("2025-02-15"), "sku_id": "A", "location_id": "S1", "on_hand_qty": 1.0,
         "on_hand_value": 30.0},
    ]  # fmt: skip
    sales = [{"date": d("2025-02-03"), "sku_id": "A", "location_id": "S1", "qty": 2.0,
              "revenue": 5.0, "cost": 20.0}]  # fmt: skip
    out = compute(tables(sku=SKU, location=LOC, sales=sales, inventory=inv),
                  ["inventory_value", "turnover_days", "days_of_supply"], d("2025-01-20"),
                  d("2025-02-20"), by=["month"], as_of=d("2025-02-10"))  # fmt: skip
    assert out["month"].tolist() == ["2025-01", "2025-02"]
    jan, feb = out.iloc[0], out.iloc[1]
    assert jan["inventory_value"] == pytest.approx(10.0)  # as-of = Jan 31 (bucket end)
    assert jan["turnover_days"] is None  # no cogs in January
    assert feb["inventory_value"] == pytest.approx(10.0)  # as-of 02-10: snapshot 01-31
    # February [02-01, 02-20]: 20 days, avg inventory 30 (one snapshot), cogs 20
    assert feb["turnover_days"] == pytest.approx(30 * 20 / 20)
    assert feb["days_of_supply"] == pytest.approx(1 / (2 / 20))


def test_where_filters_and_unknown_references() -> None:
    sales = [
        {"date": d("2025-03-01"), "sku_id": "A", "location_id": "S1", "qty": 1.0,
         "revenue": 10.0, "cost": 1.0},
        {"date": d("2025-03-01"), "sku_id": "C", "location_id": "W1", "qty": 1.0,
         "revenue": 20.0, "cost": 1.0},
        {"date": d("2025-03-01"), "sku_id": "ZZ", "location_id": "S1", "qty": 1.0,
         "revenue": 40.0, "cost": 1.0},
    ]  # fmt: skip
    t = tables(sku=SKU, location=LOC, sales=sales)
    both = compute(t, ["revenue"], d("2025-03-01"), d("2025-03-31"),
                   where={"region": ["East", "West"]})  # fmt: skip
    assert both.iloc[0]["revenue"] == pytest.approx(70.0)
    food = compute(t, ["revenue"], d("2025-03-01"), d("2025-03-31"),
                   where={"category": ["Food"], "region": ["East"]})  # fmt: skip
    assert food.iloc[0]["revenue"] == pytest.approx(10.0)
    by_cat = compute(t, ["revenue"], d("2025-03-01"), d("2025-03-31"), by=["category"])
    assert one(by_cat, category="Toys")["revenue"] == pytest.approx(20.0)
    assert by_cat[by_cat["category"].isna()].iloc[0]["revenue"] == pytest.approx(40.0)
    # an empty period still yields one row without group dimensions
    empty = compute(t, ["revenue", "turnover"], d("2026-01-01"), d("2026-01-31"))
    assert len(empty) == 1
    assert empty.iloc[0]["revenue"] == 0.0
    assert empty.iloc[0]["turnover"] is None


def test_the_oracle_covers_every_metric_of_the_registry() -> None:
    """A metric added to the product without an independent oracle would go unchecked."""
    from metrics.registry import METRICS
    from tests.oracle.definitions import ALL_METRICS

    assert set(ALL_METRICS) == set(METRICS)
