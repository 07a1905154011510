"""The registry as JSON: what /api/v1/metrics and /api/v1/dimensions list.

Built from metrics/registry.py and metrics/dimensions.py on each request, so a client
always sees the metrics and dimensions this server answers, with the thresholds in force
(the Thresholds page's global overrides included) rather than the shipped defaults.
"""

from __future__ import annotations

from typing import Any

from api.applicability import unsupported
from metrics.dimensions import DIMENSIONS, FILTERABLE, Dimension
from metrics.registry import METRICS, Metric
from metrics.thresholds import in_force

# Dimension.origin → the kind a client cares about.
_KIND = {"time": "time", "age_bucket": "derived", "abc_class": "derived"}


def _thresholds(metric: Metric) -> dict[str, Any] | None:
    limits, origin = in_force(metric.id)
    if limits is None:
        return None
    return {"good": limits.good, "bad": limits.bad, "basis": metric.threshold_basis,
            "origin": origin}


def metric_entry(metric: Metric) -> dict[str, Any]:
    refused = unsupported()[metric.id]
    return {
        "id": metric.id,
        "labels": {"zh": metric.label_zh, "en": metric.label_en},
        "unit": metric.unit,
        "good": metric.good,
        "thresholds": _thresholds(metric),
        "formula": metric.formula_text,
        "cannot_group_by": list(refused["group"]),
        "cannot_filter_by": list(refused["filter"]),
    }


def dimension_entry(dim: Dimension) -> dict[str, Any]:
    return {
        "id": dim.id,
        "labels": {"zh": dim.label_zh, "en": dim.label_en},
        "kind": _KIND.get(dim.origin, "attribute"),
        "filterable": dim.id in FILTERABLE,
        "name_column": dim.name_column or None,
    }


def metrics_listing() -> dict[str, Any]:
    return {"metrics": [metric_entry(m) for m in METRICS.values()]}


def dimensions_listing() -> dict[str, Any]:
    return {"dimensions": [dimension_entry(d) for d in DIMENSIONS.values()]}
