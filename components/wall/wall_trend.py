"""The wall's trend panel: turnover days and stockout rate by week over the last weeks.

The board's trend chart (bars in status colours, target and alert lines) restyled for a
wall: short bar labels that fit above the bars at a distance-readable size ("38" under
the title "Turnover days", not a shrunken "38.3 days"), and week labels "W41" that need
no tilting.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from components.kit.charts import trend_chart
from components.kit.formatting import format_value, is_missing
from components.wall.wall_params import Scope
from components.wall.wall_theme import dark_figure
from metrics.periods import bucket_start, split_periods
from metrics.query import MetricQuery
from metrics.registry import METRICS

TREND_WEEKS = 12
TREND_METRICS = ("turnover_days", "stockout_rate")


def trend_start(first: date, end: date, weeks: int = TREND_WEEKS) -> date:
    """The Monday `weeks - 1` weeks before the end's week (so whole weeks), or the data's
    first day when it begins later."""
    return max(first, bucket_start(end - timedelta(weeks=weeks - 1), "week"))


def trend_query(start: date, end: date, scope: Scope | None) -> MetricQuery:
    query = MetricQuery.create(TREND_METRICS, start, end, by=["week"])
    return scope.apply(query) if scope else query


def week_days(start: date, end: date) -> dict[str, int]:
    """{week label: its days within [start, end]} (a partial last week is judged on its
    own length)."""
    return {p.label: p.days for p in split_periods(start, end, None, "week", 90)
            if p.label is not None}


def short_label(metric: str, value: object, lang: str) -> str:
    """A bar's label: days without their unit (the title says it), others as formatted."""
    if is_missing(value):
        return ""
    if METRICS[metric].unit == "days":
        return f"{float(value):.0f}"  # type: ignore[arg-type]
    return format_value(metric, value, lang)  # type: ignore[arg-type]


def trend_figure(frame: pd.DataFrame, metric: str, days: dict[str, int], lang: str,
                 size: int) -> dict:
    """The figure as a dict (components/wall/wall_theme.py's dark_figure)."""
    fig = trend_chart(frame, metric, "week", lang, days)
    weeks = [str(w) for w in frame["week"]] if "week" in frame else []
    fig.update_traces(text=[short_label(metric, v, lang) for v in frame[metric]],
                      constraintext="none", selector={"type": "bar"})
    fig.update_xaxes(tickmode="array", tickvals=weeks, tickangle=0,
                     ticktext=[w.split("-")[-1] for w in weeks])
    return dark_figure(fig, size)
