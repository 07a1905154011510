"""Numbers as people read them: compact money in 万/亿 or K/M, percentages, days, "—".

One formatter per metric unit (from the registry), so cards, tables, charts and the wall
show a metric the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

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
    """Plotly axis tick format for the metric's unit (an axis without a known range; one
    with a range takes `value_axis`, whose ticks read like the cards)."""
    unit = METRICS[metric_id].unit
    if unit == "ratio":
        return {"tickformat": ".0%"}
    if unit == "money":
        return {"tickformat": "~s", "tickprefix": CURRENCY}
    if unit == "times":
        return {"tickformat": ".2f"}
    return {"tickformat": "~s"}


def money_text(value: float | None, lang: str) -> str:
    """Money as the cards show it: ¥10.3K (en) / ¥1.03万 (zh)."""
    return DASH if is_missing(value) else f"{CURRENCY}{_compact(float(value), lang)}"  # type: ignore[arg-type]


def units_text(value: float | None, lang: str) -> str:
    """A count of units as the cards show it: whole units, compact when large."""
    if is_missing(value):
        return DASH
    v = round(float(value))  # type: ignore[arg-type]
    return _compact(v, lang)


def rate_text(value: float | None) -> str:
    """A rate such as units per day: two significant decimals below 10, whole above."""
    if is_missing(value):
        return DASH
    v = float(value)  # type: ignore[arg-type]
    return f"{v:,.1f}" if abs(v) < 10 else f"{v:,.0f}"


# --- one format per column ------------------------------------------------------------

KIND_OF_UNIT = {"money": "money", "units": "units", "days": "days", "ratio": "percent",
                "times": "times", "count": "int"}


@dataclass(frozen=True)
class ColumnFormat:
    """The one decision a grid column takes for all its cells: a scale (K/M or 万/亿, or
    none), a number of decimals and a prefix/suffix. Decided once from the column's values
    (their median magnitude), so ¥9.9K never sits under ¥9,867.57 in the same column."""

    kind: str
    divisor: float = 1.0
    suffix: str = ""
    decimals: int = 0
    prefix: str = ""
    unit_suffix: str = ""

    def __call__(self, value: object) -> str:
        if isinstance(value, str):
            return value
        if value is None or is_missing(value):
            return DASH
        scaled = float(value) * (100 if self.kind == "percent" else 1) / self.divisor  # type: ignore[arg-type]
        if scaled == 0 and self.suffix:  # "¥0", not "¥0.00K"
            return f"{self.prefix}0"
        text = f"{abs(scaled):,.{self.decimals}f}"
        sign = "-" if scaled < 0 and text.strip("0.,") else ""
        return f"{sign}{self.prefix}{text}{self.suffix}{self.unit_suffix}"


def _scale(reference: float, lang: str) -> tuple[float, str]:
    steps = [(1e8, "亿"), (1e4, "万")] if lang == "zh" else [(1e9, "B"), (1e6, "M"), (1e3, "K")]
    for size, suffix in steps:
        if reference >= size:
            return size, suffix
    return 1.0, ""


def _magnitudes(values: Iterable[object]) -> tuple[float, float]:
    """(median, largest) of the non-zero magnitudes; (0, 0) when there are none."""
    numbers = sorted(abs(float(v)) for v in values  # type: ignore[arg-type]
                     if v is not None and not isinstance(v, str) and not is_missing(v)
                     and float(v) != 0)  # type: ignore[arg-type]
    return (numbers[len(numbers) // 2], numbers[-1]) if numbers else (0.0, 0.0)


def column_format(kind: str, values: Iterable[object], lang: str) -> ColumnFormat:
    """The format of a column of `kind` (money, units, int, days, number, times, percent)
    for these values in this language.

    money and units: scaled to K/M (en) or 万/亿 (zh) when the column's median reaches the
    step, like the cards, with two decimals below 10 of the scale, one below 100, one
    fewer when the column's largest value reaches 1,000 of the scale ("¥39,247K", not
    "¥39,247.3K"); unscaled money is whole yuan and unscaled units whole units (they are counts).
    days: one decimal when the median is below 100 (as the cards), else whole days.
    number (rates such as units per day): two decimals below 10, one below
    100, else whole. times: two decimals. percent: one decimal. int: whole."""
    reference, largest = _magnitudes(values)
    if kind in ("money", "units"):
        prefix = CURRENCY if kind == "money" else ""
        divisor, suffix = _scale(reference, lang)
        scaled = reference / divisor
        decimals = 0 if divisor == 1.0 else 2 if scaled < 10 else 1 if scaled < 100 else 0
        if largest / divisor >= 1000:  # "¥39,247K", not "¥39,247.3K"
            decimals = max(0, decimals - 1)
        return ColumnFormat(kind, divisor, suffix, decimals, prefix)
    if kind == "percent":
        return ColumnFormat(kind, decimals=1, unit_suffix="%")
    if kind == "days":
        return ColumnFormat(kind, decimals=1 if 0 < reference < 100 else 0)
    if kind == "times":  # as the cards and threshold labels: "10.43×"
        return ColumnFormat(kind, decimals=2, unit_suffix=t("unit.times", lang, value=""))
    if kind == "number":
        decimals = 2 if reference < 10 else 1 if reference < 100 else 0
        return ColumnFormat(kind, decimals=decimals)
    return ColumnFormat(kind)


def metric_column_format(metric_id: str, values: Iterable[object], lang: str) -> ColumnFormat:
    """`column_format` for a registry metric's column, by the metric's unit."""
    return column_format(KIND_OF_UNIT.get(METRICS[metric_id].unit, "number"), values, lang)


# --- axes that read like the cards ----------------------------------------------------

def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_axis(metric_id: str, lang: str, low: float, high: float,
               from_zero: bool = True) -> dict[str, object]:
    """A value axis from `low` to `high` whose tick labels use the cards' format (¥2万 and
    ¥200万 in zh, ¥20K and ¥2M in en), titled with the metric and its unit; from zero
    unless `from_zero` is False (an axis that autoranges around its points)."""
    unit = METRICS[metric_id].unit
    axis: dict[str, object] = {**axis_format(metric_id), "automargin": True,
                               "title": {"text": axis_title(metric_id, lang),
                                         "font": {"size": 11, "color": "#4a5870"}}}
    if not (math.isfinite(low) and math.isfinite(high)):
        return axis
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if unit not in ("money", "units", "count") or high - low <= 0:
        return axis
    step = _nice_step(high - low)
    first = math.floor(low / step) * step
    vals = [first + i * step for i in range(math.ceil((high - first) / step) + 1)]
    divisor, suffix = _scale(max(abs(v) for v in vals), lang)
    decimals = next(d for d in range(4) if abs(round(step / divisor, d) - step / divisor) < 1e-9)
    prefix = CURRENCY if unit == "money" else ""
    labels = [("-" if v < 0 else "") + f"{prefix}{abs(v) / divisor:,.{decimals}f}{suffix}"
              if v else f"{prefix}0" for v in vals]
    axis.pop("tickformat", None)
    axis.pop("tickprefix", None)
    axis.update(tickmode="array", tickvals=vals, ticktext=labels)
    return axis


def axis_title(metric_id: str, lang: str) -> str:
    """"Revenue (¥)", "Days of supply (days)": the metric and its unit for an axis."""
    unit = METRICS[metric_id].unit
    name = METRICS[metric_id].label(lang)
    symbol = t(f"axis.unit.{unit}", lang) if unit in AXIS_UNITS else ""
    if not symbol or symbol.lower() in name.lower():
        return name
    return f"{name} · {symbol}" if "(" in name or "（" in name else f"{name} ({symbol})"


AXIS_UNITS = ("money", "units", "days", "ratio", "times", "count")
