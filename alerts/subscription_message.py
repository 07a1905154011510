"""The message of a subscription (订阅): a saved board or view, sent on a schedule as an
e-mail or as a markdown summary to an IM channel — built here, sent by alerts/channels/.

    build_board_message(principal, board_id, source, lang)   # a board: KPIs + every tile
    build_view_message(principal, view_id, source, lang)     # one saved view: KPIs + it

Both are pure builders the scheduler calls once per recipient: every number comes from
the query service run as `principal` (a regional manager's message holds her region's
numbers only; nothing here widens a scope or runs SQL), the strings come from the
translation table (zh-CN, en), every value through the one formatter.

What a message holds (alerts/message.py):
- subject: "StockLens · <board or view name> · <period>";
- text and markdown: the executive board's key figures for the period (the cards of
  pages/overview.py: value, threshold status as a word, change on the previous period),
  then per tile the first rows of its view. The markdown stays within WeCom's limit of
  4096 bytes (tiles that do not fit are counted, not cut in half) and uses lists, not
  tables, which the robots do not render;
- html: the same as a plain HTML e-mail with inline styles and no external resources;
- attachments: per tile a PNG of its chart (plotly figure from the view's rows, drawn on
  the server by kaleido with the machine's Chromium, see alerts/chart_images.py) and its
  rows as CSV and .xlsx written by exports/spreadsheet.py (formula-like text neutralised).
  When no browser can draw, the message goes out without PNGs and its text says why;
- data: what a webhook posts — {"kind", "board" | "view", "period", "kpis": {metric:
  value}, "previous", "status", "tiles": […], "charts", "recipient", "empty", …}.

The period is the board's (or view's) preset anchored at the data's last day, as the board
page shows it; `as_of` anchors it earlier (a re-run for a past date) but never after the
data's last day. A tile that cannot be drawn (deleted view, failed query) says so in its
place, as on the board; a failing source raises (SourceError), so the scheduler records
the failure and retries instead of sending a message without numbers.
"""

from __future__ import annotations

from datetime import date, datetime

import service
from alerts.message import Message
from alerts.subscription.attachments import attachments_of
from alerts.subscription.charts import draw_charts
from alerts.subscription.clean import one_line, short_error
from alerts.subscription.data import tile_data
from alerts.subscription.email_html import html_part
from alerts.subscription.markdown import markdown_part
from alerts.subscription.numbers import anchor, key_figures, run_tiles
from alerts.subscription.parts import Kpi, Period, Subject, TileResult
from alerts.subscription.phrases import period_text
from alerts.subscription.text import text_part
from app_state.records import NotFound
from components.boards.saved import get_board, get_view
from i18n import DEFAULT_LANGUAGE, normalise, t
from metrics.periods import previous_period
from service.principal import Principal, require


def build_board_message(principal: Principal, board_id: int, source: str | None, lang: str,
                        *, as_of: date | datetime | None = None) -> Message:
    """The message of a saved board for `principal` (its scope, nothing more): the key
    figures under the board's filters and period, then each tile's view under them.
    NotFound when the board does not exist; SourceError when the source does not answer."""
    principal = require(principal)
    language = _language(lang)
    board = get_board(board_id)
    tiles = []
    for tile in board.tiles:
        title = tile.view_name or t("boards.tile.deleted_title", language)
        if tile.view_id is None:
            tiles.append((title, None, None, t("boards.tile.deleted", language)))
            continue
        try:
            spec, problem = get_view(tile.view_id).spec, None
        except NotFound:
            spec, problem = None, t("boards.tile.deleted", language)
        except ValueError as exc:  # a stored spec that no longer reads names its field
            spec, problem = None, t("boards.tile.unreadable", language, error=short_error(exc))
        tiles.append((title, tile.view_id, spec, problem))
    subject = Subject("board", int(board_id), board.name, board.filters,
                      board.filters.where(), board.filters, tuple(tiles))
    return _build(principal, subject, source, language, as_of)


def build_view_message(principal: Principal, view_id: int, source: str | None, lang: str,
                       *, as_of: date | datetime | None = None) -> Message:
    """The message of one saved view for `principal`: the key figures under the view's
    filters and period, then the view itself. NotFound when the view does not exist,
    QueryError (a ValueError) when its stored spec no longer reads."""
    principal = require(principal)
    language = _language(lang)
    view = get_view(view_id)
    subject = Subject("view", int(view_id), view.name, view.spec.filters, view.spec.where(),
                      None, ((view.name, int(view_id), view.spec, None),))
    return _build(principal, subject, source, language, as_of)


def _language(lang: str | None) -> str:
    return normalise(lang) or DEFAULT_LANGUAGE


def _build(principal: Principal, subject: Subject, source: str | None, lang: str,
           as_of: date | datetime | None) -> Message:
    first, last = service.data_range(principal, source)
    period: Period | None = None
    kpis: list[Kpi] = []
    current: dict[str, float | None] = {}
    previous: dict[str, float | None] | None = None
    tiles: list[TileResult] = []
    charts_error: str | None = None
    if last is not None:
        start, end = subject.filters.period(anchor(as_of, last))
        before = previous_period(start, end)
        period = Period(subject.filters.preset, start, end,
                        before if first is not None and before[0] >= first else None)
        kpis, current, previous = key_figures(principal, subject, period, source, lang)
        tiles = run_tiles(principal, subject, period, source, lang)
        charts_error = draw_charts(tiles, period, lang)
    attachments = attachments_of(tiles, lang)

    kind_label = t(f"subscription.kind.{subject.kind}", lang)
    for_line = "" if principal.all_data else t("subscription.prepared_for", lang,
                                               name=one_line(principal.name))
    subject_line = one_line(t("subscription.subject", lang, name=one_line(subject.name),
                            period=period_text(period, lang)))
    empty = period is None or (
        all(current.get(m) in (None, 0) for m in ("revenue", "inventory_value"))
        and all(tile.frame is None or tile.frame.empty for tile in tiles))
    data: dict[str, object] = {
        "kind": subject.kind,
        subject.kind: {"id": subject.ident, "name": subject.name},
        "language": lang,
        "recipient": principal.name,
        "scope": principal.scope_map,
        "period": None if period is None else {
            "preset": period.preset, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "days": period.days,
            "previous": None if period.previous is None else
            {"start": period.previous[0].isoformat(), "end": period.previous[1].isoformat()}},
        "kpis": current,
        "previous": previous,
        "status": {k.metric: k.status for k in kpis},
        "formatted": {k.metric: k.value_text for k in kpis},
        "tiles": [tile_data(tile, lang) for tile in tiles],
        "charts": {"attached": sum(tile.png is not None for tile in tiles),
                   "error": charts_error},
        "empty": empty,
    }
    return Message(
        subject=subject_line,
        text=text_part(subject.name, kind_label, period, kpis, tiles, charts_error, for_line,
                       lang),
        markdown=markdown_part(subject.name, kind_label, period, kpis, tiles, for_line, lang),
        html=html_part(subject_line, subject.name, kind_label, period, kpis, tiles, charts_error,
                       for_line, lang),
        attachments=tuple(attachments),
        data=data)


__all__ = ["build_board_message", "build_view_message"]
