"""The replenishment plan: stored forecasts + stock on hand + supplier lead times + the
policy → per SKU-location the safety stock, reorder point, order quantity and projected
stockout date (formulas in metrics/replenishment.py).

Everything here works on results (one row per SKU-location or per supplier and SKU), so a
page, the wall and the command line build the same plan from the same frames.

Lead time of a SKU: the mean of its receipts from its current supplier (the supplier of
its latest receipt) when there are at least MIN_RECEIPTS of them, else that supplier's
mean over all its SKUs, else the mean of all receipts, else DEFAULT_LEAD_DAYS. The
canonical model has no open purchase orders, so the stock position is the stock on hand.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.replenishment import (
    Policy,
    days_until_stockout,
    order_quantity,
    order_up_to,
    reorder_point,
    safety_stock,
)

MIN_RECEIPTS = 3
DEFAULT_LEAD_DAYS = 7.0
STATUS_ORDER = {"bad": 0, "warn": 1, "good": 2}
PLAN_COLUMNS = ("sku", "sku_name", "location", "location_name", "category", "region",
                "supplier", "method", "on_hand", "forecast_daily", "sigma", "lead_time",
                "lead_basis", "safety_stock", "reorder_point", "order_up_to", "order_qty",
                "unit_cost", "order_value", "days_to_stockout", "stockout_date",
                "order_by", "status", "_row")  # _row: the pair's row in the forecasts' paths


def sku_lead_times(by_supplier_sku: pd.DataFrame, by_supplier: pd.DataFrame) -> pd.DataFrame:
    """Per SKU: its current supplier, lead time, what the lead time is based on ("sku",
    "supplier", "all", "default") and its unit cost from receipts (cost / units)."""
    rows = by_supplier_sku.dropna(subset=["sku"])
    if rows.empty:
        return pd.DataFrame(columns=["sku", "supplier", "lead_time", "lead_basis",
                                     "receipt_unit_cost"])
    latest = rows.sort_values(["sku", "last_receipt", "receipts"]).groupby(
        "sku", as_index=False).tail(1).set_index("sku")
    supplier_mean = by_supplier.set_index("supplier")["lead_time_mean"]
    total = by_supplier["receipts"].sum()
    overall = (float((by_supplier["lead_time_mean"] * by_supplier["receipts"]).sum() / total)
               if total else None)
    own = latest["receipts"] >= MIN_RECEIPTS
    supplier = latest["supplier"].map(supplier_mean)
    lead = latest["lead_time_mean"].where(own, supplier)
    basis = np.where(own, "sku", np.where(supplier.notna(), "supplier", "all"))
    if overall is None:
        basis = np.where(lead.isna(), "default", basis)
    lead = lead.fillna(overall if overall is not None else DEFAULT_LEAD_DAYS)
    per_sku = rows.groupby("sku")[["received_cost", "received_units"]].sum()
    cost = per_sku["received_cost"] / per_sku["received_units"].where(
        per_sku["received_units"] > 0)
    return pd.DataFrame({"sku": latest.index, "supplier": latest["supplier"].to_numpy(),
                         "lead_time": lead.to_numpy(dtype=float), "lead_basis": basis,
                         "receipt_unit_cost": cost.reindex(latest.index).to_numpy()})


def build_plan(stock: pd.DataFrame, forecasts: pd.DataFrame, paths: np.ndarray,
               leads: pd.DataFrame, policy: Policy, as_of: date,
               default_lead: float = DEFAULT_LEAD_DAYS) -> pd.DataFrame:
    """The plan of the SKU-locations in `stock` (sku, sku_name, location, location_name,
    category, region, on_hand_units, inventory_value) that have a forecast in
    `forecasts` (sku_id, location_id, method, sigma, forecast_mean; row i ↔ paths[i]),
    with `leads` from sku_lead_times. Most urgent first."""
    index = forecasts.reset_index(drop=True).assign(_row=lambda f: f.index)
    merged = stock.merge(index[["sku_id", "location_id", "method", "sigma",
                                "forecast_mean", "_row"]],
                         left_on=["sku", "location"], right_on=["sku_id", "location_id"])
    merged = merged.merge(leads, on="sku", how="left")
    if merged.empty:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    rows = merged["_row"].to_numpy(dtype=int)
    pair_paths = paths[rows]
    on_hand = merged["on_hand_units"].fillna(0.0).to_numpy(dtype=float)
    lead = merged["lead_time"].fillna(default_lead).to_numpy(dtype=float)
    sigma = merged["sigma"].to_numpy(dtype=float)
    safety = safety_stock(policy.z, sigma, lead)
    rop = reorder_point(pair_paths, lead, safety)
    up_to = order_up_to(pair_paths, lead, policy.cover_days, safety)
    demand = merged["forecast_mean"].to_numpy(dtype=float)
    qty = np.where(demand > 0, order_quantity(on_hand, rop, up_to), 0.0)
    stock_cost = merged["inventory_value"] / merged["on_hand_units"].where(
        merged["on_hand_units"] > 0)
    unit_cost = merged["receipt_unit_cost"].fillna(stock_cost).to_numpy(dtype=float)
    days = days_until_stockout(on_hand, pair_paths)
    plan = pd.DataFrame({
        "sku": merged["sku"], "sku_name": merged.get("sku_name"),
        "location": merged["location"], "location_name": merged.get("location_name"),
        "category": merged.get("category"), "region": merged.get("region"),
        "supplier": merged["supplier"], "method": merged["method"], "on_hand": on_hand,
        "forecast_daily": demand, "sigma": sigma, "lead_time": lead,
        "lead_basis": merged["lead_basis"].fillna("default"),
        "safety_stock": safety, "reorder_point": rop, "order_up_to": up_to,
        "order_qty": qty, "unit_cost": unit_cost, "order_value": qty * unit_cost,
        "days_to_stockout": days, "_row": rows,
    })
    plan["stockout_date"] = [None if d != d else as_of + timedelta(days=int(d)) for d in days]
    order_by = np.maximum(np.nan_to_num(days, nan=np.inf) - np.ceil(lead), 0)
    plan["order_by"] = [None if not np.isfinite(d) else as_of + timedelta(days=int(d))
                        for d in order_by]
    needs = (demand > 0) & (on_hand <= rop)
    late = (demand > 0) & ((on_hand <= 0) | (np.nan_to_num(days, nan=np.inf) < lead))
    plan["status"] = np.where(late, "bad", np.where(needs, "warn", "good"))
    plan["_rank"] = plan["status"].map(STATUS_ORDER)
    plan = plan.sort_values(["_rank", "days_to_stockout", "order_value"],
                            ascending=[True, True, False], na_position="last", kind="stable")
    return plan.drop(columns="_rank").reset_index(drop=True)[list(PLAN_COLUMNS)]


def purchase_suggestions(plan: pd.DataFrame) -> pd.DataFrame:
    """The lines to order: quantity > 0, by supplier, then most urgent first."""
    lines = plan[plan["order_qty"] > 0].copy()
    lines["_supplier"] = lines["supplier"].fillna("")
    lines = lines.sort_values(["_supplier", "order_by", "sku", "location"], kind="stable")
    return lines.drop(columns="_supplier").reset_index(drop=True)
