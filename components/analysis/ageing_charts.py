"""The inventory-age distribution: value and units per age bucket, youngest first, each
bar split by category or region."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from components.filters.filter_bar import option_label
from components.kit.stacked_bars import stacked_bar_chart


def bucket_charts(frame: pd.DataFrame, stack: str, buckets: Sequence[str],
                  lang: str) -> tuple[go.Figure, go.Figure]:
    """The value chart and the units chart of `frame` (a query by age_bucket and `stack`
    with aged_value and aged_units). `buckets`: every bucket label in age order, so an
    empty bucket keeps its place. Both charts stack in the same order (largest value at
    the bottom) with the same colours, so a colour means one category in both."""
    keys = frame[stack].fillna("—").astype(str)
    order = list(frame.groupby(keys)["aged_value"].sum().sort_values(ascending=False).index)
    labels = {v: option_label(stack, v, lang) for v in order}
    return tuple(  # type: ignore[return-value]
        stacked_bar_chart(frame, "age_bucket", stack, metric, lang, x_order=list(buckets),
                          stack_order=order, stack_labels=labels, height=330)
        for metric in ("aged_value", "aged_units"))
