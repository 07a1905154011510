"""Numbers as people read them: compact money in 万/亿 or K/M, percentages, days, "—".

One formatter per metric unit (from the registry), so cards, tables, charts and the wall
show a metric the same way.
"""

from __future__ import annotations

import math

from i18n import t
from metrics.registry import METRICS

CURRENCY = "¥"
DASH = "—"


def _compact(value: float, lang: str) -> str:
    """1234567 → 1.23M (en) / 123.46万 (zh); small values keep separators."""
    sign, v = ("-" if value < 0 else ""), abs(value)
    steps = [(1e8, "亿"), (1e4, "万")] if lang == "zh" else [(1e9, "B"), (1e6, "M"), (1e3, "K")]
    for size, suffix in steps:
        if v >= size:
            scaled = v / size
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}{scaled:,.{digits}f}{suffix}"
    return f"{sign}{v:,.0f}"


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(metric_id: str, value: float | None, lang: str) -> str:
    """The display text of a metric value; undefined values are "—"."""
    if is_missing(value):
        return DASH
    unit = METRICS[metric_id].unit
    v = float(value)  # type: ignore[arg-type]
    if unit == "money":
        return f"{CURRENCY}{_compact(v, lang)}"
    if unit == "ratio":
        return f"{v * 100:.1f}%"
    if unit == "times":
        return t("unit.times", lang, value=f"{v:,.2f}")
    if unit == "days":
        return t("unit.days", lang, value=f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}")
    if unit == "units":
        return t("unit.units", lang, value=_compact(v, lang))
    return f"{v:,.0f}"


def format_change(metric_id: str, current: float | None, previous: float | None,
                  lang: str) -> str | None:
    """Change against the previous period: percentage points for ratios, else relative %."""
    if is_missing(current) or is_missing(previous):
        return None
    delta = float(current) - float(previous)  # type: ignore[arg-type]
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "■"
    if METRICS[metric_id].unit == "ratio":
        return f"{arrow} {abs(delta) * 100:.1f} {t('kpi.pp', lang)}"
    if previous == 0:
        return None
    return f"{arrow} {abs(delta / float(previous)) * 100:.1f}%"  # type: ignore[arg-type]


def axis_format(metric_id: str) -> dict[str, str]:
    """Plotly axis tick format for the metric's unit."""
    unit = METRICS[metric_id].unit
    if unit == "ratio":
        return {"tickformat": ".0%"}
    if unit == "money":
        return {"tickformat": "~s", "tickprefix": CURRENCY}
    if unit == "times":
        return {"tickformat": ".2f"}
    return {"tickformat": "~s"}
