"""What makes a pair of thresholds acceptable, and the scale people type them on.

Kept apart from `status` so the rules are one short list: a settings page, an import of
targets or an API all call `validate` before storing, and a stored pair is then always
usable by `status` (finite, ordered in the metric's good direction).
"""

from __future__ import annotations

import math

from i18n import t
from metrics.registry import METRICS

# Ratios are typed as percentages (70 for 70 %) and stored as fractions (0.7).
ENTRY_SCALE = {"ratio": 100.0}
NON_NEGATIVE_UNITS = ("units", "times", "days", "count")


def to_entry(metric_id: str, stored: float) -> float:
    """A stored limit on the scale a person types it (70 for a 0.7 ratio)."""
    return stored * ENTRY_SCALE.get(METRICS[metric_id].unit, 1.0)


def from_entry(metric_id: str, entered: float) -> float:
    """A typed limit on the stored scale (0.7 for "70" on a ratio)."""
    return entered / ENTRY_SCALE.get(METRICS[metric_id].unit, 1.0)


def _shown(metric_id: str, stored: float) -> str:
    text = f"{to_entry(metric_id, stored):,.4f}".rstrip("0").rstrip(".")
    return f"{text}%" if METRICS[metric_id].unit == "ratio" else text


def _finite(value: float | None) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def validate(metric_id: str, good: float | None, bad: float | None,
             lang: str = "en") -> list[str]:
    """Every problem with storing (good, bad) for a metric, each naming the metric and the
    rule broken; [] when the pair is acceptable. Values are on the stored scale."""
    metric = METRICS.get(metric_id)
    if metric is None:
        return [t("thresholds.rule.unknown", lang, metric=metric_id)]
    name = metric.label(lang)
    if metric.good is None:
        return [t("thresholds.rule.no_direction", lang, metric=name)]
    values = {"good": good, "bad": bad}
    problems = [t("thresholds.rule.number", lang, metric=name,
                  which=t(f"thresholds.field.{k}", lang))
                for k, v in values.items() if not _finite(v)]
    if problems:
        return problems
    for k, v in values.items():
        which, shown = t(f"thresholds.field.{k}", lang), _shown(metric_id, v)  # type: ignore[arg-type]
        if metric.unit == "ratio" and not 0.0 <= v <= 1.0:  # type: ignore[operator]
            problems.append(t("thresholds.rule.percent_range", lang, metric=name,
                              which=which, value=shown))
        elif metric.unit in NON_NEGATIVE_UNITS and v < 0:  # type: ignore[operator]
            problems.append(t("thresholds.rule.negative", lang, metric=name, which=which,
                              value=shown))
    good_text, bad_text = _shown(metric_id, good), _shown(metric_id, bad)  # type: ignore[arg-type]
    if metric.good == "higher" and good < bad:  # type: ignore[operator]
        problems.append(t("thresholds.rule.higher", lang, metric=name, good=good_text,
                          bad=bad_text))
    if metric.good == "lower" and good > bad:  # type: ignore[operator]
        problems.append(t("thresholds.rule.lower", lang, metric=name, good=good_text,
                          bad=bad_text))
    return problems
