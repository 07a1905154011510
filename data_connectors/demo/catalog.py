"""The demo's master data as numbers: SKUs, brands/suppliers, locations and the assortment.

Only integer codes and numeric attributes live here (names are attached by `tables.py`),
so a locale never changes a random draw. Sizes follow `scale`: SKUs and locations both grow
with √scale, so the number of carried SKU-locations, and with it the sales lines, grows
roughly linearly with scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from data_connectors.demo import names
from data_connectors.demo.seasons import ONLINE, STORE, WHOLESALE

BASE_SKUS = 300
BASE_LOCATIONS = 24

# Per category (order of names.CATEGORIES): share of SKUs, median shelf price of the middle
# size, price spread, units a median SKU sells per day in a median store, and case pack.
CATEGORY_SHARE = np.array([0.16, 0.16, 0.12, 0.12, 0.10, 0.10, 0.12, 0.12])
MEDIAN_PRICE = np.array([4.0, 12.0, 22.0, 35.0, 18.0, 120.0, 39.0, 89.0])
PRICE_SIGMA = np.array([0.25, 0.3, 0.3, 0.3, 0.3, 0.6, 0.35, 0.45])
BASE_DEMAND = np.array([3.0, 2.0, 1.0, 1.0, 2.0, 0.4, 0.8, 0.3])
CASE_PACK = np.array([24, 12, 6, 6, 12, 6, 12, 2])
# Pack sizes run small → large: larger packs cost more, sell fewer units and come fewer per case.
SIZE_PRICE = np.array([0.6, 1.0, 1.8, 3.5])
SIZE_DEMAND = np.array([1.3, 1.0, 0.7, 0.45])
SIZE_CASE_DIVISOR = np.array([1, 1, 2, 4])
# How well each category sells through each channel, relative to stores.
CHANNEL_MIX = np.array(
    [
        [1.0] * 8,
        [0.6, 0.9, 1.0, 0.5, 0.4, 0.8, 1.4, 1.6],
        [1.2, 1.1, 1.0, 1.3, 0.8, 1.2, 0.9, 0.6],
    ]
)
REGION_STORE_SHARE = np.array([0.28, 0.18, 0.20, 0.12, 0.12, 0.10])
ONLINE_REGION_ORDER = (0, 2, 1, 3, 4, 5)  # e-commerce hubs go to the biggest markets first

LAUNCH_SHARE = 0.12  # SKUs introduced during the data period
DISCONTINUE_SHARE = 0.08  # SKUs delisted during the data period
DEAD_SHARE = 0.04  # SKUs that hardly sell at all: the slow/dead tail


@dataclass(frozen=True)
class Catalog:
    """SKUs, brands, locations and the carried SKU-location pairs, all as numpy arrays."""

    n_days: int
    # SKUs
    sku_category: np.ndarray
    sku_subcategory: np.ndarray  # index within the category
    sku_product: np.ndarray  # index within the subcategory's product words
    sku_size: np.ndarray
    sku_brand: np.ndarray  # global brand index (= supplier index)
    unit_cost: np.ndarray
    unit_price: np.ndarray
    wholesale_price: np.ndarray
    case_pack: np.ndarray
    launch_day: np.ndarray  # first day the SKU exists (0 = before the data starts)
    discontinue_day: np.ndarray  # day it is delisted (n_days = never within the data)
    # brands / suppliers
    brand_category: np.ndarray
    brand_local: np.ndarray  # index within the category's brand list
    supplier_lead_days: np.ndarray  # mean lead time per supplier
    # locations
    loc_channel: np.ndarray
    loc_region: np.ndarray
    loc_city: np.ndarray  # index within the region's city list
    loc_area: np.ndarray  # index into names.AREAS (stores only; -1 otherwise)
    loc_number: np.ndarray  # running number within the channel, for IDs and names
    ship_from_store_share: np.ndarray  # share of a store's sales fulfilled for online orders
    # carried SKU-location pairs, sorted by (sku, location)
    pair_sku: np.ndarray
    pair_loc: np.ndarray
    pair_rate: np.ndarray  # base demand in units per day before calendar and promotions

    @property
    def n_skus(self) -> int:
        return len(self.sku_category)

    @property
    def n_locations(self) -> int:
        return len(self.loc_channel)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_sku)


def _allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Split `total` into integer counts proportional to `shares` (largest remainder)."""
    raw = total * shares / shares.sum()
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def _nice_price(p: np.ndarray) -> np.ndarray:
    """Round to shelf prices people recognise: 3.5, 12.9, 129."""
    p = np.maximum(p, 1.5)
    return np.where(
        p < 10, np.round(p, 1), np.where(p < 100, np.round(p) - 0.1, np.round(p, -1) - 1.0)
    )


def _lifecycle(rng: np.random.Generator, n_skus: int, n_days: int) -> tuple[np.ndarray, ...]:
    """Launch and delisting days: a few SKUs arrive mid-period, a few are delisted mid-period.

    Delistings happen early enough that their clearance ends well before the last day, so the
    leftover stock shows up as dead stock (no sales in the last 90 days).
    """
    launch = np.zeros(n_skus, dtype=np.int64)
    discontinue = np.full(n_skus, n_days, dtype=np.int64)
    role = rng.random(n_skus)
    launched = role < LAUNCH_SHARE
    delisted = (role >= LAUNCH_SHARE) & (role < LAUNCH_SHARE + DISCONTINUE_SHARE)
    lo, hi = min(45, n_days // 4), max(min(45, n_days // 4) + 1, n_days - 60)
    launch[launched] = rng.integers(lo, hi, launched.sum())
    lo = min(60, n_days // 4)
    hi = n_days - 180 if n_days - 180 > lo else max(lo + 1, n_days // 2)
    discontinue[delisted] = rng.integers(lo, hi, delisted.sum())
    return launch, discontinue


def _skus(rng: np.random.Generator, n_skus: int) -> dict[str, np.ndarray]:
    cats = names.CATEGORIES
    category = np.repeat(np.arange(len(cats)), _allocate(n_skus, CATEGORY_SHARE[: len(cats)]))
    n_sub = np.array([len(c.subcategories) for c in cats])
    n_brand = np.array([len(c.brands) for c in cats])
    brand_offset = np.concatenate([[0], np.cumsum(n_brand)[:-1]])
    subcategory = (rng.random(n_skus) * n_sub[category]).astype(np.int64)
    n_products = np.array(
        [len(cats[c].subcategories[s][1]) for c, s in zip(category, subcategory, strict=True)]
    )
    product = (rng.random(n_skus) * n_products).astype(np.int64)
    size = rng.integers(0, len(SIZE_PRICE), n_skus)
    brand = brand_offset[category] + (rng.random(n_skus) * n_brand[category]).astype(np.int64)

    shelf = MEDIAN_PRICE[category] * SIZE_PRICE[size]
    price = _nice_price(shelf * rng.lognormal(0.0, PRICE_SIGMA[category]))
    margin = rng.uniform(0.17, 0.43, n_skus)
    cost = np.round(price * (1.0 - margin), 2)
    # Wholesale customers pay about 80 % of shelf price, but never below cost plus a little.
    wholesale = np.round(np.maximum(0.8 * price, 1.05 * cost), 2)
    pack = np.maximum(1, CASE_PACK[category] // SIZE_CASE_DIVISOR[size])
    return {
        "sku_category": category,
        "sku_subcategory": subcategory,
        "sku_product": product,
        "sku_size": size,
        "sku_brand": brand,
        "unit_cost": cost,
        "unit_price": price,
        "wholesale_price": wholesale,
        "case_pack": pack.astype(np.int64),
        "brand_category": np.repeat(np.arange(len(cats)), n_brand),
        "brand_local": np.concatenate([np.arange(n) for n in n_brand]),
    }


def _locations(rng: np.random.Generator, n_locations: int) -> dict[str, np.ndarray]:
    """Stores, then e-commerce fulfilment centres, then one DC per region (more when large)."""
    n_regions = len(names.REGIONS)
    n_dc = max(1, round(n_locations * 0.25))
    n_online = max(1, round(n_locations / 8))
    n_store = max(1, n_locations - n_dc - n_online)
    store_region = np.repeat(np.arange(n_regions), _allocate(n_store, REGION_STORE_SHARE))
    online_region = np.array([ONLINE_REGION_ORDER[i % n_regions] for i in range(n_online)])
    # DCs cover the regions without a store first, so even a tiny build spans every region.
    empty = np.bincount(store_region, minlength=n_regions) == 0
    dc_order = np.concatenate([np.flatnonzero(empty), np.flatnonzero(~empty)])
    dc_region = dc_order[np.arange(n_dc) % n_regions]
    n_cities = np.array([len(c) for c in names.CITIES])

    store_rank = np.zeros(n_store, dtype=np.int64)  # running number within the region
    for r in range(n_regions):
        idx = np.flatnonzero(store_region == r)
        store_rank[idx] = np.arange(len(idx))
    store_city = store_rank % n_cities[store_region]
    store_area = (store_rank // n_cities[store_region] + 3 * store_city) % len(names.AREAS)
    online_city = (1 + np.arange(n_online) // n_regions) % n_cities[online_region]
    dc_city = (np.arange(n_dc) // n_regions) % n_cities[dc_region]

    channel = np.concatenate(
        [np.full(n_store, STORE), np.full(n_online, ONLINE), np.full(n_dc, WHOLESALE)]
    )
    traffic = np.concatenate(
        [
            rng.lognormal(0.0, 0.35, n_store),
            2.5 * rng.lognormal(0.0, 0.2, n_online),
            2.2 * rng.lognormal(0.0, 0.25, n_dc),
        ]
    )
    sfs = np.zeros(len(channel))
    sfs[:n_store] = np.where(rng.random(n_store) < 0.5, rng.uniform(0.05, 0.10, n_store), 0.0)
    return {
        "loc_channel": channel,
        "loc_region": np.concatenate([store_region, online_region, dc_region]),
        "loc_city": np.concatenate([store_city, online_city, dc_city]),
        "loc_area": np.concatenate([store_area, np.full(n_online + n_dc, -1)]),
        "loc_number": np.concatenate(
            [np.arange(n_store), np.arange(n_online), np.arange(n_dc)]
        ) + 1,
        "ship_from_store_share": sfs,
        "traffic": traffic,
    }


def build_catalog(rng: np.random.Generator, scale: float, n_days: int) -> Catalog:
    """Draw the whole master data and the assortment for `scale`."""
    root = math.sqrt(scale)
    n_skus = max(len(names.CATEGORIES), round(BASE_SKUS * root))
    n_locations = max(3, round(BASE_LOCATIONS * root))
    sku = _skus(rng, n_skus)
    loc = _locations(rng, n_locations)
    launch, discontinue = _lifecycle(rng, n_skus, n_days)
    n_brands = len(sku["brand_category"])
    lead = rng.uniform(3.0, 21.0, n_brands)

    # Pareto popularity: a lognormal spread makes a fifth of the SKUs sell most of the units.
    category, size = sku["sku_category"], sku["sku_size"]
    popularity = rng.lognormal(0.0, 1.1, n_skus)
    popularity[rng.random(n_skus) < DEAD_SHARE] *= 0.004
    sku_rate = BASE_DEMAND[category] * SIZE_DEMAND[size] * popularity

    # Assortment: popular SKUs are carried nearly everywhere, niche ones by few stores.
    pop_rank = np.argsort(np.argsort(popularity, kind="stable"), kind="stable") / n_skus
    channel, traffic = loc["loc_channel"], loc["traffic"]
    base = np.array([0.30, 0.65, 0.75])[channel]
    p = base[None, :] + 0.35 * pop_rank[:, None] + 0.1 * np.log(traffic)[None, :]
    carried = rng.random((n_skus, n_locations)) < np.clip(p, 0.05, 0.98)
    orphans = np.flatnonzero(~carried.any(axis=1))
    carried[orphans, rng.integers(0, n_locations, len(orphans))] = True
    pair_sku, pair_loc = np.nonzero(carried)  # row-major: sorted by (sku, location)
    noise = rng.lognormal(0.0, 0.25, len(pair_sku))
    rate = (
        sku_rate[pair_sku]
        * traffic[pair_loc]
        * CHANNEL_MIX[channel[pair_loc], category[pair_sku]]
        * noise
    )
    loc.pop("traffic")
    return Catalog(
        n_days=n_days,
        launch_day=launch,
        discontinue_day=discontinue,
        supplier_lead_days=lead,
        pair_sku=pair_sku.astype(np.int64),
        pair_loc=pair_loc.astype(np.int64),
        pair_rate=rate,
        **sku,
        **loc,
    )
