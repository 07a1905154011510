"""The phrases the text, markdown and HTML parts share: a status as a word, the change on
the previous period, the period, whether charts are attached, why a tile has no rows.
"""

from __future__ import annotations

from alerts.subscription.clean import one_line
from alerts.subscription.parts import Kpi, Period, TileResult
from components.kit.formatting import DASH
from i18n import t


def status_word(code: str | None, lang: str) -> str:
    return t(f"subscription.status.{code or 'none'}", lang)


def vs_previous(kpi: Kpi, period: Period, lang: str) -> str:
    if kpi.change_text is None:
        return t("subscription.no_previous", lang)
    return t("subscription.vs_previous", lang, change=kpi.change_text, days=period.days)


def period_text(period: Period | None, lang: str) -> str:
    if period is None:
        return DASH
    if period.preset == "custom":
        return t("subscription.period_custom", lang, start=period.start, end=period.end)
    return t("subscription.period", lang, preset=t(f"preset.{period.preset}", lang),
             start=period.start, end=period.end)


def charts_line(tiles: list[TileResult], charts_error: str | None, lang: str) -> str:
    if charts_error is not None:
        return t("subscription.charts_unavailable", lang, reason=one_line(charts_error))
    drawn = sum(tile.png is not None for tile in tiles)
    return t("subscription.charts_attached", lang, n=drawn) if drawn else \
        t("subscription.charts_none", lang)


def tile_problem(tile: TileResult, lang: str) -> str | None:
    if tile.problem is not None:
        return tile.problem
    if tile.frame is not None and tile.frame.empty:
        return t("subscription.no_rows", lang)
    return None
