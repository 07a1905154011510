"""What tests use to compute numbers directly: the query service's uncached path for the
all-data principal (service/queries.py), under the names the tests have always used.

`run_query(source, query)` reads the database now, bypassing the cache, exactly as the
service computes a miss; `run_lead_times` the same for lead times. A test about scope
passes a Principal (or narrows the query) itself: nothing here installs a scope.
"""

from __future__ import annotations

import math

import pandas as pd

from data_connectors.source import Source
from metrics.lead_times import DEFAULT_GRACE_DAYS
from metrics.query import MetricQuery
from service import ALL_DATA, Principal, evaluate, evaluate_lead_times


def run_query(source: str | Source | None, query: MetricQuery,
              principal: Principal = ALL_DATA) -> pd.DataFrame:
    """The query's rows read now (uncached), for `principal` (default: all data)."""
    return evaluate(principal, query, source)


def run_lead_times(source: str | Source | None, query: MetricQuery,
                   grace_days: int = DEFAULT_GRACE_DAYS,
                   principal: Principal = ALL_DATA) -> pd.DataFrame:
    """Lead-time statistics per group read now (uncached), for `principal`."""
    return evaluate_lead_times(principal, query, source, grace_days)


def scalar(value: object) -> float | None:
    """A metric cell as a Python float, or None when undefined."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
