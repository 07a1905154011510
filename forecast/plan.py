"""The replenishment plan: stored forecasts + stock on hand + supplier lead times + the
policy → per SKU-location the safety stock, reorder point, order quantity and projected
stockout date (formulas in metrics/replenishment.py).

Everything here works on results (one row per SKU-location or per supplier and SKU), so a
page, the wall and the command line build the same plan from the same frames.

Lead time of a SKU: the mean of its receipts from its current supplier (the supplier of
its latest receipt) when there are at least MIN_RECEIPTS of them, else that supplier's
mean over all its SKUs, else the mean of all receipts, else DEFAULT_LEAD_DAYS; its
spread (σ of the lead times) likewise, else 0. The canonical model has no open purchase
orders, so the stock position is the stock on hand.

Safety stock follows the policy's basis (metrics/replenishment.py): the forecast's own
error over the uncertain lead time (the forecasts' `sigma` and `sigma_level`, the lead
time's mean and spread), or the spread of daily demand (`sigma_demand`). Forecasts
without the error columns (older runs) count σ_level as 0 and σ_demand as σ.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.replenishment import (
    Policy,
    days_until_stockout,
    lead_time_sigma,
    order_quantity,
    order_up_to,
    policy_reorder_point,
)

MIN_RECEIPTS = 3
DEFAULT_LEAD_DAYS = 7.0
STATUS_ORDER = {"bad": 0, "warn": 1, "good": 2}
PLAN_COLUMNS = ("sku", "sku_name", "location", "location_name", "category", "region",
                "supplier", "method", "on_hand", "forecast_daily", "sigma", "lead_time",
                "lead_basis", "lead_sigma", "safety_stock", "reorder_point", "order_up_to",
                "order_qty",
                "unit_cost", "order_value", "days_to_stockout", "stockout_date",
                "order_by", "status", "_row")  # _row: the pair's row in the forecasts' paths


def sku_lead_times(by_supplier_sku: pd.DataFrame, by_supplier: pd.DataFrame) -> pd.DataFrame:
    """Per SKU: its current supplier, lead time, what the lead time is based on ("sku",
    "supplier", "all", "default") and its unit cost from receipts (cost / units)."""
    rows = by_supplier_sku.dropna(subset=["sku"])
    if rows.empty:
        return pd.DataFrame(columns=["sku", "supplier", "lead_time", "lead_basis",
                                     "lead_time_std", "receipt_unit_cost"])
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
    spread = _lead_spread(latest, own, by_supplier)
    per_sku = rows.groupby("sku")[["received_cost", "received_units"]].sum()
    cost = per_sku["received_cost"] / per_sku["received_units"].where(
        per_sku["received_units"] > 0)
    return pd.DataFrame({"sku": latest.index, "supplier": latest["supplier"].to_numpy(),
                         "lead_time": lead.to_numpy(dtype=float), "lead_basis": basis,
                         "lead_time_std": spread,
                         "receipt_unit_cost": cost.reindex(latest.index).to_numpy()})


def _lead_spread(latest: pd.DataFrame, own: pd.Series, by_supplier: pd.DataFrame
                 ) -> np.ndarray:
    """σ of each SKU's lead times on the same basis as its mean (its own receipts, else
    its supplier's), 0 where unknown."""
    if "lead_time_std" not in latest.columns:
        return np.zeros(len(latest))
    supplier = (latest["supplier"].map(by_supplier.set_index("supplier")["lead_time_std"])
                if "lead_time_std" in by_supplier.columns
                else pd.Series(np.nan, index=latest.index))
    spread = latest["lead_time_std"].where(own, supplier)
    return spread.fillna(0.0).to_numpy(dtype=float)


def build_plan(stock: pd.DataFrame, forecasts: pd.DataFrame, paths: np.ndarray,
               leads: pd.DataFrame, policy: Policy, as_of: date,
               default_lead: float = DEFAULT_LEAD_DAYS,
               error_shapes: dict[tuple[str, str], np.ndarray] | None = None
               ) -> pd.DataFrame:
    """The plan of the SKU-locations in `stock` (sku, sku_name, location, location_name,
    category, region, on_hand_units, inventory_value) that have a forecast in
    `forecasts` (sku_id, location_id, method, sigma, forecast_mean, optionally
    sigma_level, sigma_demand, history_mean, category and channel; row i ↔ paths[i]),
    with `leads` from sku_lead_times. `error_shapes`: the quantiles of the forecast's
    standardised lead-time error per (category, channel), ("*", "*") pooled
    (forecast/calibration.py); without, the normal. Most urgent first."""
    index = forecasts.reset_index(drop=True).assign(_row=lambda f: f.index)
    for column, default in (("sigma_level", 0.0), ("sigma_demand", None)):
        if column not in index.columns:
            index[column] = index["sigma"] if default is None else default
    known_mean = "history_mean" in index.columns and "sigma_demand" in forecasts.columns
    for column in ("history_mean", "channel"):
        if column not in index.columns:
            index[column] = None
    merged = stock.merge(index[["sku_id", "location_id", "method", "sigma", "sigma_level",
                                "sigma_demand", "history_mean", "channel", "forecast_mean",
                                "_row"]].rename(columns={"channel": "_channel"}),
                         left_on=["sku", "location"], right_on=["sku_id", "location_id"])
    merged = merged.merge(leads, on="sku", how="left")
    if merged.empty:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    rows = merged["_row"].to_numpy(dtype=int)
    pair_paths = paths[rows]
    on_hand = merged["on_hand_units"].fillna(0.0).to_numpy(dtype=float)
    lead = merged["lead_time"].fillna(default_lead).to_numpy(dtype=float)
    sigma = merged["sigma"].to_numpy(dtype=float)
    level = merged["sigma_level"].fillna(0.0).to_numpy(dtype=float)
    spread = (merged["lead_time_std"].fillna(0.0).to_numpy(dtype=float)
              if "lead_time_std" in merged.columns else np.zeros(len(merged)))
    lead_sigma = lead_time_sigma(sigma, lead, level)
    shapes = None
    if error_shapes:
        pooled = error_shapes.get(("*", "*"))
        rows_of = [error_shapes.get((str(c), str(ch)), pooled) for c, ch in zip(
            merged.get("category", pd.Series([None] * len(merged))), merged["_channel"],
            strict=True)]
        if all(r is not None for r in rows_of):
            shapes = np.array(rows_of, dtype=float)
    rop, safety = policy_reorder_point(
        policy, pair_paths, lead, sigma, level,
        merged["sigma_demand"].fillna(merged["sigma"]).to_numpy(dtype=float), spread, shapes,
        merged["history_mean"].fillna(0.0).to_numpy(dtype=float) if known_mean else None)
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
        "lead_basis": merged["lead_basis"].fillna("default"), "lead_sigma": lead_sigma,
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
