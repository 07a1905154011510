"""The wall's alert lists on hand-made frames (which rows are alerts, their order, the
limit, the key number), the ticker built from them, and the queries on the demo data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from components.wall.wall_alerts import (
    NEW_DEAD_WEEK,
    AlertList,
    new_dead_alerts,
    new_dead_query,
    running_out_alerts,
    running_out_cut,
    running_out_query,
    stockout_alerts,
    stockout_query,
    ticker,
)
from components.wall.wall_params import Scope
from data_connectors.source import Source, open_duckdb
from tests.service_support import run_query


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as a metric query by sku and location returns them (names beside the ids)."""
    base = {"sku": "S", "sku_name": None, "location": "L", "location_name": None}
    return pd.DataFrame([{**base, **row} for row in rows])


def _texts(found: AlertList) -> list[tuple[str, str, str]]:
    return [(a.sku, a.location, a.number) for a in found.alerts]


def test_stockouts_are_empty_shelves_that_sold_ranked_by_revenue() -> None:
    frame = _frame([
        {"sku": "A", "sku_name": "Apple juice", "location": "ST1", "location_name": "Store 1",
         "on_hand_units": 0.0, "units_sold": 12.0, "revenue": 120.0},
        {"sku": "B", "sku_name": "Beer", "location": "ST1", "location_name": "Store 1",
         "on_hand_units": -2.0, "units_sold": 40.0, "revenue": 900.0},
        {"sku": "C", "on_hand_units": 0.0, "units_sold": 0.0, "revenue": 0.0},   # no demand
        {"sku": "D", "on_hand_units": 5.0, "units_sold": 30.0, "revenue": 500.0},  # in stock
        {"sku": "E", "on_hand_units": None, "units_sold": 3.0, "revenue": 5.0},  # unknown
    ])
    found = stockout_alerts(frame, 30, "en")
    assert _texts(found) == [("Beer", "Store 1", "sold 40 in 30 days"),
                             ("Apple juice", "Store 1", "sold 12 in 30 days")]
    assert found.kind == "stockout" and not found.more
    assert _texts(stockout_alerts(frame, 7, "zh"))[0][2] == "近 7 天售出 40 件"


def test_running_out_is_stock_under_the_days_of_supply_cut_most_urgent_first() -> None:
    frame = _frame([
        {"sku": "A", "days_of_supply": 12.5, "on_hand_units": 10.0, "revenue": 50.0},
        {"sku": "B", "days_of_supply": 3.0, "on_hand_units": 2.0, "revenue": 10.0},
        {"sku": "C", "days_of_supply": 3.0, "on_hand_units": 4.0, "revenue": 80.0},
        {"sku": "D", "days_of_supply": 45.0, "on_hand_units": 90.0, "revenue": 10.0},  # at cut
        {"sku": "E", "days_of_supply": 1.0, "on_hand_units": 0.0, "revenue": 10.0},  # stockout
        {"sku": "F", "days_of_supply": None, "on_hand_units": 3.0, "revenue": 0.0},  # no sales
    ])
    found = running_out_alerts(frame, 45.0, "en")
    assert [a.sku for a in found.alerts] == ["C", "B", "A"]  # ties: more revenue first
    assert found.alerts[0].number == "3.0 days of supply"
    assert found.alerts[2].number == "12.5 days of supply"


def test_new_dead_stock_turned_dead_within_the_last_week() -> None:
    n = 90
    frame = _frame([
        {"sku": f"D{days}", "dead_stock_value": 100.0 + days, "days_since_last_sale": float(days)}
        for days in (n - 1, n, n + 3, n + NEW_DEAD_WEEK - 1, n + NEW_DEAD_WEEK, 400)
    ] + [{"sku": "never", "dead_stock_value": 999.0, "days_since_last_sale": None},
         {"sku": "sold out", "dead_stock_value": 0.0, "days_since_last_sale": float(n + 1)}])
    found = new_dead_alerts(frame, n, "en")
    assert [a.sku for a in found.alerts] == ["D96", "D93", "D90"]  # by value, largest first
    assert found.alerts[0].number == "¥196 · no sale for 96 days"
    assert new_dead_alerts(frame, n, "zh").alerts[0].number == "¥196 · 96 天未动销"


def test_lists_keep_the_limit_and_say_there_is_more() -> None:
    frame = _frame([{"sku": f"S{i:02d}", "on_hand_units": 0.0, "units_sold": 1.0,
                     "revenue": float(i)} for i in range(25)])
    found = stockout_alerts(frame, 30, "en", limit=20)
    assert len(found.alerts) == 20 and found.more
    assert found.alerts[0].sku == "S24"
    exact = stockout_alerts(frame.head(20), 30, "en", limit=20)
    assert len(exact.alerts) == 20 and not exact.more


def test_missing_names_show_the_ids_and_empty_frames_give_no_alerts() -> None:
    frame = _frame([{"sku": "SKU9", "location": "DC1", "on_hand_units": 0.0,
                     "units_sold": 2.0, "revenue": 1.0}])
    assert _texts(stockout_alerts(frame, 30, "en"))[0][:2] == ("SKU9", "DC1")
    empty = pd.DataFrame(columns=["sku", "sku_name", "location", "location_name",
                                  "on_hand_units", "units_sold", "revenue"])
    assert stockout_alerts(empty, 30, "en").alerts == ()


def _classes(component: object) -> list[str]:
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if getattr(node, "className", None):
            found.append(node.className)
        children = getattr(node, "children", None)
        stack.extend(children if isinstance(children, list) else
                     [children] if hasattr(children, "children") else [])
    return found


def test_ticker_scrolls_the_alerts_twice_or_says_all_clear() -> None:
    frame = _frame([{"sku": "A", "sku_name": "Apple", "location_name": "Store 1",
                     "on_hand_units": 0.0, "units_sold": 3.0, "revenue": 9.0}])
    lists = [stockout_alerts(frame, 30, "en"), AlertList("new_dead", (), False)]
    counts, window = ticker(lists, "en")
    assert counts.children[0].children[1].children == "1"
    assert "wall-count-zero" in counts.children[1].className
    runs = window.children.children
    assert len(runs) == 2 and runs[1].to_plotly_json()["props"]["aria-hidden"] == "true"
    assert _classes(runs[0]).count("wall-alert-loc") == 1
    assert "wall-alert-loc" not in _classes(ticker(lists, "en", show_location=False)[1])
    calm = ticker([AlertList("stockout", (), False)], "zh")[1]
    assert calm.children == "一切正常:无缺货、无即将断货、无新增呆滞"


def test_alert_queries_on_the_demo_data_keep_their_rules(demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    try:
        end = source.date_range()[1]
        start = end - timedelta(days=29)
        region = source.distinct_values("location", "region")[1]
        scope = Scope("region", region)
        stock = run_query(source, stockout_query(start, end, None))
        cut = running_out_cut()
        running = run_query(source, running_out_query(start, end, scope, cut))
        dead = run_query(source, new_dead_query(start, end, None, 60))
        locations = run_query(source, stockout_query(start, end, scope, limit=1000))
        in_region = _region_locations(source, region)
    finally:
        source.dispose()
    assert cut == 45.0  # the days-of-supply target's good value
    assert 0 < len(stock) <= 21 and len(running) == 21  # one more than shown: "20+"
    assert (stock["on_hand_units"] <= 0).all() and (stock["units_sold"] > 0).all()
    assert list(stock["revenue"]) == sorted(stock["revenue"], reverse=True)
    assert ((running["days_of_supply"] < cut) & (running["on_hand_units"] > 0)).all()
    assert list(running["days_of_supply"]) == sorted(running["days_of_supply"])
    assert dead["days_since_last_sale"].between(60, 60 + NEW_DEAD_WEEK - 1).all()
    assert (dead["dead_stock_value"] > 0).all()
    # the scope held: every stockout location is in the region (ids of that region only)
    assert len(locations) > 0
    assert set(locations["location"]) <= set(in_region)
    assert len(stockout_alerts(stock, 30, "en").alerts) == min(len(stock), 20)


def _region_locations(source: Source, region: str) -> list[str]:
    """The region's location ids, read with plain SQL (not through a metric query)."""
    with source.engine.connect() as con:
        return list(con.execute(sa.text(
            "select location_id from location where region = :r"), {"r": region}).scalars())


def test_period_dates_are_whole_days() -> None:
    query = stockout_query(date(2026, 10, 2), date(2026, 10, 31), Scope("location", "ST1"))
    assert query.filters() == {"location": ("ST1",)}
    assert query.having == (("on_hand_units", "<=", 0.0), ("units_sold", ">", 0.0))
