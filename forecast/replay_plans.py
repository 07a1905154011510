"""The plan of one re-planning day in the policy replay (forecast/replay.py): the forecast
made from the data up to that day with the job's own method, the planning lead time, and
each rule's safety stock — as the page's plan would have had them that day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from forecast.engine import HORIZON, fit_window
from forecast.history import History
from forecast.models import Choice
from forecast.plan import DEFAULT_LEAD_DAYS, sku_lead_times
from forecast.replay_leads import lead_frames
from metrics.replenishment import Policy, extend, policy_reorder_point

REPLAN_DAYS = 7
LEAD_HISTORY_DAYS = 365


@dataclass
class Plans:
    """The policy as the plan of one re-planning day has it, for every rule: the forecast
    paths from that day on (cumulated, to read demand over any span), the planning lead
    time and each rule's safety stock."""

    day: int
    paths: np.ndarray
    cumulative: np.ndarray
    lead: np.ndarray
    safety: list[np.ndarray]
    ordering: np.ndarray  # pairs with demand in the forecast

    def demand(self, day: int, span: np.ndarray) -> np.ndarray:
        """Forecast demand over `span` days (fractional) after day `day` of the replay."""
        start = day - self.day + 1
        whole = np.floor(span).astype(int)
        rows = np.arange(len(span))
        end = np.minimum(start + whole, self.cumulative.shape[1] - 1)
        part = self.paths[rows, np.minimum(start + whole, self.paths.shape[1] - 1)]
        return self.cumulative[rows, end] - self.cumulative[rows, start] + (span - whole) * part


def make_plans(history: History, origin_index: int, day: int, keep: np.ndarray,
               pairs: pd.DataFrame, receipts: pd.DataFrame, origin: date, rules: list[Policy],
               calibration: object, yearly: Callable[[date], dict] | None,
               choice: Choice) -> Plans:
    """Forecast from the data up to `origin` (history index `origin_index`) and set each
    rule's safety stock, as the page's plan would that day."""
    found, _, _ = fit_window(history, origin_index, HORIZON,
                             yearly(origin) if yearly else None, choice)
    by_sku, by_supplier = lead_frames(receipts, origin - timedelta(days=LEAD_HISTORY_DAYS - 1),
                                      origin)
    leads = sku_lead_times(by_sku, by_supplier).set_index("sku")
    lead = pairs["sku_id"].map(leads["lead_time"]).fillna(DEFAULT_LEAD_DAYS).to_numpy(float)
    spread = pairs["sku_id"].map(leads["lead_time_std"]).fillna(0.0).to_numpy(float)
    longest = int(np.ceil(lead.max(initial=1))) + max(r.cover_days for r in rules) \
        + REPLAN_DAYS + 2
    paths = extend(found.paths[keep], longest)
    cumulative = np.concatenate([np.zeros((len(keep), 1)), np.cumsum(paths, axis=1)], axis=1)
    root_slope, root_curve = calibration.factors(pairs)  # type: ignore[attr-defined]
    shapes = calibration.shapes(pairs)  # type: ignore[attr-defined]
    sigma = found.sigma[keep] * root_slope
    level = found.sigma[keep] * root_curve
    # the plan is made at the end of day `day`: its demand starts the day after
    safety = [policy_reorder_point(rule, paths[:, 1:], lead, sigma, level,
                                   found.sigma_demand[keep], spread, shapes,
                                   found.mean[keep])[1] for rule in rules]
    return Plans(day, paths, cumulative, lead, safety, found.paths[keep][:, :28].mean(axis=1)
                 > 0)
