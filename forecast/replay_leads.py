"""Lead times in the policy replay (forecast/replay.py): the one an order placed on a
given day really took (the receipt ordered nearest that day), and the lead-time frames
the planner reads from the receipts of the year before a re-planning day.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd


def realised_leads(receipts: pd.DataFrame, pairs: pd.DataFrame, first: date, days: int,
                   fallback: np.ndarray) -> np.ndarray:
    """days × pairs: the lead time (whole days ≥ 1) of an order placed on each day of the
    replay — the realised lead time of the pair's receipt ordered nearest that day, else
    of the SKU's at any location, else `fallback` (per pair)."""
    out = np.tile(np.maximum(np.rint(fallback), 1.0), (days, 1))
    if receipts.empty:
        return out
    lines = receipts.assign(
        day=(pd.to_datetime(receipts["order_date"]) - pd.Timestamp(first)).dt.days,
        lead=(pd.to_datetime(receipts["date"]) - pd.to_datetime(receipts["order_date"]))
        .dt.days).query("lead >= 0")
    wanted = np.arange(days)

    def nearest(day: np.ndarray, lead: np.ndarray) -> np.ndarray:
        order = np.argsort(day, kind="stable")
        day, lead = day[order], lead[order]
        at = np.clip(np.searchsorted(day, wanted), 0, len(day) - 1)
        before = np.clip(at - 1, 0, len(day) - 1)
        pick = np.where(np.abs(day[before] - wanted) <= np.abs(day[at] - wanted), before, at)
        return np.maximum(lead[pick], 1.0)

    column = {(s, loc): i for i, (s, loc) in enumerate(zip(pairs["sku_id"],
                                                          pairs["location_id"], strict=True))}
    by_sku: dict[str, list[int]] = {}
    for i, sku in enumerate(pairs["sku_id"]):
        by_sku.setdefault(sku, []).append(i)
    done = np.zeros(len(pairs), dtype=bool)
    for (sku, loc), rows in lines.groupby(["sku", "location"]):
        col = column.get((sku, loc))
        if col is not None:
            out[:, col] = nearest(rows["day"].to_numpy(), rows["lead"].to_numpy(dtype=float))
            done[col] = True
    for sku, rows in lines.groupby("sku"):
        cols = [c for c in by_sku.get(sku, []) if not done[c]]
        if cols:
            out[:, cols] = nearest(rows["day"].to_numpy(),
                                   rows["lead"].to_numpy(dtype=float))[:, None]
    return out


def lead_frames(receipts: pd.DataFrame, first: date, last: date
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The lead-time frames sku_lead_times reads (by supplier and SKU, by supplier), from
    the receipts received in [first, last]."""
    rows = receipts[(receipts["date"] >= first) & (receipts["date"] <= last)].copy()
    rows["supplier"] = rows["supplier"].fillna("")
    rows["lead"] = (pd.to_datetime(rows["date"]) - pd.to_datetime(rows["order_date"])).dt.days
    rows = rows[rows["lead"] >= 0]
    rows["cost"] = rows["cost"].fillna(0.0)

    def stats(by: list[str]) -> pd.DataFrame:
        if rows.empty:
            return pd.DataFrame(columns=[*by, "receipts", "lead_time_mean", "lead_time_std",
                                         "last_receipt", "received_cost", "received_units"])
        return rows.groupby(by, as_index=False).agg(
            receipts=("lead", "size"), lead_time_mean=("lead", "mean"),
            lead_time_std=("lead", "std"), last_receipt=("date", "max"),
            received_cost=("cost", "sum"), received_units=("qty", "sum"))

    return stats(["supplier", "sku"]), stats(["supplier"])
