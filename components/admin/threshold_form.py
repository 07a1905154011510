"""What was typed on the thresholds page, turned into overrides to store (or problems).

Only rows a person changed are saved: the page shows the limits in force rounded for
reading (10.4286 for 365 ÷ 35), and saving untouched rows would quietly turn every
default into an override and a rounded one at that. An untouched field of a changed row
keeps its exact value for the same reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from app_state.thresholds import ThresholdChange
from metrics.registry import METRICS
from metrics.thresholds import ThresholdSet, from_entry, in_force, to_entry, validate

# metric id → {"good": shown text, "bad": shown text, "good_value": stored, "bad_value": …}
Originals = dict[str, dict[str, str | float | None]]


def threshold_metrics() -> list[str]:
    """Metrics that can have thresholds (those with a better direction), defaults first."""
    with_direction = [m for m in METRICS.values() if m.good is not None]
    return [m.id for m in sorted(with_direction, key=lambda m: m.thresholds is None)]


ENTRY_DECIMALS = {"times": 2, "ratio": 1, "days": 1}  # as the "≥ 10.43×" labels beside them


def entry_text(metric_id: str, stored: float | None) -> str:
    """A stored limit as the page shows it: on the typing scale, rounded like the label
    beside it (10.43 for a turnover of 365/35, shown "≥ 10.43×"); an entry left as shown
    keeps the stored value (only changed entries are saved)."""
    if stored is None:
        return ""
    decimals = ENTRY_DECIMALS.get(METRICS[metric_id].unit, 2)
    text = f"{to_entry(metric_id, stored):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def parse_entry(text: object) -> float | None:
    """A typed number, forgiving of full-width digits (Chinese input methods), thousands
    separators and a trailing %; None when it is not a number at all."""
    if text is None:
        return None
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().removesuffix("%")
    cleaned = cleaned.replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def originals_for(category: str | None, thresholds: ThresholdSet) -> Originals:
    """What the page shows for each metric in this scope: the limits in force there."""
    shown: Originals = {}
    for metric_id in threshold_metrics():
        limits = in_force(metric_id, category, thresholds).limits
        good = limits.good if limits else None
        bad = limits.bad if limits else None
        shown[metric_id] = {"good": entry_text(metric_id, good), "bad": entry_text(metric_id, bad),
                            "good_value": good, "bad_value": bad}
    return shown


@dataclass
class FormResult:
    changes: list[ThresholdChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    invalid: set[str] = field(default_factory=set)  # metric ids with a problem


def _same(typed: object, shown: object) -> bool:
    return str(typed or "").strip() == str(shown or "").strip()


def _value(metric_id: str, typed: object, shown: Mapping, which: str) -> float | None:
    """The stored-scale value of one field: the exact original when left as shown."""
    if _same(typed, shown[which]) and shown[f"{which}_value"] is not None:
        return float(shown[f"{which}_value"])  # type: ignore[arg-type]
    entered = parse_entry(typed)
    return None if entered is None else from_entry(metric_id, entered)


def read_form(typed: Mapping[str, tuple[object, object]], originals: Originals,
              category: str | None, lang: str) -> FormResult:
    """The changes to store for `typed` (metric id → (good text, bad text)), validated:
    every problem of every changed row, each naming its metric."""
    result = FormResult()
    for metric_id, (good_text, bad_text) in typed.items():
        shown = originals.get(metric_id)
        if shown is None or (_same(good_text, shown["good"]) and _same(bad_text, shown["bad"])):
            continue
        good = _value(metric_id, good_text, shown, "good")
        bad = _value(metric_id, bad_text, shown, "bad")
        problems = validate(metric_id, good, bad, lang)
        if problems:
            result.problems += problems
            result.invalid.add(metric_id)
        else:
            result.changes.append(ThresholdChange(metric_id, category, good, bad))  # type: ignore[arg-type]
    return result
