"""Per-SKU, per-day price cuts and demand multipliers: promotions and the SKU lifecycle.

Both are chain-wide decisions (a promotion runs in every store and online shop at once), so
they are (days × SKUs) tables, small even at large scales; the simulation gathers from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_connectors.demo.catalog import Catalog

PROMOS_PER_SKU_YEAR = 1.6
LAUNCH_RAMP_DAYS = 30
PHASE_OUT_DAYS = 45
CLEARANCE_DAYS = 60
CLEARANCE_DISCOUNT = 0.30


@dataclass(frozen=True)
class Promotions:
    """Shelf-price discount and demand multipliers of every SKU on every day.

    Uplift and lifecycle stay apart because wholesale customers do not react to shelf
    promotions, while a delisted SKU stops selling in every channel.
    """

    discount: np.ndarray  # (n_days, n_skus) share of the shelf price taken off
    uplift: np.ndarray  # (n_days, n_skus) consumer demand multiplier of the promotion
    lifecycle: np.ndarray  # (n_days, n_skus) demand multiplier of the SKU's life; 0 before launch


def _lifecycle_multiplier(catalog: Catalog) -> np.ndarray:
    """0 before launch, a ramp-up after it, a phase-out before delisting, then a short clearance.

    After the clearance demand is exactly zero, so stock left at a location stays as dead stock.
    """
    day = np.arange(catalog.n_days, dtype=np.float64)[:, None]
    launch = catalog.launch_day[None, :].astype(np.float64)
    delist = catalog.discontinue_day[None, :].astype(np.float64)
    since_launch = day - launch
    ramp = np.where(
        launch > 0, np.clip(0.3 + 0.7 * since_launch / LAUNCH_RAMP_DAYS, 0.3, 1.0), 1.0
    )
    to_delist = delist - day
    phase_out = np.where(
        delist < catalog.n_days, np.clip(0.4 + 0.6 * to_delist / PHASE_OUT_DAYS, 0.4, 1.0), 1.0
    )
    after = day - delist
    clearance = np.where(after < CLEARANCE_DAYS, 0.6 * np.exp(-after / 15.0), 0.0)
    mult = np.where(after >= 0, clearance, ramp * phase_out)
    return np.where(since_launch >= 0, mult, 0.0)


def build_promotions(rng: np.random.Generator, catalog: Catalog) -> Promotions:
    """Draw random promotion windows per SKU and combine them with the lifecycle."""
    n_days, n_skus = catalog.n_days, catalog.n_skus
    discount = np.zeros((n_days, n_skus), dtype=np.float64)
    uplift = np.ones((n_days, n_skus), dtype=np.float64)

    counts = rng.poisson(PROMOS_PER_SKU_YEAR * n_days / 365.0, n_skus)
    sku = np.repeat(np.arange(n_skus), counts)
    start = rng.integers(0, n_days, len(sku))
    length = rng.integers(7, 22, len(sku))
    margin = 1.0 - catalog.unit_cost / catalog.unit_price
    # Promotions are supplier-funded only so far: the cut stays below the SKU's margin.
    cut = np.minimum(rng.uniform(0.08, 0.30, len(sku)), np.maximum(0.05, margin[sku] - 0.03))
    cut = np.round(cut, 2)
    lift = 1.0 + rng.uniform(2.5, 6.0, len(sku)) * cut
    # New SKUs get an introductory promotion in their launch fortnight.
    new = np.flatnonzero(catalog.launch_day > 0)
    sku = np.concatenate([sku, new])
    start = np.concatenate([start, catalog.launch_day[new]])
    length = np.concatenate([length, np.full(len(new), 14)])
    cut = np.concatenate([cut, np.full(len(new), 0.10)])
    lift = np.concatenate([lift, np.full(len(new), 1.4)])
    for s, a, n, c, u in zip(sku, start, length, cut, lift, strict=True):
        discount[a : a + n, s] = np.maximum(discount[a : a + n, s], c)
        uplift[a : a + n, s] = np.maximum(uplift[a : a + n, s], u)

    day = np.arange(n_days)[:, None]
    after = day - catalog.discontinue_day[None, :]
    clearing = (after >= 0) & (after < CLEARANCE_DAYS)
    discount = np.where(clearing, CLEARANCE_DISCOUNT, discount)
    return Promotions(
        discount=discount,
        uplift=uplift.astype(np.float32),
        lifecycle=_lifecycle_multiplier(catalog).astype(np.float32),
    )
