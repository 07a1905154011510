"""Red/amber/green status: computed here and only here.

Cards, grid cells, chart markers and wall alerts all call `status`, so a threshold change
shows everywhere at once and the good direction never needs a special case.

The limits in force come from three layers, most specific first: a user's override for one
category, a user's override for all categories ("global"), the registry default. Overrides
are kept outside the metrics layer (the app keeps them in its state database), so this
module only knows a *provider*: a callable returning the current `ThresholdSet`, installed
with `set_threshold_provider`. Every lookup asks it, so a save is seen by the next card
drawn; callers judging many values at once may fetch one set and pass it as `thresholds=`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from metrics.registry import METRICS, Thresholds
from metrics.threshold_rules import from_entry as from_entry
from metrics.threshold_rules import to_entry as to_entry
from metrics.threshold_rules import validate as validate

Status = Literal["good", "warn", "bad"]
Origin = Literal["default", "global", "category"]


@dataclass(frozen=True, eq=True)
class ThresholdSet:
    """The user's overrides: per metric for all categories, and per category and metric.

    Values are stored on the thresholds' own basis: ratios as fractions, annualized
    metrics per year — exactly what `status` compares against.
    """

    global_overrides: Mapping[str, Thresholds] = field(default_factory=dict)
    # category → metric id → limits
    category_overrides: Mapping[str, Mapping[str, Thresholds]] = field(default_factory=dict)

    def categories_overriding(self, metric_id: str) -> list[str]:
        """Categories with their own limits for this metric (to say so next to the global)."""
        return sorted(c for c, per in self.category_overrides.items() if metric_id in per)


class InForce(NamedTuple):
    """The limits that apply and where they come from (None/None: no thresholds at all)."""

    limits: Thresholds | None
    origin: Origin | None


NO_OVERRIDES = ThresholdSet()
ThresholdProvider = Callable[[], ThresholdSet]


def _defaults_only() -> ThresholdSet:
    return NO_OVERRIDES


_provider: list[ThresholdProvider] = [_defaults_only]


def set_threshold_provider(provider: ThresholdProvider | None) -> None:
    """Install where overrides come from (the app does at start-up); None: defaults only.

    The provider is called on every lookup, so it must be cheap (the app's checks a change
    counter and reloads only after a save).
    """
    _provider[0] = provider or _defaults_only


def current_thresholds() -> ThresholdSet:
    """The overrides in force now, from the installed provider."""
    return _provider[0]()


def in_force(metric_id: str, category: str | None = None,
             thresholds: ThresholdSet | None = None) -> InForce:
    """The limits for a metric (in a category): its category override, else its global
    override, else the registry default."""
    overrides = thresholds if thresholds is not None else current_thresholds()
    if category is not None:
        limits = overrides.category_overrides.get(category, {}).get(metric_id)
        if limits is not None:
            return InForce(limits, "category")
    if metric_id in overrides.global_overrides:
        return InForce(overrides.global_overrides[metric_id], "global")
    default = METRICS[metric_id].thresholds
    return InForce(default, "default" if default is not None else None)


def thresholds_for(metric_id: str, category: str | None = None,
                   thresholds: ThresholdSet | None = None) -> Thresholds | None:
    """The limits in force for a metric (in a category), or None when it has none."""
    return in_force(metric_id, category, thresholds).limits


def threshold_category(categories: Iterable[str]) -> str | None:
    """The category whose own limits judge a filtered view: the one category when exactly
    one is selected; none or several mean the global limits (a mix has no single target)."""
    chosen = set(categories)
    return chosen.pop() if len(chosen) == 1 else None


def comparable_value(metric_id: str, value: float, days: int | None) -> float:
    """Value on the thresholds' basis: per-period metrics are annualized (× 365 / days)."""
    if METRICS[metric_id].threshold_basis == "annualized" and days:
        return value * 365.0 / days
    return value


def status(metric_id: str, value: float | None, days: int | None = None,
           category: str | None = None, *,
           thresholds: ThresholdSet | None = None) -> Status | None:
    """good / warn / bad for a value, or None when undefined or no thresholds apply.

    `category`: judge by that category's limits when it has its own (a board filtered to
    one category); `thresholds`: a set fetched once, for callers judging many values.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    limits = thresholds_for(metric_id, category, thresholds)
    if limits is None:
        return None
    v = comparable_value(metric_id, value, days)
    if METRICS[metric_id].good == "higher":
        return "good" if v >= limits.good else "bad" if v < limits.bad else "warn"
    return "good" if v <= limits.good else "bad" if v > limits.bad else "warn"


def change_is_good(metric_id: str, change: float | None) -> bool | None:
    """Whether a change (current − previous) moves the metric in its good direction."""
    direction = METRICS[metric_id].good
    if change is None or direction is None or change == 0 or math.isnan(change):
        return None
    return (change > 0) == (direction == "higher")
