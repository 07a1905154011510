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

import html
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go

import service
from alerts.chart_images import ChartsUnavailable, render_pngs, sized
from alerts.message import Attachment, Message
from app_state.records import NotFound
from components.boards.saved import get_board, get_view
from components.boards.view_charts import (
    cartesian_figure,
    heatmap_figure,
    labels_of,
    scatter_figure,
)
from components.boards.view_render import why_not
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from components.grids.metric_grid import column_label
from components.grids.metric_grid_callbacks import number_formats
from components.kit.formatting import DASH, format_change, format_value, is_missing
from components.kit.kpi_card import BOARD_CARD_METRICS, BOARD_CARDS, CardSpec
from components.kit.theme import GRID, MUTED, STATUS_COLORS
from exports.spreadsheet import csv_bytes, plain, xlsx_bytes
from i18n import DEFAULT_LANGUAGE, normalise, t
from metrics.periods import previous_period
from metrics.query import MetricQuery
from metrics.registry import METRICS
from metrics.thresholds import current_thresholds, status, threshold_category
from service.principal import Principal, require

log = logging.getLogger(__name__)

# The executive board's cards: which metric each shows, which one judges its status, and
# its note (components/kit/kpi_card.py, shared with the board page).
KPI_CARDS, KPI_METRICS = BOARD_CARDS, BOARD_CARD_METRICS
TEXT_ROWS = 10  # rows of a tile in the text and HTML parts
MARKDOWN_ROWS = 5  # … and in the markdown summary
TABLE_IMAGE_ROWS = 15  # rows of a table tile's image
DATA_ROWS = 200  # rows of a tile in `data` (the CSV and Excel files hold them all)
MARKDOWN_LIMIT = 4096  # bytes: WeCom's limit for a markdown message (the tightest robot)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EMAIL_FONT = "-apple-system,Segoe UI,PingFang SC,Microsoft YaHei,Noto Sans CJK SC,Arial," \
              "sans-serif"


# ---- what a message is made of ----------------------------------------------------------
@dataclass(frozen=True)
class Period:
    preset: str
    start: date
    end: date
    previous: tuple[date, date] | None  # None: the data does not cover the previous period

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Kpi:
    metric: str
    value: float | None
    status: str | None  # good / warn / bad; None: no thresholds or no value
    value_text: str
    change_text: str | None  # "▲ 3.1%"; None: no comparable previous value
    note: str  # "Annualized 3.6×", "¥2.1M of inventory value", …


@dataclass
class TileResult:
    index: int
    title: str
    hint: str
    view_id: int | None
    spec: ViewSpec | None = None
    frame: pd.DataFrame | None = None
    problem: str | None = None  # why the tile shows no rows (deleted view, failed query …)
    figure: go.Figure | None = None
    png: bytes | None = None
    files: dict[str, str] = field(default_factory=dict)  # kind → attachment file name


@dataclass(frozen=True)
class _Subject:
    kind: str  # "board" or "view"
    ident: int
    name: str
    filters: BoardFilters  # the period preset and the standard filters
    kpi_where: dict[str, list[str]]
    board: BoardFilters | None  # a board's filter bar, applied over each tile's view
    # per tile: its title, view id, spec and problem (why it has no spec)
    tiles: tuple[tuple[str, int | None, ViewSpec | None, str | None], ...]


# ---- the two builders -------------------------------------------------------------------
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
            spec, problem = None, t("boards.tile.unreadable", language, error=_line(exc))
        tiles.append((title, tile.view_id, spec, problem))
    subject = _Subject("board", int(board_id), board.name, board.filters,
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
    subject = _Subject("view", int(view_id), view.name, view.spec.filters, view.spec.where(),
                       None, ((view.name, int(view_id), view.spec, None),))
    return _build(principal, subject, source, language, as_of)


def _language(lang: str | None) -> str:
    return normalise(lang) or DEFAULT_LANGUAGE


# ---- numbers ------------------------------------------------------------------------------
def _anchor(as_of: date | datetime | None, last: date) -> date:
    if as_of is None:
        return last
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return min(day, last)


def _number(value: object) -> float | None:
    value = plain(value)
    return None if is_missing(value) or value is None else float(value)  # type: ignore[arg-type]


def _kpis(principal: Principal, subject: _Subject, period: Period, source: str | None,
          lang: str) -> tuple[list[Kpi], dict[str, float | None], dict[str, float | None] | None]:
    query = MetricQuery.create(KPI_METRICS, period.start, period.end, where=subject.kpi_where)
    current = {m: _number(v) for m, v in
               service.run(principal, query, source).iloc[0].to_dict().items()}
    previous = None
    if period.previous is not None:
        row = service.run(principal, query.with_period(*period.previous), source).iloc[0]
        previous = {m: _number(v) for m, v in row.to_dict().items()}
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
            _note(card, current, period.days, lang)))
    return out, current, previous


def _note(card: CardSpec, row: dict[str, float | None], days: int, lang: str) -> str:
    """The small line under a card's value (components/kit/kpi_card.py), as text."""
    if card.note == "annualized" and row.get(card.metric) is not None:
        return t("kpi.annualized", lang,
                 value=format_value(card.metric, row[card.metric] * 365.0 / days, lang))  # type: ignore[operator]
    if card.note == "share":
        return t("kpi.share_of_stock", lang,
                 value=format_value("dead_stock_share", row.get("dead_stock_share"), lang))
    if card.note == "supply":
        return t("kpi.days_of_supply", lang,
                 value=format_value("days_of_supply", row.get("days_of_supply"), lang))
    return ""


def _run_tiles(principal: Principal, subject: _Subject, period: Period, source: str | None,
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
                tile.problem = t("boards.tile.failed", lang, error=_line(exc))
        out.append(tile)
    return out


# ---- a tile's rows as people read them ----------------------------------------------------
def _keys(spec: ViewSpec) -> list[str]:
    return [*([spec.grain] if spec.grain else []), *spec.dims]


def _metrics(spec: ViewSpec, frame: pd.DataFrame) -> list[str]:
    return [m for m in spec.metrics if m in frame.columns]


def _latest_first(spec: ViewSpec) -> bool:
    """A view over time without its own sort: its most recent rows are the news."""
    return bool(spec.grain) and not spec.sort


def _shown(spec: ViewSpec, frame: pd.DataFrame, n: int) -> pd.DataFrame:
    return frame.tail(n) if _latest_first(spec) else frame.head(n)


def _table(spec: ViewSpec, frame: pd.DataFrame, lang: str,
           n: int) -> tuple[list[str], list[list[str]]]:
    """(headers, rows of text) of the first (or, over time, the latest) `n` rows: each key
    as its readable label ("name (id)", translated channels), each metric formatted."""
    part = _shown(spec, frame, n)
    keys = [k for k in _keys(spec) if k in part.columns]
    metrics = _metrics(spec, part)
    headers = [column_label(k, lang) for k in keys] or [""]
    headers += [METRICS[m].label(lang) for m in metrics]
    labels = [labels_of(part, k, lang) for k in keys] or [labels_of(part, None, lang)]
    rows = []
    for i, (_, record) in enumerate(part.iterrows()):
        rows.append([_plain(column[i]) for column in labels]
                    + [format_value(m, _number(record[m]), lang) for m in metrics])
    return headers, rows


def _rows_note(spec: ViewSpec, total: int, shown: int, lang: str) -> str:
    if total <= shown:
        return ""
    key = "subscription.rows_latest" if _latest_first(spec) else "subscription.rows_shown"
    return t(key, lang, shown=shown, n=f"{total:,}")


def _json_value(value: object) -> object:
    value = plain(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and is_missing(value):
        return None
    return value


# ---- charts -------------------------------------------------------------------------------
def _table_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str) -> go.Figure:
    headers, rows = _table(spec, frame, lang, TABLE_IMAGE_ROWS)
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in headers]
    first_metric = len(headers) - len(_metrics(spec, frame))
    align = ["left" if i < first_metric else "right" for i in range(len(headers))]
    figure = go.Figure(go.Table(
        header={"values": [html.escape(h) for h in headers], "fill_color": "#f1f4f9",
                "align": align, "font": {"size": 13}},
        cells={"values": [[html.escape(v) for v in c] for c in columns], "align": align,
               "line_color": GRID, "fill_color": "white", "font": {"size": 12},
               "height": 26}))
    figure.update_layout(height=110 + 27 * len(rows))
    return figure


def tile_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str, days: int | None,
                title: str) -> go.Figure | None:
    """The tile's chart as the board draws it (components/boards/view_charts.py), sized for
    an image, titled, on white; a table or pivot tile as a table or heatmap image. None
    when the view's choice cannot be drawn (no rows, a scatter of one metric, …)."""
    if why_not(spec, frame, lang):
        return None
    if spec.chart == "table":
        figure = _table_figure(spec, frame, lang)
    elif spec.chart in ("heatmap", "pivot"):
        figure = heatmap_figure(spec, frame, lang)
    elif spec.chart == "scatter":
        figure = scatter_figure(spec, frame, lang)
    else:
        figure = cartesian_figure(spec, frame, lang, days)
    figure.update_layout(
        title={"text": html.escape(title), "x": 0.01, "xanchor": "left",
               "font": {"size": 16}},
        margin={"l": 16, "r": 24, "t": 52, "b": 24})
    return sized(figure)


def _draw_charts(tiles: list[TileResult], period: Period, lang: str) -> str | None:
    """Render every tile's chart to PNG in one browser session; the reason when none can
    be drawn (the message then goes out without them), else None."""
    for tile in tiles:
        if tile.frame is not None and tile.spec is not None:
            try:
                tile.figure = tile_figure(tile.spec, tile.frame, lang, period.days, tile.title)
            except Exception as exc:  # an odd frame must not stop the others
                log.warning("chart of tile %s could not be built: %s", tile.index, exc)
    drawn = [tile for tile in tiles if tile.figure is not None]
    if not drawn:
        return None
    try:
        pngs = render_pngs([tile.figure for tile in drawn])  # type: ignore[misc]
    except ChartsUnavailable as exc:
        log.warning("subscription charts not drawn: %s", exc)
        return str(exc)
    except Exception as exc:  # never let a chart crash the scheduler
        log.exception("subscription charts failed")
        return _line(exc)
    for tile, png in zip(drawn, pngs, strict=True):
        tile.png = png
    return None


# ---- attachments --------------------------------------------------------------------------
def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:48]


def _attachments(tiles: list[TileResult], lang: str) -> list[Attachment]:
    files = []
    for tile in tiles:
        if tile.frame is None or tile.spec is None or tile.frame.empty:
            continue
        stem = f"stocklens-{tile.index:02d}-{_slug(tile.title) or 'tile'}"
        frame = tile.frame
        headers = {c: column_label(str(c), lang) for c in frame.columns}
        if tile.png is not None:
            tile.files["png"] = f"{stem}.png"
            files.append(Attachment(f"{stem}.png", tile.png, "image/png"))
        tile.files["csv"] = f"{stem}.csv"
        files.append(Attachment(f"{stem}.csv",
                                csv_bytes(frame, [headers[c] for c in frame.columns]),
                                "text/csv"))
        tile.files["xlsx"] = f"{stem}.xlsx"
        files.append(Attachment(f"{stem}.xlsx",
                                xlsx_bytes(frame, headers, number_formats(tile.spec.metrics),
                                           sheet=tile.title), XLSX))
    return files


# ---- text, markdown, HTML ------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _plain(text: object) -> str:
    """One line of text: no line breaks or control characters (names are data)."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


_MD = str.maketrans({"[": "［", "]": "］", "<": "‹", ">": "›", "`": "'", "*": "∗"})


def _md(text: object) -> str:
    """Text from data inside markdown: no links, tags, code or emphasis can be made of it."""
    return _plain(text).translate(_MD)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _columns(rows: Sequence[Sequence[str]], right: Callable[[int], bool]) -> list[str]:
    """Rows of cells as aligned text columns (wide characters count two)."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [(" " * (w - _width(c)) + c) if right(i) else (c + " " * (w - _width(c)))
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return lines


def _status_word(code: str | None, lang: str) -> str:
    return t(f"subscription.status.{code or 'none'}", lang)


def _change(kpi: Kpi, period: Period, lang: str) -> str:
    if kpi.change_text is None:
        return t("subscription.no_previous", lang)
    return t("subscription.vs_previous", lang, change=kpi.change_text, days=period.days)


def _period_text(period: Period | None, lang: str) -> str:
    if period is None:
        return DASH
    if period.preset == "custom":
        return t("subscription.period_custom", lang, start=period.start, end=period.end)
    return t("subscription.period", lang, preset=t(f"preset.{period.preset}", lang),
             start=period.start, end=period.end)


def _charts_line(tiles: list[TileResult], charts_error: str | None, lang: str) -> str:
    if charts_error is not None:
        return t("subscription.charts_unavailable", lang, reason=_plain(charts_error))
    drawn = sum(tile.png is not None for tile in tiles)
    return t("subscription.charts_attached", lang, n=drawn) if drawn else \
        t("subscription.charts_none", lang)


def _tile_problem(tile: TileResult, lang: str) -> str | None:
    if tile.problem is not None:
        return tile.problem
    if tile.frame is not None and tile.frame.empty:
        return t("subscription.no_rows", lang)
    return None


def _text(name: str, kind_label: str, period: Period | None, kpis: list[Kpi],
          tiles: list[TileResult], charts_error: str | None, for_line: str,
          lang: str) -> str:
    lines = [t("subscription.heading", lang, kind=kind_label, name=_plain(name)),
             _period_text(period, lang)]
    if for_line:
        lines.append(for_line)
    if period is None:
        return "\n".join([*lines, "", t("subscription.no_data", lang)]) + "\n"
    lines += ["", t("subscription.key_figures", lang)]
    rows = []
    for kpi in kpis:
        extra = t("subscription.note", lang, note=kpi.note) if kpi.note else ""
        rows.append([METRICS[kpi.metric].label(lang), kpi.value_text,
                     _status_word(kpi.status, lang), _change(kpi, period, lang) + extra])
    lines += _columns(rows, lambda i: i == 1)
    for tile in tiles:
        lines += ["", f"{tile.index}. {_plain(tile.title)}"
                  + (f" — {_plain(tile.hint)}" if tile.hint else "")]
        problem = _tile_problem(tile, lang)
        if problem is not None or tile.frame is None or tile.spec is None:
            lines.append(_plain(problem or ""))
            continue
        headers, body = _table(tile.spec, tile.frame, lang, TEXT_ROWS)
        first_metric = len(headers) - len(_metrics(tile.spec, tile.frame))
        lines += _columns([headers, *body], lambda i, f=first_metric: i >= f)
        note = _rows_note(tile.spec, len(tile.frame), len(body), lang)
        if note:
            lines.append(note)
    lines += ["", _charts_line(tiles, charts_error, lang)]
    if any(tile.files for tile in tiles):
        lines.append(t("subscription.attachments", lang))
    return "\n".join(lines) + "\n"


def _md_tile(tile: TileResult, lang: str) -> str:
    lines = [f"**{_md(tile.title)}**"]
    problem = _tile_problem(tile, lang)
    if problem is not None or tile.frame is None or tile.spec is None:
        lines.append(f"> {_md(problem or '')}")
        return "\n".join(lines) + "\n"
    headers, body = _table(tile.spec, tile.frame, lang, MARKDOWN_ROWS)
    metrics = _metrics(tile.spec, tile.frame)
    n_keys = len(headers) - len(metrics)
    for row in body:
        keys, values = row[:n_keys], row[n_keys:]
        if len(metrics) == 1:
            shown = values[0]
        else:
            shown = " · ".join(f"{METRICS[m].label(lang)} {v}"
                               for m, v in zip(metrics, values, strict=True))
        lines.append("- " + t("subscription.label_value", lang, label=_md(" · ".join(keys)),
                                value=shown))
    if len(tile.frame) > len(body):
        lines.append(f"- {t('subscription.rows_more', lang, n=f'{len(tile.frame):,}')}")
    return "\n".join(lines) + "\n"


def _fit(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut at a character (a last resort: sections that do not
    fit are left out whole before this)."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _markdown(name: str, kind_label: str, period: Period | None, kpis: list[Kpi],
              tiles: list[TileResult], for_line: str, lang: str) -> str:
    head = [f"## StockLens · {_md(name)}", f"{kind_label} · {_period_text(period, lang)}"]
    if for_line:
        head.append(f"> {_md(for_line)}")
    if period is None:
        return _fit("\n".join([*head, "", t("subscription.no_data", lang)]) + "\n",
                    MARKDOWN_LIMIT)
    head += ["", f"**{t('subscription.key_figures', lang)}**"]
    for kpi in kpis:
        value = (f"**{kpi.value_text}** · {_status_word(kpi.status, lang)} · "
                 f"{_change(kpi, period, lang)}")
        note = t("subscription.note", lang, note=kpi.note) if kpi.note else ""
        head.append("- " + t("subscription.label_value", lang,
                             label=METRICS[kpi.metric].label(lang), value=value) + note)
    out = "\n".join(head) + "\n"
    for position, tile in enumerate(tiles):
        section = "\n" + _md_tile(tile, lang)
        left = len(tiles) - position
        reserve = len(("\n" + t("subscription.tiles_omitted", lang, n=left) + "\n")
                      .encode("utf-8"))
        last = position == len(tiles) - 1
        if len((out + section).encode("utf-8")) + (0 if last else reserve) > MARKDOWN_LIMIT:
            out += "\n" + t("subscription.tiles_omitted", lang, n=left) + "\n"
            break
        out += section
    return _fit(out, MARKDOWN_LIMIT)


_CELL = "padding:6px 10px;border-bottom:1px solid #e7ebf0;text-align:left;vertical-align:top"
_NUM = _CELL.replace("text-align:left", "text-align:right") + ";white-space:nowrap"
_HEAD = _CELL + ";background:#f1f4f9;font-weight:600"


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
                right: Callable[[int], bool]) -> str:
    def cell(tag: str, style: str, text: str) -> str:
        return f'<{tag} style="{style}">{html.escape(text)}</{tag}>'

    head = "".join(cell("th", _HEAD.replace("text-align:left", "text-align:right")
                        if right(i) else _HEAD, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", _NUM if right(i) else _CELL, c)
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table role="presentation" style="border-collapse:collapse;width:100%;'
            f'font-size:13px"><tr>{head}</tr>{body}</table>')


def _badge(code: str | None, lang: str) -> str:
    color = STATUS_COLORS.get(code, STATUS_COLORS[None])
    return (f'<span style="display:inline-block;padding:1px 8px;border-radius:10px;'
            f'background:{color};color:#ffffff;font-size:12px;font-weight:600">'
            f"{html.escape(_status_word(code, lang))}</span>")


def _html(subject_line: str, name: str, kind_label: str, period: Period | None,
          kpis: list[Kpi], tiles: list[TileResult], charts_error: str | None,
          for_line: str, lang: str) -> str:
    esc = html.escape
    muted = f"color:{MUTED};font-size:13px;margin:4px 0 12px"
    parts = [f'<h1 style="font-size:20px;margin:0">{esc(_plain(name))}</h1>',
             f'<p style="{muted}">{esc(kind_label)} · {esc(_period_text(period, lang))}</p>']
    if for_line:
        parts.append(f'<p style="{muted}">{esc(for_line)}</p>')
    if period is None:
        parts.append(f"<p>{esc(t('subscription.no_data', lang))}</p>")
    else:
        parts.append(f'<h2 style="font-size:16px;margin:20px 0 8px">'
                     f"{esc(t('subscription.key_figures', lang))}</h2>")
        rows = []
        for kpi in kpis:
            change = esc(_change(kpi, period, lang))
            note = f'<br><span style="color:{MUTED};font-size:12px">{esc(kpi.note)}</span>' \
                if kpi.note else ""
            rows.append(f'<tr><td style="{_CELL}">{esc(METRICS[kpi.metric].label(lang))}</td>'
                        f'<td style="{_NUM};font-weight:600">{esc(kpi.value_text)}</td>'
                        f'<td style="{_CELL}">{_badge(kpi.status, lang)}</td>'
                        f'<td style="{_CELL}">{change}{note}</td></tr>')
        head = "".join(f'<th style="{_HEAD}">{esc(t(f"subscription.col.{c}", lang))}</th>'
                       for c in ("metric", "value", "status", "change"))
        parts.append(f'<table role="presentation" style="border-collapse:collapse;width:100%;'
                     f'font-size:13px"><tr>{head}</tr>{"".join(rows)}</table>')
        for tile in tiles:
            parts.append(f'<h2 style="font-size:16px;margin:24px 0 2px">{tile.index}. '
                         f"{esc(_plain(tile.title))}</h2>")
            if tile.hint:
                parts.append(f'<p style="{muted}">{esc(_plain(tile.hint))}</p>')
            problem = _tile_problem(tile, lang)
            if problem is not None or tile.frame is None or tile.spec is None:
                parts.append(f"<p>{esc(_plain(problem or ''))}</p>")
                continue
            headers, body = _table(tile.spec, tile.frame, lang, TEXT_ROWS)
            first_metric = len(headers) - len(_metrics(tile.spec, tile.frame))
            parts.append(_html_table(headers, body, lambda i, f=first_metric: i >= f))
            note = _rows_note(tile.spec, len(tile.frame), len(body), lang)
            files = ", ".join(tile.files[k] for k in ("png", "csv", "xlsx") if k in tile.files)
            extra = " ".join(x for x in (note, f"({files})" if files else "") if x)
            if extra:
                parts.append(f'<p style="{muted}">{esc(extra)}</p>')
        parts.append(f'<p style="{muted};margin-top:24px">'
                     f"{esc(_charts_line(tiles, charts_error, lang))}</p>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">'
            f"<title>{esc(subject_line)}</title></head>"
            f'<body style="margin:0;padding:16px;background:#f5f7fa;color:#25324a;'
            f'font-family:{_EMAIL_FONT}">'
            f'<div style="max-width:760px;margin:0 auto;background:#ffffff;'
            f'border:1px solid #e7ebf0;border-radius:6px;padding:20px">'
            f'{"".join(parts)}</div></body></html>')


# ---- putting it together --------------------------------------------------------------------
def _build(principal: Principal, subject: _Subject, source: str | None, lang: str,
           as_of: date | datetime | None) -> Message:
    first, last = service.data_range(principal, source)
    period: Period | None = None
    kpis: list[Kpi] = []
    current: dict[str, float | None] = {}
    previous: dict[str, float | None] | None = None
    tiles: list[TileResult] = []
    charts_error: str | None = None
    if last is not None:
        start, end = subject.filters.period(_anchor(as_of, last))
        before = previous_period(start, end)
        period = Period(subject.filters.preset, start, end,
                        before if first is not None and before[0] >= first else None)
        kpis, current, previous = _kpis(principal, subject, period, source, lang)
        tiles = _run_tiles(principal, subject, period, source, lang)
        charts_error = _draw_charts(tiles, period, lang)
    attachments = _attachments(tiles, lang)

    kind_label = t(f"subscription.kind.{subject.kind}", lang)
    for_line = "" if principal.all_data else t("subscription.prepared_for", lang,
                                               name=_plain(principal.name))
    subject_line = _plain(t("subscription.subject", lang, name=_plain(subject.name),
                            period=_period_text(period, lang)))
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
        "tiles": [_tile_data(tile, lang) for tile in tiles],
        "charts": {"attached": sum(tile.png is not None for tile in tiles),
                   "error": charts_error},
        "empty": empty,
    }
    return Message(
        subject=subject_line,
        text=_text(subject.name, kind_label, period, kpis, tiles, charts_error, for_line,
                   lang),
        markdown=_markdown(subject.name, kind_label, period, kpis, tiles, for_line, lang),
        html=_html(subject_line, subject.name, kind_label, period, kpis, tiles, charts_error,
                   for_line, lang),
        attachments=tuple(attachments),
        data=data)


def _tile_data(tile: TileResult, lang: str) -> dict[str, object]:
    frame = tile.frame
    rows = [] if frame is None else [
        {str(c): _json_value(v) for c, v in zip(frame.columns, record, strict=True)}
        for record in frame.head(DATA_ROWS).itertuples(index=False, name=None)]
    return {"title": tile.title, "hint": tile.hint, "view_id": tile.view_id,
            "chart": tile.spec.chart if tile.spec is not None else None,
            "metrics": list(tile.spec.metrics) if tile.spec is not None else [],
            "columns": [] if frame is None else [str(c) for c in frame.columns],
            "row_count": 0 if frame is None else len(frame), "rows": rows,
            "problem": _tile_problem(tile, lang), "files": dict(tile.files)}


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "…"


__all__ = ["KPI_CARDS", "KPI_METRICS", "MARKDOWN_LIMIT", "build_board_message",
           "build_view_message", "tile_figure"]
