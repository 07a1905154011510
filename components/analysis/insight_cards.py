"""The KPI strips of the inventory-age and slow-mover pages, from their metric rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from dash import html

from components.kit.formatting import format_value, is_missing
from components.kit.stat_card import share_text, stat_card, target_text
from i18n import t
from metrics.registry import METRICS

Row = Mapping[str, float | None]


def _share(part: float | None, whole: float | None) -> float | None:
    if is_missing(part) or is_missing(whole) or not whole:
        return None
    return float(part) / float(whole)  # type: ignore[arg-type]


def ageing_cards(row: Row, first_day: date | None, lang: str) -> list[html.Div]:
    """Aged value, aged units, average age (judged) and the units older than the data,
    which are aged from the data's first day and so only a lower bound."""
    older = row.get("units_older_than_data")
    first = first_day.isoformat() if first_day else "—"
    return [
        stat_card(METRICS["aged_value"].label(lang),
                  format_value("aged_value", row.get("aged_value"), lang),
                  value_id="age-kpi-aged_value", lang=lang,
                  note=t("insight.ageing.value_note", lang),
                  title=METRICS["aged_value"].formula_text),
        stat_card(METRICS["aged_units"].label(lang),
                  format_value("aged_units", row.get("aged_units"), lang),
                  value_id="age-kpi-aged_units", lang=lang,
                  note=t("insight.ageing.units_note", lang),
                  title=METRICS["aged_units"].formula_text),
        stat_card(METRICS["average_age_days"].label(lang),
                  format_value("average_age_days", row.get("average_age_days"), lang),
                  value_id="age-kpi-average_age_days", lang=lang,
                  judged=("average_age_days", row.get("average_age_days")),
                  note=t("insight.ageing.average_note", lang),
                  foot=target_text("average_age_days", lang),
                  title=METRICS["average_age_days"].formula_text),
        stat_card(METRICS["units_older_than_data"].label(lang),
                  format_value("units_older_than_data", older, lang),
                  value_id="age-kpi-units_older_than_data", lang=lang,
                  note=t("insight.ageing.older_share", lang,
                         share=share_text(_share(older, row.get("aged_units")))),
                  foot=t("insight.ageing.older_note", lang, first=first),
                  title=t("insight.ageing.older_title", lang, first=first)),
    ]


def dead_stock_cards(rows: int, skus: int, totals: Row, days: int, as_of: date,
                     lang: str) -> list[html.Div]:
    """How many sku-locations and SKUs hold stock unsold for `days`, the value tied up and
    its share of all inventory value (judged)."""
    share = totals.get("dead_stock_share")
    return [
        stat_card(t("insight.slow.pairs", lang), f"{rows:,}", value_id="slow-kpi-count",
                  lang=lang, note=t("insight.slow.pairs_note", lang, days=days)),
        stat_card(t("insight.slow.skus", lang), f"{skus:,}", value_id="slow-kpi-skus",
                  lang=lang, note=t("insight.slow.skus_note", lang)),
        stat_card(t("insight.slow.value", lang),
                  format_value("dead_stock_value", totals.get("dead_stock_value"), lang),
                  value_id="slow-kpi-value", lang=lang,
                  note=t("insight.slow.value_note", lang, date=as_of.isoformat()),
                  title=METRICS["dead_stock_value"].formula_text),
        stat_card(METRICS["dead_stock_share"].label(lang),
                  format_value("dead_stock_share", share, lang), value_id="slow-kpi-share",
                  lang=lang, judged=("dead_stock_share", share),
                  note=t("insight.slow.share_note", lang, value=format_value(
                      "inventory_value", totals.get("inventory_value"), lang)),
                  foot=target_text("dead_stock_share", lang),
                  title=METRICS["dead_stock_share"].formula_text),
    ]
