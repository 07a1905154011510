"""The numbers of a subscription message, all from the query service run as the
recipient's principal: the key figures with status and change, and each tile's rows (a
failing tile says why in its place, as on the board).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import service
from alerts.subscription.clean import short_error
from alerts.subscription.parts import KPI_CARDS, KPI_METRICS, Kpi, Period, Subject, TileResult
from components.kit.formatting import format_change, format_value, is_missing
from components.kit.kpi_card import card_note
from exports.spreadsheet import plain
from i18n import t
from metrics.query import MetricQuery
from metrics.thresholds import current_thresholds, status, threshold_category
from service.principal import Principal

log = logging.getLogger("alerts.subscription_message")


def anchor(as_of: date | datetime | None, last: date) -> date:
    if as_of is None:
        return last
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return min(day, last)


def number_of(value: object) -> float | None:
    value = plain(value)
    return None if is_missing(value) or value is None else float(value)  # type: ignore[arg-type]


def key_figures(principal: Principal, subject: Subject, period: Period, source: str | None,
                lang: str
                ) -> tuple[list[Kpi], dict[str, float | None], dict[str, float | None] | None]:
    """The executive board's cards for the period, with their threshold status and change
    on the previous period; and the raw current and previous values (for `data`)."""
    query = MetricQuery.create(KPI_METRICS, period.start, period.end, where=subject.kpi_where)
    current = {m: number_of(v) for m, v in
               service.run(principal, query, source).iloc[0].to_dict().items()}
    previous = None
    if period.previous is not None:
        row = service.run(principal, query.with_period(*period.previous), source).iloc[0]
        previous = {m: number_of(v) for m, v in row.to_dict().items()}
    category = threshold_category(subject.filters.category)
    limits = current_thresholds()
    out = []
    for card in KPI_CARDS:
        judged_by = card.status_metric or card.metric
        value = current.get(card.metric)
        out.append(Kpi(
            card.metric, value,
            status(judged_by, current.get(judged_by), period.days, category,
                   thresholds=limits),
            format_value(card.metric, value, lang),
            format_change(card.metric, value,
                          previous.get(card.metric) if previous else None, lang),
            card_note(card, current, period.days, lang)))
    return out, current, previous


def run_tiles(principal: Principal, subject: Subject, period: Period, source: str | None,
              lang: str) -> list[TileResult]:
    out = []
    for index, (title, view_id, spec, problem) in enumerate(subject.tiles, start=1):
        hint = (spec.title or spec.default_title(lang)) if spec is not None else ""
        tile = TileResult(index, title, hint if hint.casefold() != title.casefold() else "",
                          view_id, spec, problem=problem)
        if spec is not None and problem is None:
            try:
                tile.frame = service.run(
                    principal, spec.query(period.start, period.end, board=subject.board),
                    source)
            except Exception as exc:  # one tile must not take the message down (as the board)
                log.warning("subscription %s #%s, tile %s (view %s) failed: %s",
                            subject.kind, subject.ident, index, view_id, exc)
                tile.problem = t("boards.tile.failed", lang, error=short_error(exc))
        out.append(tile)
    return out
