"""The day-by-day stock simulation, vectorized over all carried SKU-locations.

Each day: receipts arrive, sales take what demand asks for and stock allows, and every
SKU-location whose stock position fell to its reorder point orders up to its order-up-to
level from the SKU's supplier, with a random lead time. Stockouts therefore happen for the
same reasons they do in a real business: demand spikes (promotions, festivals, seasons) the
moving-average forecast did not see coming, and late deliveries.

The loop runs over days only; every step is a numpy operation over all pairs. Results are
handed out one calendar month at a time so memory stays flat at large scales.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from data_connectors.demo.catalog import Catalog
from data_connectors.demo.promotions import Promotions
from data_connectors.demo.seasons import STORE, WHOLESALE, DemandCalendar

RING_DAYS = 64  # longest possible lead time + 1: orders in transit live in a ring buffer
REVIEW_DAYS = 2
FORECAST_ALPHA = 0.08  # weight of today's sales in the moving-average demand estimate
LATE_DELIVERY_SHARE = 0.04
DEMAND_SHAPE = 3.0  # gamma-Poisson shape: consumer demand is more variable than Poisson
WHOLESALE_ORDER_DAYS = 3.0  # a wholesale customer orders about every few days, in bulk


@dataclass
class MonthResult:
    """One simulated month as dense (days × pairs) matrices plus the receipts that arrived."""

    first_day: int
    sold: np.ndarray  # units sold per day and pair
    on_hand: np.ndarray  # end-of-day stock per day and pair
    active: np.ndarray  # whether the pair has an inventory row that day
    receipts: dict[str, np.ndarray]  # day, order_day, pair, qty, cost


class StockSimulation:
    """Replenishment state of every carried SKU-location and the daily step that updates it."""

    def __init__(
        self,
        catalog: Catalog,
        calendar: DemandCalendar,
        promos: Promotions,
        demand_rng: np.random.Generator,
        ops_rng: np.random.Generator,
    ) -> None:
        self.catalog, self.calendar, self.promos = catalog, calendar, promos
        self.demand_rng, self.rng = demand_rng, ops_rng
        c = catalog
        n = c.n_pairs
        sku = c.pair_sku
        self.channel = c.loc_channel[c.pair_loc]
        self.group = self.channel * calendar.n_categories + c.sku_category[sku]
        self.unit_cost = c.unit_cost[sku]
        self.pack = c.case_pack[sku].astype(np.float64)
        self.lead_mean = c.supplier_lead_days[c.sku_brand[sku]]
        self.launch = c.launch_day[sku]
        self.delist = c.discontinue_day[sku]
        delisted = self.delist < c.n_days
        # Ordering for a delisted SKU stops one lead time before the delisting date.
        last_order = self.delist - np.round(self.lead_mean).astype(np.int64)
        self.stop_ordering = np.where(delisted, last_order, np.iinfo(np.int64).max)
        self.safety = ops_rng.uniform(0.8, 1.6, n)
        self.cycle_days = ops_rng.uniform(10.0, 40.0, n)
        self.cover = np.round(self.lead_mean + REVIEW_DAYS).astype(np.int64)
        # Stores keep a few units on the shelf however slowly a SKU sells.
        is_store = self.channel == STORE
        self.display_min = np.where(is_store, ops_rng.integers(2, 7, n), 0).astype(np.float64)
        self.is_wholesale = self.channel == WHOLESALE
        self.wholesale_cols = np.flatnonzero(self.is_wholesale)
        self.consumer_cols = np.flatnonzero(~self.is_wholesale)

        # Planners know the calendar, their promotions and the lifecycle plan; what they do not
        # know is each pair's true base rate, which they estimate from sales (deseasonalized).
        self.estimate = c.pair_rate * ops_rng.lognormal(0.0, 0.3, n)
        life = promos.lifecycle.astype(np.float64)
        self._cal = calendar.factor
        self._life = life
        self._promo_life = life * promos.uplift
        self._cal_cum = _cumulative(calendar.factor)
        self._life_cum = _cumulative(life)
        self._promo_life_cum = _cumulative(self._promo_life)
        self.ring = np.zeros((RING_DAYS, n), dtype=np.int64)
        self.on_order = np.zeros(n, dtype=np.int64)
        self.ended = np.zeros(n, dtype=bool)
        self.pending: list[dict[str, np.ndarray]] = []
        self._opening_stock()
        self._launch_fills()

    # -- policy ------------------------------------------------------------------------------
    def _expected_factor(self, t: int) -> np.ndarray:
        """Today's demand multiplier of every pair (calendar × lifecycle × promotion)."""
        sku = self.catalog.pair_sku
        own = np.where(self.is_wholesale, self._life[t, sku], self._promo_life[t, sku])
        return self._cal[t, self.group] * own

    def _forward_factor(
        self, t: int | np.ndarray, idx: np.ndarray | slice = slice(None)
    ) -> np.ndarray:
        """Mean demand multiplier over the days t+1 .. t+cover that an order must cover."""
        cover = self.cover[idx]
        a, b = t + 1, t + 1 + cover
        g, sku = self.group[idx], self.catalog.pair_sku[idx]
        cal = (self._cal_cum[b, g] - self._cal_cum[a, g]) / cover
        own = np.where(
            self.is_wholesale[idx],
            self._life_cum[b, sku] - self._life_cum[a, sku],
            self._promo_life_cum[b, sku] - self._promo_life_cum[a, sku],
        )
        return cal * own / cover

    def _levels(
        self, t: int | np.ndarray, idx: np.ndarray | slice = slice(None)
    ) -> tuple[np.ndarray, np.ndarray]:
        """Reorder point s and order-up-to level S of the pairs `idx` on day(s) `t`."""
        daily = self.estimate[idx] * self._forward_factor(t, idx)
        need = daily * self.cover[idx]
        s = np.maximum(self.safety[idx] * (need + np.sqrt(need)), self.display_min[idx])
        return s, s + np.maximum(self.pack[idx], daily * self.cycle_days[idx])

    def _round_to_pack(self, qty: np.ndarray, idx: np.ndarray) -> np.ndarray:
        pack = self.pack[idx]
        return (np.maximum(1.0, np.ceil(qty / pack)) * pack).astype(np.int64)

    def _lead_times(self, idx: np.ndarray) -> np.ndarray:
        """Supplier-specific lead times with noise and the occasional long delay."""
        lead = self.lead_mean[idx] * self.rng.lognormal(0.0, 0.2, len(idx))
        late = self.rng.random(len(idx)) < LATE_DELIVERY_SHARE
        lead = lead + np.where(late, self.rng.uniform(7.0, 30.0, len(idx)), 0.0)
        return np.clip(np.round(lead), 1, RING_DAYS - 1).astype(np.int64)

    def _book(
        self, arrive: np.ndarray, order_day: np.ndarray, idx: np.ndarray, qty: np.ndarray
    ) -> None:
        """Remember receipts until the month of their arrival is written."""
        noise = 1.0 + self.rng.uniform(-0.03, 0.03, len(idx))
        cost = np.round(qty * self.unit_cost[idx] * noise, 2)
        self.pending.append(
            {"day": arrive, "order_day": order_day, "pair": idx, "qty": qty, "cost": cost}
        )

    def _opening_stock(self) -> None:
        """Stock on hand (and some in transit) before the first day: older than the data."""
        idx = np.flatnonzero(self.launch <= 0)
        s, big_s = self._levels(0, idx)
        stock = np.ceil(0.5 * s + self.rng.random(len(idx)) * (big_s - 0.5 * s))
        self.on_hand = np.zeros(self.catalog.n_pairs, dtype=np.int64)
        self.on_hand[idx] = stock.astype(np.int64)
        transit = idx[self.rng.random(len(idx)) < 0.3]
        s, big_s = self._levels(0, transit)
        qty = self._round_to_pack(big_s - s, transit)
        arrive = (self.rng.random(len(transit)) * self.lead_mean[transit]).astype(np.int64)
        order_day = arrive - self._lead_times(transit)
        self.ring[arrive % RING_DAYS, transit] += qty
        self.on_order[transit] += qty
        self._book(arrive, order_day, transit, qty)

    def _launch_fills(self) -> None:
        """New SKUs arrive on their launch day with a first fill ordered one lead time earlier."""
        idx = np.flatnonzero(self.launch > 0)
        _, big_s = self._levels(self.launch[idx], idx)
        self.launch_qty = np.zeros(self.catalog.n_pairs, dtype=np.int64)
        self.launch_qty[idx] = self._round_to_pack(big_s, idx)
        order_day = np.maximum(0, self.launch[idx] - self._lead_times(idx))
        self._book(self.launch[idx], order_day, idx, self.launch_qty[idx])
        order = np.argsort(self.launch[idx], kind="stable")
        self.launch_pairs = idx[order]
        self.launch_days = self.launch[idx][order]

    # -- demand ------------------------------------------------------------------------------
    def _demand(self, d0: int, d1: int) -> np.ndarray:
        """Customer demand in units for days d0..d1-1, all pairs, as one matrix."""
        sku = self.catalog.pair_sku
        lam = (
            self.catalog.pair_rate[None, :]
            * self.calendar.factor[d0:d1][:, self.group]
            * self.promos.lifecycle[d0:d1][:, sku]
        )
        out = np.zeros(lam.shape, dtype=np.int64)
        cols = self.consumer_cols
        consumer = lam[:, cols] * self.promos.uplift[d0:d1][:, sku[cols]]
        shape = (d1 - d0, len(cols))
        mix = self.demand_rng.gamma(DEMAND_SHAPE, 1.0 / DEMAND_SHAPE, shape)
        out[:, cols] = self.demand_rng.poisson(consumer * mix)
        # Wholesale demand is lumpy: few orders, each for several days' worth of goods.
        cols = self.wholesale_cols
        lam_w = lam[:, cols]
        typical = WHOLESALE_ORDER_DAYS * self.catalog.pair_rate[cols]
        order_size = np.maximum(self.pack[cols], typical)
        p = np.clip(lam_w / order_size, 0.0, 0.9)
        orders = self.demand_rng.random(lam_w.shape) < p
        mean = np.where(orders, lam_w / np.maximum(p, 1e-12), 0.0)
        out[:, cols] = self.demand_rng.poisson(mean)
        return out

    # -- the daily step ----------------------------------------------------------------------
    def run_month(self, d0: int, d1: int) -> MonthResult:
        """Simulate days d0..d1-1 and return what happened."""
        demand = self._demand(d0, d1)
        n_days, n = demand.shape
        sold_m = np.zeros((n_days, n), dtype=np.int32)
        on_hand_m = np.zeros((n_days, n), dtype=np.int32)
        active_m = np.zeros((n_days, n), dtype=bool)
        for k in range(n_days):
            t = d0 + k
            self._step(t, demand[k], sold_m[k], on_hand_m[k], active_m[k])
        return MonthResult(d0, sold_m, on_hand_m, active_m, self._flush_receipts(d1))

    def _step(
        self,
        t: int,
        demand: np.ndarray,
        out_sold: np.ndarray,
        out_on_hand: np.ndarray,
        out_active: np.ndarray,
    ) -> None:
        """One day for all pairs: receive, sell, learn, record, reorder."""
        slot = t % RING_DAYS
        received = self.ring[slot].copy()
        self.ring[slot] = 0
        self.on_order -= received
        lo, hi = np.searchsorted(self.launch_days, [t, t + 1])
        new = self.launch_pairs[lo:hi]
        received[new] += self.launch_qty[new]

        available = self.on_hand + received
        sold = np.minimum(demand, available)
        self.on_hand = available - sold
        launched = self.launch <= t
        # Forecast the base rate from deseasonalized sales; a sold-out day only says that
        # demand was at least what sold.
        factor = self._expected_factor(t)
        learn = launched & (factor > 0.05)
        seen = sold / np.where(learn, factor, 1.0)
        seen = np.where(sold < available, seen, np.maximum(seen, self.estimate))
        self.estimate = np.where(
            learn, self.estimate + FORECAST_ALPHA * (seen - self.estimate), self.estimate
        )

        out_sold[:] = sold
        out_on_hand[:] = self.on_hand
        out_active[:] = launched & ~self.ended
        self.ended |= (t >= self.delist) & (self.on_hand == 0) & (self.on_order == 0)

        position = self.on_hand + self.on_order
        s, big_s = self._levels(t)
        idx = np.flatnonzero(launched & (t < self.stop_ordering) & (position <= s))
        if len(idx) == 0:
            return
        qty = self._round_to_pack(big_s[idx] - position[idx], idx)
        arrive = t + self._lead_times(idx)
        self.ring[arrive % RING_DAYS, idx] += qty
        self.on_order[idx] += qty
        self._book(arrive, np.full(len(idx), t, dtype=np.int64), idx, qty)

    def _flush_receipts(self, d1: int) -> dict[str, np.ndarray]:
        """Receipts that arrived before day d1, in (day, pair, order_day) order."""
        if not self.pending:
            empty = np.zeros(0, dtype=np.int64)
            return {"day": empty, "order_day": empty, "pair": empty, "qty": empty,
                    "cost": np.zeros(0)}
        merged = {k: np.concatenate([p[k] for p in self.pending]) for k in self.pending[0]}
        due = merged["day"] < d1
        keep = {k: v[~due] for k, v in merged.items()}
        self.pending = [keep] if len(keep["day"]) else []
        out = {k: v[due] for k, v in merged.items()}
        order = np.lexsort((out["order_day"], out["pair"], out["day"]))
        return {k: v[order] for k, v in out.items()}


def _cumulative(table: np.ndarray) -> np.ndarray:
    """Running sums along days with a leading zero row, padded past the horizon with the last
    row, so the mean over any window (a, b] of days is (cum[b] - cum[a]) / (b - a)."""
    padded = np.concatenate([table, np.repeat(table[-1:], RING_DAYS, axis=0)])
    return np.concatenate([np.zeros((1, table.shape[1])), np.cumsum(padded, axis=0)])


def simulate(
    catalog: Catalog,
    calendar: DemandCalendar,
    promos: Promotions,
    demand_rng: np.random.Generator,
    ops_rng: np.random.Generator,
    months: list[tuple[int, int]],
) -> Iterator[MonthResult]:
    """Run the simulation month by month over the day ranges `months`."""
    sim = StockSimulation(catalog, calendar, promos, demand_rng, ops_rng)
    for d0, d1 in months:
        yield sim.run_month(d0, d1)
