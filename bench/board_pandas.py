"""The naive pandas approach to one executive-board refresh: load the facts, then group.

This is what a dashboard written straight on pandas does (and what DESIGN.md forbids):
read the fact rows the refresh needs into DataFrames, join the dimension tables, filter,
and aggregate in Python. It is written vectorised and is given every advantage — the
rows arrive through DuckDB's fast DataFrame export, only the needed columns and dates are
read — so the ratio the benchmark reports is a lower bound of what naive code costs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from board_sql import CARD_METRICS, DEAD_DAYS, BoardAsk


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0 or pd.isna(num) or pd.isna(den):
        return None
    return float(num) / float(den)


def load(con: Any, since: date, until: date) -> dict[str, pd.DataFrame]:
    """The facts dated in [since, until] with their SKU and location attributes."""
    sku = con.execute("SELECT sku_id, category, unit_cost FROM sku").df()
    loc = con.execute("SELECT location_id, region, channel AS loc_channel FROM location").df()
    rng = [since, until]
    sales = con.execute("SELECT date, sku_id, location_id, channel, qty, revenue, cost "
                        "FROM sales WHERE date BETWEEN ? AND ?", rng).df()
    inv = con.execute("SELECT date, sku_id, location_id, on_hand_qty, on_hand_value "
                      "FROM inventory WHERE date BETWEEN ? AND ?", rng).df()
    rec = con.execute("SELECT date, sku_id, location_id, qty FROM receipts "
                      "WHERE date BETWEEN ? AND ?", rng).df()
    snaps = con.execute("SELECT DISTINCT date FROM inventory").df()["date"]
    out = {}
    for name, frame in (("sales", sales), ("inventory", inv), ("receipts", rec)):
        frame = frame.merge(sku, on="sku_id", how="left").merge(loc, on="location_id",
                                                                   how="left")
        frame["date"] = pd.to_datetime(frame["date"])
        out[name] = frame
    s = out["sales"]
    s["channel"] = s["channel"].fillna(s["loc_channel"]).fillna("default")
    s["cost"] = s["cost"].fillna(s["qty"] * s["unit_cost"])
    for name in ("inventory", "receipts"):
        out[name]["channel"] = out[name]["loc_channel"].fillna("default")
    i = out["inventory"]
    i["value"] = i["on_hand_value"].fillna(i["on_hand_qty"] * i["unit_cost"])
    out["snaps"] = pd.DataFrame({"date": pd.to_datetime(snaps).sort_values()})
    return out


def _month(dates: pd.Series) -> pd.Series:
    """"2026-03" labels, computed once per distinct date (strftime per row is slow)."""
    labels = {d: f"{d:%Y-%m}" for d in dates.unique()}
    return dates.map(labels)


def _filtered(frame: pd.DataFrame, ask: BoardAsk) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for dim in ("region", "channel", "category"):
        if getattr(ask, dim):
            keep &= frame[dim].isin(getattr(ask, dim)).to_numpy()
    return frame[keep]


def _between(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    return frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))]


def cards(data: dict[str, pd.DataFrame], ask: BoardAsk, start: date,
          end: date) -> dict[str, float | None]:
    """The card metrics over [start, end], as-of end."""
    snaps = data["snaps"]["date"]
    inside = snaps[(snaps >= pd.Timestamp(start)) & (snaps <= pd.Timestamp(end))]
    n, days = len(inside), (end - start).days + 1
    before_end, before_start = snaps[snaps <= pd.Timestamp(end)], snaps[snaps < pd.Timestamp(start)]
    asof = before_end.max() if len(before_end) else None
    opening = before_start.max() if len(before_start) else (inside.min() if n else None)
    all_sales = data["sales"]
    sales = _filtered(_between(all_sales, start, end), ask)
    inv = _filtered(data["inventory"], ask)
    period_inv = _between(inv, start, end)
    rec = _filtered(_between(data["receipts"], start, end), ask)
    revenue, cogs, units = sales["revenue"].sum(), sales["cost"].sum(), sales["qty"].sum()
    at_asof = inv[inv["date"] == asof] if asof is not None else inv.iloc[:0]
    value = at_asof["value"].sum() if asof is not None else None
    asof_units = at_asof["on_hand_qty"].sum() if asof is not None else None
    open_units = inv.loc[inv["date"] == opening, "on_hand_qty"].sum() \
        if opening is not None else None
    avg = _ratio(period_inv["value"].sum(), n)
    recent = _between(all_sales, end - timedelta(days=DEAD_DAYS - 1), end)
    recent = recent.loc[recent["qty"] > 0, ["sku_id", "location_id"]].drop_duplicates()
    stocked_asof = at_asof[at_asof["on_hand_qty"] > 0]
    joined = stocked_asof.merge(recent, on=["sku_id", "location_id"], how="left",
                                indicator=True)
    dead = joined.loc[joined["_merge"] == "left_only", "value"].sum() \
        if asof is not None else None
    # a pair is filtered by its location's channel, whichever channel its sales went to
    sold = _between(all_sales, start, end).assign(
        channel=lambda f: f["loc_channel"].fillna("default"))
    sold = _filtered(sold, ask)
    pairs = pd.concat([period_inv.loc[period_inv["on_hand_qty"] > 0, ["sku_id", "location_id"]],
                       sold.loc[sold["qty"] > 0, ["sku_id", "location_id"]]])
    pair_dates = len(pairs.drop_duplicates()) * n
    stocked = int((period_inv["on_hand_qty"] > 0).sum())
    turnover = _ratio(cogs, avg)
    got = {
        "revenue": float(revenue), "inventory_value": value,
        "days_of_supply": _ratio(asof_units, _ratio(units, days)),
        "turnover": turnover, "turnover_days": _ratio(days, turnover),
        "sell_through": _ratio(units, None if open_units is None
                               else open_units + rec["qty"].sum()),
        "gmroi": _ratio(revenue - cogs, avg),
        "stockout_rate": _ratio(pair_dates - stocked, pair_dates),
        "dead_stock_value": dead, "dead_stock_share": _ratio(dead, value),
    }
    return {m: got[m] for m in CARD_METRICS}


def turnover_days_by(data: dict[str, pd.DataFrame], ask: BoardAsk, start: date, end: date,
                     key: str | None) -> dict[str, float | None]:
    """Turnover days by month, region or channel (or overall, key None)."""
    sales = _filtered(_between(data["sales"], start, end), ask)
    inv = _filtered(_between(data["inventory"], start, end), ask)
    snaps = data["snaps"]["date"]
    snaps = snaps[(snaps >= pd.Timestamp(start)) & (snaps <= pd.Timestamp(end))]
    if key == "month":
        cogs = sales.groupby(_month(sales["date"]))["cost"].sum()
        value = inv.groupby(_month(inv["date"]))["value"].sum()
        counts = snaps.groupby(_month(snaps)).size()
    elif key is None:
        cogs = pd.Series({"all": sales["cost"].sum()})
        value = pd.Series({"all": inv["value"].sum()})
        counts = pd.Series({"all": len(snaps)})
    else:
        cogs = sales.groupby(key)["cost"].sum()
        value = inv.groupby(key)["value"].sum()
        counts = None
    out: dict[str, float | None] = {}
    for group in sorted(set(cogs.index) | set(value.index)):
        if key == "month":
            first = max(date.fromisoformat(group + "-01"), start)
            nxt = (pd.Timestamp(first) + pd.offsets.MonthBegin(1)).date()
            days = (min(nxt - timedelta(days=1), end) - first).days + 1
            n = counts.get(group, 0)
        else:
            days, n = (end - start).days + 1, (counts["all"] if counts is not None
                                               else len(snaps))
        avg = _ratio(value.get(group, 0.0), n)
        out[group] = _ratio(days, _ratio(cogs.get(group, 0.0), avg))
    return out


def run_board(con: Any, ask: BoardAsk, first_day: date) -> dict[str, Any]:
    """One refresh the naive way: load what it needs, then compute every number."""
    prev_start, prev_end = ask.previous()
    trend_start = ask.trend_start(first_day)
    since = min(trend_start, max(prev_start, first_day), ask.end - timedelta(days=DEAD_DAYS))
    data = load(con, since - timedelta(days=7), ask.end)  # the opening snapshot too
    out: dict[str, Any] = {"cards": cards(data, ask, ask.start, ask.end)}
    if prev_start >= first_day:
        out["cards_previous"] = cards(data, ask, prev_start, prev_end)
    out["trend"] = turnover_days_by(data, ask, trend_start, ask.end, "month")
    out["overall"] = turnover_days_by(data, ask, ask.start, ask.end, None)
    out["by_region"] = turnover_days_by(data, ask, ask.start, ask.end, "region")
    out["by_channel"] = turnover_days_by(data, ask, ask.start, ask.end, "channel")
    return out
