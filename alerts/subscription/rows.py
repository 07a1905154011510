"""A tile's rows as people read them: which columns, which rows (the latest first for a
view over time), each key as its readable label and each metric formatted.
"""

from __future__ import annotations

import pandas as pd

from alerts.subscription.clean import one_line
from alerts.subscription.numbers import number_of
from components.boards.view_charts import labels_of
from components.boards.view_spec import ViewSpec
from components.grids.metric_grid import column_label
from components.kit.formatting import format_value
from i18n import t
from metrics.registry import METRICS


def key_columns(spec: ViewSpec) -> list[str]:
    return [*([spec.grain] if spec.grain else []), *spec.dims]


def shown_metrics(spec: ViewSpec, frame: pd.DataFrame) -> list[str]:
    return [m for m in spec.metrics if m in frame.columns]


def _latest_first(spec: ViewSpec) -> bool:
    """A view over time without its own sort: its most recent rows are the news."""
    return bool(spec.grain) and not spec.sort


def _shown(spec: ViewSpec, frame: pd.DataFrame, n: int) -> pd.DataFrame:
    return frame.tail(n) if _latest_first(spec) else frame.head(n)


def tile_table(spec: ViewSpec, frame: pd.DataFrame, lang: str,
               n: int) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of text) of the first (or, over time, the latest) `n` rows: each key
    as its readable label ("name (id)", translated channels), each metric formatted."""
    part = _shown(spec, frame, n)
    keys = [k for k in key_columns(spec) if k in part.columns]
    metrics = shown_metrics(spec, part)
    headers = [column_label(k, lang) for k in keys] or [""]
    headers += [METRICS[m].label(lang) for m in metrics]
    labels = [labels_of(part, k, lang) for k in keys] or [labels_of(part, None, lang)]
    rows = []
    for i, (_, record) in enumerate(part.iterrows()):
        rows.append([one_line(column[i]) for column in labels]
                    + [format_value(m, number_of(record[m]), lang) for m in metrics])
    return headers, rows


def rows_note(spec: ViewSpec, total: int, shown: int, lang: str) -> str:
    if total <= shown:
        return ""
    key = "subscription.rows_latest" if _latest_first(spec) else "subscription.rows_shown"
    return t(key, lang, shown=shown, n=f"{total:,}")
