"""Metric values computed by hand, including the textbook cases of the issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.errors import QueryError
from metrics.query import MetricQuery
from tests.builders import EMBEDDED_BUILDERS, d
from tests.service_support import run_query, scalar

SKU = [{"sku_id": "A", "category": "X", "unit_cost": 10.0},
       {"sku_id": "B", "category": "Y", "unit_cost": 5.0}]
LOC = [{"location_id": "L1", "region": "East", "channel": "store"},
       {"location_id": "L2", "region": "West", "channel": "online"}]


@pytest.fixture(params=sorted(EMBEDDED_BUILDERS))
def build(request: pytest.FixtureRequest, tmp_path: Path):
    """Builds the test's tables on each embedded engine (servers: tests/integration)."""
    maker = EMBEDDED_BUILDERS[request.param]
    return lambda **tables: maker(tmp_path / f"t.{request.param}", **tables)


def one(source, metrics, start, end, **kw) -> dict[str, float | None]:
    frame = run_query(source, MetricQuery.create(metrics, d(start), d(end), **kw))
    assert len(frame) == 1
    return {m: scalar(frame.iloc[0][m]) for m in metrics}


def test_turnover_is_cogs_over_average_inventory(build) -> None:
    """COGS 20,000,000 with average inventory 5,000,000 gives turnover 4."""
    src = build(
        sku=SKU, location=LOC,
        sales=[{"date": d("2025-03-15"), "sku_id": "A", "location_id": "L1", "qty": 1,
                "revenue": 25_000_000, "cost": 20_000_000}],
        inventory=[{"date": d(day), "sku_id": "A", "location_id": "L1", "on_hand_qty": 1,
                    "on_hand_value": value}
                   for day, value in (("2025-01-31", 4_000_000), ("2025-02-28", 5_000_000),
                                      ("2025-03-31", 6_000_000))],
    )
    got = one(src, ["cogs", "avg_inventory_value", "turnover", "turnover_days",
                    "annualized_turnover", "gmroi"], "2025-01-01", "2025-03-31")
    assert got["cogs"] == 20_000_000
    assert got["avg_inventory_value"] == 5_000_000
    assert got["turnover"] == pytest.approx(4.0, rel=1e-12)
    assert got["turnover_days"] == pytest.approx(90 / 4, rel=1e-12)  # 90 days in Q1 2025
    assert got["annualized_turnover"] == pytest.approx(365 / 22.5, rel=1e-12)
    assert got["gmroi"] == pytest.approx(5_000_000 / 5_000_000, rel=1e-12)


def test_two_snapshots_give_the_textbook_begin_plus_end_over_two(build) -> None:
    """Opening 1,000,000, closing 2,000,000 (two snapshots), COGS 6,000,000 → turnover 4."""
    src = build(
        sku=SKU, location=LOC,
        sales=[{"date": d("2025-06-10"), "sku_id": "A", "location_id": "L1", "qty": 3,
                "revenue": 7_000_000, "cost": 6_000_000}],
        inventory=[
            {"date": d("2025-01-01"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 100,
             "on_hand_value": 1_000_000},
            {"date": d("2025-12-31"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 200,
             "on_hand_value": 2_000_000},
        ],
    )
    got = one(src, ["avg_inventory_value", "turnover", "inventory_value"],
              "2025-01-01", "2025-12-31")
    assert got["avg_inventory_value"] == 1_500_000
    assert got["turnover"] == pytest.approx(4.0, rel=1e-12)
    assert got["inventory_value"] == 2_000_000


def test_group_with_stock_on_some_snapshots_is_averaged_over_all_of_them(build) -> None:
    inventory = [{"date": d(day), "sku_id": "A", "location_id": "L1", "on_hand_qty": 1,
                  "on_hand_value": 600.0} for day in ("2025-01-10", "2025-01-20", "2025-01-30")]
    inventory.append({"date": d("2025-01-20"), "sku_id": "B", "location_id": "L1",
                      "on_hand_qty": 1, "on_hand_value": 300.0})
    src = build(sku=SKU, location=LOC, inventory=inventory)
    frame = run_query(src, MetricQuery.create(["avg_inventory_value"], d("2025-01-01"),
                                              d("2025-01-31"), by=["category"]))
    got = dict(zip(frame["category"], frame["avg_inventory_value"], strict=True))
    assert got == {"X": 600.0, "Y": 100.0}  # B: 300 on one of three snapshot dates


def test_zero_denominators_are_undefined_not_zero_or_infinite(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        # A sells but never has stock; B has stock but never sells.
        sales=[{"date": d("2025-01-05"), "sku_id": "A", "location_id": "L1", "qty": 2,
                "revenue": 30.0}],
        inventory=[{"date": d("2025-01-31"), "sku_id": "B", "location_id": "L1",
                    "on_hand_qty": 4}],
    )
    metrics = ["cogs", "turnover", "turnover_days", "annualized_turnover", "gmroi",
               "sell_through", "purchase_sales_ratio", "days_of_supply", "dead_stock_share"]
    frame = run_query(src, MetricQuery.create(metrics, d("2025-01-01"), d("2025-01-31"),
                                              by=["category"]))
    rows = {r["category"]: {m: scalar(r[m]) for m in metrics} for _, r in frame.iterrows()}
    a, b = rows["X"], rows["Y"]
    assert a["cogs"] == 20.0  # qty × unit_cost, as the sale carries no cost
    assert a["turnover"] is None and a["gmroi"] is None  # no stock at all
    assert a["sell_through"] is None  # no opening stock and nothing received
    assert a["purchase_sales_ratio"] == 0.0
    assert a["dead_stock_share"] is None
    assert b["turnover"] == 0.0  # stock but no sales: turnover is zero...
    assert b["turnover_days"] is None and b["annualized_turnover"] is None  # ...days undefined
    assert b["purchase_sales_ratio"] is None and b["days_of_supply"] is None
    assert b["dead_stock_share"] == 1.0


def test_empty_period_gives_one_row_of_zeros_and_undefined_ratios(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        inventory=[{"date": d("2024-12-31"), "sku_id": "A", "location_id": "L1",
                    "on_hand_qty": 0}])
    got = one(src, ["revenue", "inventory_value", "turnover", "stockout_rate"],
              "2025-01-01", "2025-01-31")
    assert got == {"revenue": 0.0, "inventory_value": 0.0, "turnover": None,
                   "stockout_rate": None}


def test_stock_at_a_date_is_unknown_without_a_snapshot_on_or_before_it(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        sales=[{"date": d("2025-01-05"), "sku_id": "A", "location_id": "L1", "qty": 2,
                "revenue": 30.0}],
        inventory=[{"date": d("2025-02-28"), "sku_id": "A", "location_id": "L1",
                    "on_hand_qty": 9}])
    got = one(src, ["inventory_value", "dead_stock_value", "days_of_supply", "aged_units",
                    "sell_through", "revenue"], "2025-01-01", "2025-01-31")
    assert got == {"inventory_value": None, "dead_stock_value": None,
                   "days_of_supply": None, "aged_units": None, "sell_through": None,
                   "revenue": 30.0}


def test_received_cost_defaults_to_qty_times_unit_cost(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        receipts=[{"date": d("2025-01-05"), "sku_id": "A", "location_id": "L1", "qty": 4},
                  {"date": d("2025-01-06"), "sku_id": "B", "location_id": "L1", "qty": 1,
                   "cost": 7.5}])
    assert one(src, ["received_cost"], "2025-01-01", "2025-01-31") == {"received_cost": 47.5}


def test_fifo_ageing_layers(build) -> None:
    """Receipts 10 @10 (Jan 1), 5 @12 (Jan 20), 8 @10 (Feb 9); 11 units on hand at Mar 1.
    FIFO: the 11 are the newest — 8 from Feb 9 (20 days) and 3 from Jan 20 (40 days)."""
    src = build(
        sku=SKU, location=LOC,
        receipts=[
            {"date": d("2025-01-01"), "sku_id": "A", "location_id": "L1", "qty": 10, "cost": 100},
            {"date": d("2025-01-20"), "sku_id": "A", "location_id": "L1", "qty": 5, "cost": 60},
            {"date": d("2025-02-09"), "sku_id": "A", "location_id": "L1", "qty": 8, "cost": 80},
        ],
        sales=[{"date": d("2025-02-15"), "sku_id": "A", "location_id": "L1", "qty": 12,
                "revenue": 200}],
        inventory=[{"date": d("2025-03-01"), "sku_id": "A", "location_id": "L1",
                    "on_hand_qty": 11, "on_hand_value": 110}],
    )
    metrics = ["aged_units", "aged_value", "average_age_days", "units_older_than_data"]
    frame = run_query(src, MetricQuery.create(metrics, d("2025-02-01"), d("2025-03-01"),
                                              by=["age_bucket"]))
    layers = {r["age_bucket"]: (r["aged_units"], r["aged_value"], r["average_age_days"])
              for _, r in frame.iterrows()}
    assert layers == {"0-30": (8.0, 80.0, 20.0), "31-60": (3.0, 36.0, 40.0)}
    total = one(src, metrics, "2025-02-01", "2025-03-01")
    assert total["aged_units"] == 11 and total["aged_value"] == 116
    assert total["average_age_days"] == pytest.approx((8 * 20 + 3 * 40) / 11, rel=1e-12)
    assert total["units_older_than_data"] == 0


def test_stock_older_than_the_data_is_aged_from_the_first_date_and_flagged(build) -> None:
    """20 on hand, receipts explain only 5: 15 units are older than the data (first date
    Jan 1, so aged 59 days at Mar 1 as a lower bound) and valued at the as-of unit value."""
    src = build(
        sku=SKU, location=LOC,
        receipts=[{"date": d("2025-02-19"), "sku_id": "A", "location_id": "L1", "qty": 5}],
        inventory=[
            {"date": d("2025-01-01"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 15,
             "on_hand_value": 150},
            {"date": d("2025-03-01"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 20,
             "on_hand_value": 240},
        ],
    )
    metrics = ["aged_units", "aged_value", "units_older_than_data", "average_age_days"]
    frame = run_query(src, MetricQuery.create(metrics, d("2025-02-01"), d("2025-03-01"),
                                              by=["age_bucket"]))
    rows = {r["age_bucket"]: r for _, r in frame.iterrows()}
    # receipts without cost are valued at the as-of unit value 240 / 20 = 12
    assert (rows["0-30"]["aged_units"], rows["0-30"]["aged_value"]) == (5.0, 60.0)
    assert rows["0-30"]["units_older_than_data"] == 0
    assert (rows["31-60"]["aged_units"], rows["31-60"]["aged_value"]) == (15.0, 180.0)
    assert rows["31-60"]["units_older_than_data"] == 15
    assert rows["31-60"]["average_age_days"] == 59.0


def test_sell_through_uses_the_snapshot_before_the_start_as_opening(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        inventory=[
            {"date": d("2025-01-31"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 40},
            {"date": d("2025-02-10"), "sku_id": "A", "location_id": "L1", "on_hand_qty": 70},
        ],
        receipts=[{"date": d("2025-02-05"), "sku_id": "A", "location_id": "L1", "qty": 60}],
        sales=[{"date": d("2025-02-06"), "sku_id": "A", "location_id": "L1", "qty": 30,
                "revenue": 600}],
    )
    assert one(src, ["sell_through"], "2025-02-01", "2025-02-28")["sell_through"] == \
        pytest.approx(30 / (40 + 60), rel=1e-12)
    # Without a snapshot before the start, the first snapshot inside the period opens it.
    assert one(src, ["sell_through"], "2025-01-15", "2025-02-28")["sell_through"] == \
        pytest.approx(30 / (40 + 60), rel=1e-12)
    assert one(src, ["sell_through"], "2025-02-02", "2025-02-28")["sell_through"] == \
        pytest.approx(30 / (40 + 60), rel=1e-12)


def test_stockout_movement_supply_and_dead_stock(build) -> None:
    """Snapshots Jan 10/20/30. A@L1 stocked throughout; B@L1 stocked Jan 10, zero row on
    Jan 20, absent Jan 30; A@L2 has no stock but sells. Active pairs 3 × 3 dates = 9, of
    which 4 have stock → stockout 5/9."""
    inv = [{"date": d(day), "sku_id": "A", "location_id": "L1", "on_hand_qty": 50}
           for day in ("2025-01-10", "2025-01-20", "2025-01-30")]
    inv += [{"date": d("2025-01-10"), "sku_id": "B", "location_id": "L1", "on_hand_qty": 5},
            {"date": d("2025-01-20"), "sku_id": "B", "location_id": "L1", "on_hand_qty": 0}]
    src = build(
        sku=SKU, location=LOC, inventory=inv,
        sales=[{"date": d("2025-01-12"), "sku_id": "A", "location_id": "L2", "qty": 5,
                "revenue": 80},
               {"date": d("2024-09-01"), "sku_id": "A", "location_id": "L1", "qty": 1,
                "revenue": 16}],
    )
    got = one(src, ["stockout_rate", "movement_rate", "days_of_supply", "dead_stock_value"],
              "2025-01-01", "2025-01-30")
    assert got["stockout_rate"] == pytest.approx(5 / 9, rel=1e-12)
    assert got["movement_rate"] == pytest.approx(1 / 2, rel=1e-12)  # A sold; A and B stocked
    assert got["days_of_supply"] == pytest.approx(50 / (5 / 30), rel=1e-12)
    # A@L1 last sold 2024-09-01, more than 90 days before Jan 30: all 50 units are dead.
    assert got["dead_stock_value"] == 500.0
    by_region = run_query(src, MetricQuery.create(["stockout_rate"], d("2025-01-01"),
                                                  d("2025-01-30"), by=["region"]))
    rates = dict(zip(by_region["region"], by_region["stockout_rate"], strict=True))
    assert rates["East"] == pytest.approx(2 / 6, rel=1e-12)
    assert rates["West"] == 1.0  # active through its sale, never any stock


def test_channel_is_the_sales_channel_for_sales_and_the_location_channel_for_stock(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        sales=[{"date": d("2025-01-05"), "sku_id": "A", "location_id": "L1", "qty": 1,
                "revenue": 10, "channel": "online"},
               {"date": d("2025-01-06"), "sku_id": "A", "location_id": "L1", "qty": 2,
                "revenue": 20}],
        inventory=[{"date": d("2025-01-31"), "sku_id": "A", "location_id": "L1",
                    "on_hand_qty": 3}],
    )
    frame = run_query(src, MetricQuery.create(["revenue", "inventory_value"], d("2025-01-01"),
                                              d("2025-01-31"), by=["channel"]))
    got = {r["channel"]: (r["revenue"], r["inventory_value"]) for _, r in frame.iterrows()}
    assert got == {"online": (10.0, 0.0), "store": (20.0, 30.0)}


def test_abc_class_lets_the_sku_crossing_the_cut_stay_a(build) -> None:
    skus = [{"sku_id": f"S{i}", "category": "X", "unit_cost": 1.0} for i in range(1, 6)]
    cogs = {"S1": 50, "S2": 25, "S3": 15, "S4": 6, "S5": 4}
    src = build(
        sku=skus, location=LOC,
        sales=[{"date": d("2025-01-05"), "sku_id": s, "location_id": "L1", "qty": c,
                "revenue": 2 * c} for s, c in cogs.items()],
    )
    frame = run_query(src, MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"),
                                              by=["abc_class", "sku"]))
    classes = dict(zip(frame["sku"], frame["abc_class"], strict=True))
    # cumulative share above: S1 0 %, S2 50 %, S3 75 % (crosses 80 %: still A), S4 90 %, S5 96 %
    assert classes == {"S1": "A", "S2": "A", "S3": "A", "S4": "B", "S5": "C"}


def test_month_grain_equals_separate_monthly_queries(build) -> None:
    inv = [{"date": d(day), "sku_id": "A", "location_id": "L1", "on_hand_qty": q}
           for day, q in (("2025-01-15", 10), ("2025-01-31", 20), ("2025-02-14", 30),
                          ("2025-02-28", 40))]
    sales = [{"date": d(day), "sku_id": "A", "location_id": "L1", "qty": q, "revenue": 15 * q}
             for day, q in (("2025-01-03", 4), ("2025-02-20", 9))]
    src = build(sku=SKU, location=LOC, inventory=inv,
                        sales=sales)
    metrics = ["turnover", "turnover_days", "inventory_value", "sell_through"]
    by_month = run_query(src, MetricQuery.create(metrics, d("2025-01-01"), d("2025-02-28"),
                                                 by=["month"]))
    assert list(by_month["month"]) == ["2025-01", "2025-02"]
    for i, (start, end) in enumerate((("2025-01-01", "2025-01-31"),
                                      ("2025-02-01", "2025-02-28"))):
        alone = one(src, metrics, start, end)
        for m in metrics:
            assert scalar(by_month.iloc[i][m]) == pytest.approx(alone[m], rel=1e-12)
    assert by_month.iloc[0]["turnover"] == pytest.approx(40 / ((100 + 200) / 2), rel=1e-12)


def test_scope_intersects_filters_and_cannot_be_widened(build) -> None:
    src = build(
        sku=SKU, location=LOC,
        sales=[{"date": d("2025-01-05"), "sku_id": "A", "location_id": loc, "qty": 1,
                "revenue": rev} for loc, rev in (("L1", 10), ("L2", 20))],
    )
    period = ("2025-01-01", "2025-01-31")
    assert one(src, ["revenue"], *period, scope={"region": ["East"]})["revenue"] == 10
    assert one(src, ["revenue"], *period, where={"region": ["West"]},
               scope={"region": ["East"]})["revenue"] == 0


def test_invalid_queries_name_the_problem() -> None:
    with pytest.raises(QueryError, match="unknown metric 'turnoverz'"):
        MetricQuery.create(["turnoverz"], d("2025-01-01"), d("2025-01-31"))
    with pytest.raises(QueryError, match="start 2025-02-01 is after end 2025-01-31"):
        MetricQuery.create(["cogs"], d("2025-02-01"), d("2025-01-31"))
    with pytest.raises(QueryError, match="unknown dimension 'colour'"):
        MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"), by=["colour"])
    with pytest.raises(QueryError, match="as_of 2025-02-05 is outside the period"):
        MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"), as_of=d("2025-02-05"))
    with pytest.raises(QueryError, match="at most one time grain"):
        MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"), by=["month", "week"])


def test_dimension_that_does_not_apply_to_a_metric_is_refused(build) -> None:
    src = build(sku=SKU, location=LOC)
    with pytest.raises(QueryError, match="'supplier' does not apply to sales measures"):
        run_query(src, MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"),
                                          by=["supplier"]))
    with pytest.raises(QueryError, match="'age_bucket' does not apply"):
        run_query(src, MetricQuery.create(["turnover"], d("2025-01-01"), d("2025-01-31"),
                                          by=["age_bucket"]))
