"""The replenishment plan from hand-made frames (stock, forecasts, lead times): policy
numbers computed by hand, urgency order, lead-time fallbacks, the purchase CSV and the
wall's "below reorder point" alerts."""

from __future__ import annotations

import csv
import io
from datetime import date

import numpy as np
import pandas as pd
import pytest

from components.wall.wall_alerts import reorder_alerts
from exports.purchase_csv import purchase_csv
from forecast.plan import build_plan, purchase_suggestions, sku_lead_times
from metrics.replenishment import Policy

AS_OF = date(2026, 10, 31)


def _stock(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"sku": sku, "sku_name": f"{sku} name", "location": "L1",
                          "location_name": "Store 1", "category": "Food", "region": "East",
                          "on_hand_units": on_hand, "inventory_value": on_hand * 2.0,
                          "units_sold": 100.0} for sku, on_hand in rows])


def _forecasts(skus: list[str], daily: list[float], sigma: list[float]
               ) -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.DataFrame({"sku_id": skus, "location_id": "L1", "method": "ets",
                          "sigma": sigma, "forecast_mean": daily})
    return frame, np.array([np.full(91, d) for d in daily])


def _leads(skus: list[str], lead: float) -> pd.DataFrame:
    return pd.DataFrame({"sku": skus, "supplier": "Acme", "lead_time": lead,
                         "lead_basis": "sku", "receipt_unit_cost": 2.5})


def test_policy_numbers_status_and_order_of_a_plan_by_hand() -> None:
    skus = ["LOW", "LATE", "FULL", "IDLE", "OUT"]
    stock = _stock([("LOW", 100.0), ("LATE", 50.0), ("FULL", 500.0), ("IDLE", 0.0),
                    ("OUT", 0.0)])
    forecasts, paths = _forecasts(skus, [20.0, 20.0, 20.0, 0.0, 5.0],
                                  [10.0, 10.0, 10.0, 0.0, 2.0])
    plan = build_plan(stock, forecasts, paths, _leads(skus, 4.0), Policy(0.95, 28), AS_OF)
    by = plan.set_index("sku")
    low = by.loc["LOW"]
    assert low["safety_stock"] == pytest.approx(32.897, abs=1e-3)  # 1.645 × 10 × √4
    assert low["reorder_point"] == pytest.approx(112.897, abs=1e-3)  # 20 × 4 + SS
    assert low["order_up_to"] == pytest.approx(20 * 32 + 32.897, abs=1e-3)
    assert low["order_qty"] == 573  # ceil(672.9 − 100)
    assert low["order_value"] == pytest.approx(573 * 2.5)
    assert low["days_to_stockout"] == 5 and low["stockout_date"] == date(2026, 11, 5)
    assert low["order_by"] == date(2026, 11, 1)  # 5 days of stock − 4 days of lead time
    assert low["status"] == "warn"  # at the reorder point, an order today arrives in time
    assert by.loc["LATE", "status"] == "bad"  # 2.5 days of stock < 4 days of lead time
    assert by.loc["FULL", "status"] == "good" and by.loc["FULL", "order_qty"] == 0
    assert by.loc["IDLE", "status"] == "good" and by.loc["IDLE", "order_qty"] == 0
    assert by.loc["OUT", "status"] == "bad" and by.loc["OUT", "order_by"] == AS_OF
    # red first (out of stock, then soonest), then amber, then green
    assert plan["sku"].tolist()[:3] == ["OUT", "LATE", "LOW"]
    assert set(plan["sku"].tolist()[3:]) == {"FULL", "IDLE"}
    higher = build_plan(stock, forecasts, paths, _leads(skus, 4.0), Policy(0.99, 28), AS_OF)
    assert higher.set_index("sku").loc["LOW", "safety_stock"] == pytest.approx(
        2.3263 * 10 * 2, abs=1e-3)


def test_lead_time_of_a_sku_falls_back_to_its_supplier_then_to_all() -> None:
    per_sku = pd.DataFrame([
        # two suppliers for S1: the latest receipt decides (B), which has 3 receipts
        {"supplier": "A", "sku": "S1", "receipts": 9, "lead_time_mean": 20.0,
         "last_receipt": date(2026, 5, 1), "received_cost": 90.0, "received_units": 30.0},
        {"supplier": "B", "sku": "S1", "receipts": 3, "lead_time_mean": 6.0,
         "last_receipt": date(2026, 9, 1), "received_cost": 30.0, "received_units": 10.0},
        {"supplier": "B", "sku": "S2", "receipts": 1, "lead_time_mean": 30.0,
         "last_receipt": date(2026, 9, 1), "received_cost": 10.0, "received_units": 5.0},
    ])
    per_supplier = pd.DataFrame([{"supplier": "A", "receipts": 9, "lead_time_mean": 20.0},
                                 {"supplier": "B", "receipts": 4, "lead_time_mean": 12.0}])
    leads = sku_lead_times(per_sku, per_supplier).set_index("sku")
    assert (leads.loc["S1", "supplier"], leads.loc["S1", "lead_time"]) == ("B", 6.0)
    assert leads.loc["S1", "lead_basis"] == "sku"
    assert leads.loc["S1", "receipt_unit_cost"] == pytest.approx(120 / 40)
    assert (leads.loc["S2", "lead_time"], leads.loc["S2", "lead_basis"]) == (12.0, "supplier")


def test_purchase_csv_lists_the_lines_to_order_by_supplier() -> None:
    skus = ["LOW", "FULL"]
    stock = _stock([("LOW", 100.0), ("FULL", 500.0)])
    forecasts, paths = _forecasts(skus, [20.0, 20.0], [10.0, 10.0])
    plan = build_plan(stock, forecasts, paths, _leads(skus, 4.0), Policy(), AS_OF)
    assert purchase_suggestions(plan)["sku"].tolist() == ["LOW"]
    text = purchase_csv(plan, "zh").decode("utf-8")
    assert text.startswith('\ufeff"供应商","商品编码","商品名称"')  # text quoted, numbers not
    header, line = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:3] == ["供应商", "商品编码", "商品名称"]
    assert line[:3] == ["Acme", "LOW", "LOW name"] and line[5] == "573"
    assert line[7] == "1432.5"  # 573 × 2.5
    assert ",573,2.5,1432.5," in text.splitlines()[1]


def test_wall_alerts_list_stock_at_or_below_the_reorder_point() -> None:
    frame = pd.DataFrame([
        {"sku": "A", "sku_name": "Apple", "location": "L1", "location_name": "Store 1",
         "on_hand": 12.0, "reorder_point": 30.0, "days_to_stockout": 3.0,
         "order_value": 100.0, "stockout": "2026-11-03"},
        {"sku": "B", "sku_name": None, "location": "L1", "location_name": None,
         "on_hand": 5.0, "reorder_point": 40.0, "days_to_stockout": 1.0,
         "order_value": 10.0, "stockout": "2026-11-01"},
        {"sku": "C", "sku_name": None, "location": "L1", "location_name": None,
         "on_hand": 50.0, "reorder_point": 40.0, "days_to_stockout": 9.0,
         "order_value": 0.0, "stockout": "2026-11-09"},  # above: not an alert
        {"sku": "D", "sku_name": None, "location": "L1", "location_name": None,
         "on_hand": 0.0, "reorder_point": 40.0, "days_to_stockout": 0.0,
         "order_value": 99.0, "stockout": "2026-10-31"},  # out of stock: the other list
    ])
    found = reorder_alerts(frame, "en")
    assert [a.sku for a in found.alerts] == ["B", "Apple"]
    assert found.alerts[1].number == "12 on hand · reorder at 30 · out 11-03"
    assert reorder_alerts(frame, "zh").alerts[1].number == "现有 12 件 · 再订货点 30 · 11-03断货"
