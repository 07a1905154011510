"""Turn a simulated month (dense day × pair matrices) into compact fact rows.

Rows stay numpy arrays of integer codes and floats; the writer turns codes into IDs inside
DuckDB. Sales prices are applied here: shelf price less the day's promotion in stores,
the deeper of promotion and festival discount online, the wholesale price at DCs.
"""

from __future__ import annotations

import numpy as np

from data_connectors.demo.catalog import Catalog
from data_connectors.demo.promotions import Promotions
from data_connectors.demo.seasons import ONLINE, WHOLESALE, DemandCalendar
from data_connectors.demo.simulate import MonthResult

Rows = dict[str, np.ndarray]


def _sales_block(
    catalog: Catalog,
    promos: Promotions,
    calendar: DemandCalendar,
    first_day: int,
    qty: np.ndarray,
    channel: int | None,
) -> Rows:
    """Rows for every nonzero cell of `qty` (days × pairs); channel None = the location's."""
    day_k, pair = np.nonzero(qty)
    units = qty[day_k, pair].astype(np.float64)
    day = first_day + day_k
    sku = catalog.pair_sku[pair]
    loc = catalog.pair_loc[pair]
    ch = catalog.loc_channel[loc] if channel is None else np.full(len(pair), channel)
    promo = promos.discount[day, sku]
    discount = np.where(ch == ONLINE, np.maximum(promo, calendar.festival_discount[day]), promo)
    price = np.where(
        ch == WHOLESALE, catalog.wholesale_price[sku], catalog.unit_price[sku] * (1.0 - discount)
    )
    return {
        "day": day.astype(np.int32),
        "sku": sku.astype(np.int32),
        "loc": loc.astype(np.int32),
        "channel": ch.astype(np.int8),
        "qty": units,
        "revenue": np.round(units * price, 2),
        "cost": np.round(units * catalog.unit_cost[sku], 2),
    }


def sales_rows(
    catalog: Catalog,
    promos: Promotions,
    calendar: DemandCalendar,
    month: MonthResult,
    rng: np.random.Generator,
) -> Rows:
    """Sales lines of the month, one per (date, sku, location, channel) with qty > 0.

    Stores with ship-from-store hand a small share of their units to online orders; those
    units become separate rows with channel "online" at the same location.
    """
    share = catalog.ship_from_store_share[catalog.pair_loc]
    cols = np.flatnonzero(share > 0)
    online = np.zeros_like(month.sold)
    online[:, cols] = rng.binomial(month.sold[:, cols], share[cols]).astype(np.int32)
    own = _sales_block(catalog, promos, calendar, month.first_day, month.sold - online, None)
    shipped = _sales_block(catalog, promos, calendar, month.first_day, online, ONLINE)
    rows = {k: np.concatenate([own[k], shipped[k]]) for k in own}
    order = np.argsort(rows["day"], kind="stable")
    return {k: v[order] for k, v in rows.items()}


def inventory_rows(catalog: Catalog, month: MonthResult) -> Rows:
    """End-of-day stock rows for every active pair and day, zero-stock days included."""
    day_k, pair = np.nonzero(month.active)
    qty = month.on_hand[day_k, pair].astype(np.float64)
    sku = catalog.pair_sku[pair]
    return {
        "day": (month.first_day + day_k).astype(np.int32),
        "sku": sku.astype(np.int32),
        "loc": catalog.pair_loc[pair].astype(np.int32),
        "qty": qty,
        "value": np.round(qty * catalog.unit_cost[sku], 2),
    }


def receipt_rows(catalog: Catalog, receipts: dict[str, np.ndarray]) -> Rows:
    """Receipt rows: arrival day, order day, SKU, location, supplier (= brand), qty, cost."""
    pair = receipts["pair"]
    sku = catalog.pair_sku[pair]
    return {
        "day": receipts["day"].astype(np.int32),
        "order_day": receipts["order_day"].astype(np.int32),
        "sku": sku.astype(np.int32),
        "loc": catalog.pair_loc[pair].astype(np.int32),
        "supplier": catalog.sku_brand[sku].astype(np.int32),
        "qty": receipts["qty"].astype(np.float64),
        "cost": receipts["cost"].astype(np.float64),
    }
