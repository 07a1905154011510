"""Run a MetricQuery on a Source and return its (small) result as a DataFrame.

The database does all aggregation; pandas receives one row per group. Undefined ratios
arrive as SQL NULL and stay missing (NaN in float columns, rendered "—" / null / empty).
"""

from __future__ import annotations

import math

import pandas as pd
import sqlalchemy as sa

from data_connectors.db_errors import describe_db_error
from data_connectors.source import Source, SourceError
from metrics.compiler import compile_query
from metrics.query import MetricQuery
from metrics.scope import apply_scope


def run_query(source: Source, query: MetricQuery) -> pd.DataFrame:
    """The query's rows, narrowed to the current row-level scope (metrics/scope.py)."""
    query = apply_scope(query)
    compiled = compile_query(source, query)
    try:
        with source.engine.connect() as con:
            rows = con.execute(compiled.statement).all()
    except sa.exc.DBAPIError as exc:
        raise SourceError(describe_db_error(exc, source.engine.url)) from exc
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(compiled.columns))
    for m in query.metrics:
        frame[m] = pd.to_numeric(frame[m], errors="coerce").astype("float64")
    return frame


def scalar(value: object) -> float | None:
    """A metric cell as a Python float, or None when undefined."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
