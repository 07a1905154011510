"""The page parameters of the inventory-age, slow-mover and ABC pages.

Two ways in, two attitudes: a URL is read forgivingly (an old or hand-edited link with a
bad value opens the page with the default), an input is checked strictly and a bad value
is refused with the reason — an i18n key and its values, so the page says it in its own
language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise

from metrics.query import ABC_MEASURES, QueryOptions

DEAD_STOCK_CHOICES = (30, 60, 90, 180, 365)
DEFAULT_DEAD_DAYS = QueryOptions().dead_stock_days
DEFAULT_AGE_BOUNDS = QueryOptions().age_bounds
MAX_AGE_BOUNDS = 10
MAX_AGE_DAYS = 3650
STACK_CHOICES = ("category", "region")
DEFAULT_STACK = "category"
DEFAULT_MEASURE = QueryOptions().abc_measure
DEFAULT_CUTS = tuple(round(c * 100, 6) for c in QueryOptions().abc_cuts)  # percent

Problem = tuple[str, dict[str, object]]  # (i18n key, its values)


def parse_age_bounds(text: object) -> tuple[tuple[int, ...] | None, Problem | None]:
    """"30, 60,90" → (30, 60, 90): whole, increasing day counts; else None and why."""
    parts = [p for p in re.split(r"[,\s，、]+", str(text or "").strip()) if p]
    if not parts:
        return None, ("insight.bounds.empty", {})
    bounds = []
    for part in parts:
        if not part.isdigit() or int(part) > MAX_AGE_DAYS:
            return None, ("insight.bounds.number", {"value": part, "max": MAX_AGE_DAYS})
        bounds.append(int(part))
    if len(bounds) > MAX_AGE_BOUNDS:
        return None, ("insight.bounds.count", {"max": MAX_AGE_BOUNDS})
    if any(b <= a for a, b in pairwise(bounds)):
        return None, ("insight.bounds.order", {})
    return tuple(bounds), None


def bounds_text(bounds: tuple[int, ...]) -> str:
    return ",".join(str(b) for b in bounds)


def age_bounds_of(page: Mapping[str, object]) -> tuple[int, ...]:
    bounds, _ = parse_age_bounds(page.get("buckets", ""))
    return bounds or DEFAULT_AGE_BOUNDS


def stack_of(page: Mapping[str, object]) -> str:
    value = page.get("stack")
    return value if value in STACK_CHOICES else DEFAULT_STACK  # type: ignore[return-value]


def dead_days_of(page: Mapping[str, object]) -> int:
    """N of "no sale in N days": one of the choices offered, else the default."""
    try:
        days = int(str(page.get("days", "")))
    except ValueError:
        return DEFAULT_DEAD_DAYS
    return days if days in DEAD_STOCK_CHOICES else DEFAULT_DEAD_DAYS


def measure_of(page: Mapping[str, object]) -> str:
    value = page.get("measure")
    return value if value in ABC_MEASURES else DEFAULT_MEASURE  # type: ignore[return-value]


def check_cuts(a: object, b: object) -> tuple[tuple[float, float] | None, Problem | None]:
    """A and B cut-offs in percent: numbers with 0 < A < B ≤ 100."""
    try:
        cut_a, cut_b = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, ("insight.abc.cut_missing", {})
    if cut_a != cut_a or cut_b != cut_b:  # NaN
        return None, ("insight.abc.cut_missing", {})
    if not 0 < cut_a < cut_b <= 100:
        return None, ("insight.abc.cut_order", {"a": percent_text(cut_a),
                                                "b": percent_text(cut_b)})
    return (cut_a, cut_b), None


def cuts_of(page: Mapping[str, object]) -> tuple[float, float]:
    cuts, _ = check_cuts(page.get("a", DEFAULT_CUTS[0]), page.get("b", DEFAULT_CUTS[1]))
    return cuts or DEFAULT_CUTS  # type: ignore[return-value]


def percent_text(value: float) -> str:
    """80.0 → "80", 82.5 → "82.5": how a cut-off reads in the URL and on screen."""
    return f"{value:g}"


def or_default(value: object, default: object) -> str | None:
    """A page parameter for the URL: None (left out) when it is the default."""
    return None if value == default else str(value)
