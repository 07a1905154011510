"""ABC classes at a glance: per class its SKU count and share of SKUs, its measure and
share of the measure, as cards; and the measure per category split by class.

The counts come from a query by abc_class and sku (one row per SKU with sales in the
period); the measures (cogs, revenue, units, gross margin) are sums, so a class's measure
is the sum of its SKUs'.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.kit.formatting import format_value
from components.kit.stacked_bars import stacked_bar_chart
from components.kit.stat_card import share_text, stat_card
from i18n import t
from metrics.registry import METRICS

CLASSES = ("A", "B", "C")
CLASS_COLORS = {"A": "#1d4fa8", "B": "#5b8ee6", "C": "#b7c8e6"}


def _share(part: float, whole: float) -> float | None:
    """part ÷ whole, undefined (None) when the whole is not positive."""
    return part / whole if whole > 0 else None


def class_summary(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One row per class A, B, C (always all three): skus, sku_share, measure,
    measure_share; shares are None when undefined (no SKUs, a total ≤ 0)."""
    counts = frame.groupby("abc_class")["sku"].nunique() if not frame.empty else pd.Series()
    sums = frame.groupby("abc_class")[measure].sum() if not frame.empty else pd.Series()
    total_skus = int(counts.sum()) if len(counts) else 0
    total = float(sums.sum()) if len(sums) else 0.0
    rows = []
    for klass in CLASSES:
        skus = int(counts.get(klass, 0))
        value = float(sums.get(klass, 0.0))
        rows.append({"abc_class": klass, "skus": skus, "sku_share": _share(skus, total_skus),
                     "measure": value, "measure_share": _share(value, total)})
    return pd.DataFrame(rows, columns=["abc_class", "skus", "sku_share", "measure",
                                       "measure_share"])


def class_cards(summary: pd.DataFrame, measure: str, cuts: tuple[float, float],
                lang: str) -> list[html.Div]:
    """A card per class (count, shares, measure) and one for all classes together."""
    label = METRICS[measure].label(lang)
    rules = {"A": t("insight.abc.rule_a", lang, a=f"{cuts[0]:g}"),
             "B": t("insight.abc.rule_b", lang, a=f"{cuts[0]:g}", b=f"{cuts[1]:g}"),
             "C": t("insight.abc.rule_c", lang, b=f"{cuts[1]:g}")}
    cards = []
    for row in summary.itertuples(index=False):
        klass = row.abc_class
        cards.append(stat_card(
            t("insight.abc.class_skus", lang, klass=klass), f"{row.skus:,}",
            value_id=f"abc-count-{klass}", accent=CLASS_COLORS[klass], lang=lang,
            note=[html.Span(t("insight.abc.sku_share", lang, share=share_text(row.sku_share))),
                  html.Br(),
                  html.Span(t("insight.abc.measure_share", lang, label=label,
                              value=format_value(measure, row.measure, lang),
                              share=share_text(row.measure_share)), className="stat-strong",
                            id=f"abc-measure-{klass}")],
            foot=rules[klass]))
    total_skus = int(summary["skus"].sum())
    total = float(summary["measure"].sum())
    cards.append(stat_card(
        t("insight.abc.all_skus", lang), f"{total_skus:,}", value_id="abc-count-all",
        lang=lang, note=t("insight.abc.total_measure", lang, label=label,
                          value=format_value(measure, total, lang)),
        foot=t("insight.abc.population", lang)))
    return cards


def class_by_category_chart(frame: pd.DataFrame, measure: str, lang: str) -> go.Figure:
    """`frame`: a query by abc_class and category; categories by their total, largest
    first, each split A / B / C."""
    return stacked_bar_chart(frame, "category", "abc_class", measure, lang,
                             stack_order=CLASSES, colors=CLASS_COLORS,
                             stack_labels={k: t("insight.abc.class", lang, klass=k)
                                           for k in CLASSES}, height=360)
