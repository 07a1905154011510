"""ABC classification of SKUs by their share of the cost of sales in a period."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tests.oracle.cells import _fsum
from tests.oracle.definitions import LOCATION_DIMS, SKU_DIMS
from tests.oracle.grouping import _filter, _in_period
from tests.oracle.source import Prepared


def abc_classes(
    src: Prepared,
    start: date,
    end: date,
    where: Mapping[str, Sequence[str]],
    cuts: Sequence[float] = (0.8, 0.95),
) -> dict[str, str]:
    """The A/B/C class of every SKU of the sku table passing the SKU-side filters.

    Measure: Σ cost (with the default) of the SKU's sales in [start, end] that pass the
    location-side filters (location, region, location_type, and the sale's channel).
    """
    sku_where = {d: v for d, v in where.items() if d in SKU_DIMS}
    loc_where = {d: v for d, v in where.items() if d in (*LOCATION_DIMS, "channel")}
    population = []
    for sku_id, attrs in src.skus.items():
        values = {"sku": sku_id, **attrs}
        if all(values.get(d) in set(v) for d, v in sku_where.items()):
            population.append(sku_id)
    sales = _filter(_in_period(src.sales, start, end), loc_where, {})
    per_sku: dict[str, list[Any]] = {}
    for sku_id, cost in zip(sales["sku_id"], sales["cost"], strict=True):
        per_sku.setdefault(sku_id, []).append(cost)
    measure = {s: _fsum(per_sku.get(s, [])) for s in population}
    total = math.fsum(measure.values())
    classes: dict[str, str] = {}
    above = 0.0
    for sku_id in sorted(population, key=lambda s: (-measure[s], s)):
        if above < cuts[0] * total:
            classes[sku_id] = "A"
        elif above < cuts[1] * total:
            classes[sku_id] = "B"
        else:
            classes[sku_id] = "C"
        above += measure[sku_id]
    return classes
