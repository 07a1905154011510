"""Wall mode (数字大屏), /wall: one site's numbers on a wall-mounted screen, readable
across a warehouse, refreshing by itself and surviving a database outage.

No navbar, no cursor, nothing to click: everything is set in the URL (components/
wall_params.py) — e.g. /wall?scope=region:East&lang=zh&board=3&refresh=60&rotate=20.

Reads top-down: the layout (drawn once), the clientside callbacks (clock, panel rotation,
screen size, stale notice — they never wait for the server, so they keep going through
refreshes and outages), then one server callback per part (KPI tiles, trend, alerts, each
board tile), all run by the refresh interval. A part sends only the outputs whose content
changed (components/wall/wall_refresh.py): no flicker, no reload, the URL untouched. When the
source fails, a part keeps what it shows (the cache's last good values, or simply the
screen's) and its health store makes the stale notice appear; it goes by itself when
fresh data comes back.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, timedelta

import dash
from dash import ALL, MATCH, Input, Output, State, callback, clientside_callback, dcc, html

import service
from app_state.records import NotFound
from auth import current_wall_binding
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.boards.saved import Board, get_board, get_view
from components.boards.view_render import render_view
from components.filters.filter_state import BoardFilters
from components.kit.page_title import page_title
from components.kit.render_memo import rendered
from components.kit.value_labels import value_label
from components.wall.wall_alerts import (
    new_dead_alerts,
    new_dead_query,
    reorder_alerts,
    reorder_frame,
    running_out_alerts,
    running_out_cut,
    running_out_query,
    stockout_alerts,
    stockout_query,
    ticker,
)
from components.wall.wall_frame import Panel, header, note_text, panels, part_id, part_stores
from components.wall.wall_frame import ticker_bar as ticker_footer
from components.wall.wall_params import Note, Scope, WallParams, bound_to_token, parse_wall_params
from components.wall.wall_refresh import HEALTHY, health, keep, only_changed, wall_part
from components.wall.wall_theme import blank_figure, dark_graph, dark_view, font_size
from components.wall.wall_tiles import TILES, kpi_query, tile_body, tile_boxes, tile_id
from components.wall.wall_trend import (
    TREND_METRICS,
    trend_figure,
    trend_query,
    trend_start,
    week_days,
)
from data_connectors.source import SourceError
from i18n import t
from metrics.dimensions import DIMENSIONS
from metrics.periods import previous_period
from metrics.query import MetricQuery, QueryOptions
from metrics.registry import METRICS
from metrics.thresholds import current_thresholds
from service import sources

dash.register_page(__name__, path="/wall", name="wall", title=page_title("title.wall"))

log = logging.getLogger(__name__)
DEAD_DAYS = QueryOptions().dead_stock_days
NO = dash.no_update


# ---- layout --------------------------------------------------------------------------------
def _board(ident: int | None) -> tuple[Board | None, Note | None]:
    if ident is None:
        return None, None
    try:
        return get_board(ident), None
    except NotFound:
        return None, Note("board", str(ident), None, "board_missing")
    except Exception as exc:  # the state database is unreadable: the wall goes on without
        log.warning("wall: board %s cannot be read: %s", ident, exc)
        return None, Note("board", str(ident), None)


def _tile_panels(board: Board, lang: str) -> list[Panel]:
    """One panel per board tile: its view's name, the body filled by refresh_tile."""
    out = []
    for tile in board.tiles:
        key = f"tile-{tile.id}"
        body = html.Div([dcc.Store(id=part_id("wall-tile-view", key), data=tile.view_id),
                         *part_stores(key),
                         html.Div(id=part_id("wall-tile-body", key), className="wall-tile")],
                        className="wall-tile-wrap")
        out.append(Panel(key, tile.view_name or t("boards.tile.deleted_title", lang), body))
    return out


def _trend_body(lang: str) -> html.Div:
    charts = [html.Div([html.H3(METRICS[m].label(lang), className="wall-chart-title"),
                        dark_graph(f"wall-trend-{m}", blank_figure())], className="wall-chart")
              for m in TREND_METRICS]
    return html.Div(charts, className="wall-trend")


def _config(wall: WallParams, source: str, board: Board | None) -> dict:
    lang = wall.lang
    return {"params": wall.to_store(), "source": source,
            "board_filters": board.filters.to_store() if board else None,
            "locale": "zh-CN" if lang == "zh" else "en-GB",
            "text": {"stale": t("wall.stale", lang, time="{time}"),
                     "down": t("wall.down", lang)}}


def layout(**params: str) -> html.Div:
    try:
        known = sources.registry().names()
    except SourceError:
        known = []
    wall = bound_to_token(parse_wall_params(params, known), current_wall_binding())
    lang = wall.lang
    try:
        source = sources.source_name(wall.source)
    except SourceError:
        source = ""
    board, board_note = _board(wall.board)
    if board_note:
        wall = replace(wall, notes=(*wall.notes, board_note))
    items = [Panel("kpis", t("wall.panel.kpis", lang),
                   html.Div(tile_boxes(lang, wall.days), className="wall-kpis")),
             Panel("trend", t("wall.panel.trend", lang), _trend_body(lang))]
    if board is not None:
        items += _tile_panels(board, lang)
    rotating = wall.rotate > 0 and len(items) > 1
    return html.Div([
        dcc.Store(id="wall-config", data=_config(wall, source, board)),
        dcc.Store(id="wall-viewport", data=None),
        *part_stores("kpis"), *part_stores("trend"), *part_stores("alerts"),
        dcc.Interval(id="wall-refresh", interval=wall.refresh * 1000),
        dcc.Interval(id="wall-clock-tick", interval=1000),
        dcc.Interval(id="wall-rotate-tick", interval=max(wall.rotate, 1) * 1000,
                     disabled=not rotating),
        header(lang, _site_label(wall.scope, None, lang), board.name if board else None,
               _notes(list(wall.notes), lang)),
        panels(items, rotating),
        ticker_footer(lang),
    ], className="wall-screen", lang="zh-CN" if lang == "zh" else "en")


# ---- clientside: clock, rotation, screen size, stale notice (assets/wall.js) -------------
clientside_callback(
    dash.ClientsideFunction("wall", "clock"),
    Output("wall-clock", "children"),
    Output("wall-date", "children"),
    Input("wall-clock-tick", "n_intervals"),
    State("wall-config", "data"),
)
clientside_callback(
    dash.ClientsideFunction("wall", "rotate"),
    Output({"type": "wall-panel", "i": ALL}, "className"),
    Output({"type": "wall-dot", "i": ALL}, "className"),
    Input("wall-rotate-tick", "n_intervals"),
    prevent_initial_call=True,
)
clientside_callback(
    dash.ClientsideFunction("wall", "viewport"),
    Output("wall-viewport", "data"),
    Input("wall-config", "data"),
)
clientside_callback(
    dash.ClientsideFunction("wall", "stale"),
    Output("wall-stale-text", "children"),
    Output("wall-stale-why", "children"),
    Output("wall-stale", "className"),
    Input(part_id("wall-health", ALL), "data"),
    State("wall-config", "data"),
)


# ---- server: one callback per part ---------------------------------------------------------
def _period(config: dict) -> tuple[WallParams, date, date, date] | None:
    """(params, first day of the data, start, end) of the flow metrics, or None when the
    source holds no data."""
    wall = WallParams.from_store(config["params"])
    first, last = service.data_range(request_principal(), config["source"])
    if first is None or last is None:
        return None
    return wall, first, max(first, last - timedelta(days=wall.days - 1)), last


def _site_label(scope: Scope | None, name: str | None, lang: str,
                source: str | None = None) -> list[html.Span]:
    """"Region / East", "Location / Shanghai DC", or "All locations" (names in `lang`)."""
    if scope is None:
        return [html.Span(t("wall.all_sites", lang), className="wall-site-name")]
    shown = value_label("location_name", name, lang, source) if name else \
        value_label(scope.kind, scope.value, lang, source)
    return [html.Span(DIMENSIONS[scope.kind].label(lang), className="wall-site-kind"),
            html.Span(shown, className="wall-site-name")]


def _site(wall: WallParams, source: str, start: date, end: date) -> tuple[list, Note | None]:
    """The header's site name and, when the scope names nothing in the data, a note. A
    location's name comes with its rows (stock at the end, or sales in the period)."""
    who = request_principal()
    lang, scope = wall.lang, wall.scope
    if scope is None:
        return _site_label(None, None, lang), None
    name, known = None, True
    if scope.kind == "region":
        known = scope.value in service.dimension_values(who, "location", "region", source)
    else:
        known = scope.value in service.dimension_values(who, "location", "location_id", source)
        frame = service.run(who, MetricQuery.create(["on_hand_units", "units_sold"], start, end,
                                              by=["location"], where=scope.where()), source)
        if not frame.empty and frame.iloc[0].get("location_name"):
            name = str(frame.iloc[0]["location_name"])
    note = None if known else Note(scope.kind, scope.value, None, "unknown_scope")
    return _site_label(scope, name, lang, source), note


def _notes(notes: list[Note], lang: str) -> str:
    texts = []
    for n in notes:
        if n.kind == "unknown_scope":
            texts.append(t("wall.note.unknown_scope", lang, value=n.value,
                           kind=DIMENSIONS[n.param].label(lang)))
        elif n.kind == "board_missing":
            texts.append(t("wall.note.board_missing", lang, value=n.value))
        else:
            texts.append(note_text(n, lang))
    return " · ".join(texts)


KPI_OUTPUTS = [tile_id(x.metric) for x in TILES]


@callback(
    *[Output(ident, "children") for ident in KPI_OUTPUTS],
    Output("wall-site", "children"),
    Output("wall-asof", "children"),
    Output("wall-panel-sub-kpis", "children"),
    Output("wall-notes", "children"),
    Output(part_id("wall-memo", "kpis"), "data"),
    Output(part_id("wall-health", "kpis"), "data"),
    Input("wall-refresh", "n_intervals"),
    State("wall-config", "data"),
    State(part_id("wall-memo", "kpis"), "data"),
    State(part_id("wall-health", "kpis"), "data"),
)
@needs(VIEW)
@wall_part(len(KPI_OUTPUTS) + 6)
def refresh_kpis(_tick, config, memo, shown):
    """The KPI tiles (this period against the previous one), the site and the data date."""
    who, source = request_principal(), config["source"]
    found = _period(config)
    wall = WallParams.from_store(config["params"])
    notes = list(wall.notes)
    if found is None:
        new = {"site": t("board.empty", wall.lang), "asof": "", "sub": "",
               "notes": _notes(notes, wall.lang)}
        values, memo = only_changed(new, memo)
        return *([NO] * len(KPI_OUTPUTS)), *values, memo, keep(shown, HEALTHY)
    wall, first, start, end = found
    days, lang = (end - start).days + 1, wall.lang
    query = kpi_query(start, end, wall.scope)
    frames = [service.run(who, query, source)]
    prev_start, prev_end = previous_period(start, end)
    if prev_start >= first:  # else the data cannot cover the previous period
        frames.append(service.run(who, query.with_period(prev_start, prev_end), source))
    site, note = _site(wall, source, start, end)

    def build() -> dict[str, object]:
        current = frames[0].iloc[0].to_dict() if not frames[0].empty else {}
        previous = (frames[1].iloc[0].to_dict() if len(frames) > 1 and not frames[1].empty
                    else None)
        new: dict[str, object] = {ident: tile_body(tile, current, previous, days, lang)
                                  for ident, tile in zip(KPI_OUTPUTS, TILES, strict=True)}
        return new | {"site": site, "asof": t("wall.as_of", lang, date=end.isoformat()),
                      "sub": t("wall.period", lang, days=days, start=start.isoformat(),
                               end=end.isoformat()),
                      "notes": _notes([*notes, *([note] if note else [])], lang)}

    new, fresh = rendered("kpis", [config, start, end, len(frames), repr(site), repr(notes),
                                   repr(note), repr(current_thresholds())], frames, build,
                          principal=who)
    values, memo = only_changed(new, memo, fresh)
    return *values, memo, keep(shown, health(frames, source))


@callback(
    *[Output(f"wall-trend-{m}", "figure") for m in TREND_METRICS],
    Output("wall-panel-sub-trend", "children"),
    Output(part_id("wall-memo", "trend"), "data"),
    Output(part_id("wall-health", "trend"), "data"),
    Input("wall-refresh", "n_intervals"),
    Input("wall-viewport", "data"),
    State("wall-config", "data"),
    State(part_id("wall-memo", "trend"), "data"),
    State(part_id("wall-health", "trend"), "data"),
)
@needs(VIEW)
@wall_part(len(TREND_METRICS) + 3)
def refresh_trend(_tick, viewport, config, memo, shown):
    """Turnover days and stockout rate by week over the last weeks, bars in status colours
    with the target and alert lines."""
    who, source, count = request_principal(), config["source"], len(TREND_METRICS) + 3
    found = _period(config) if config["params"]["rotate"] else None
    if found is None:  # no rotation (only the KPI panel ever shows), or no data
        return (NO,) * count
    wall, first, _, end = found
    start = trend_start(first, end)
    frame = service.run(who, trend_query(start, end, wall.scope), source)
    lang, size = wall.lang, font_size(viewport)
    days = week_days(start, end)

    def build() -> dict[str, object]:
        new: dict[str, object] = {m: trend_figure(frame, m, days, lang, size)
                                  for m in TREND_METRICS}
        return new | {"sub": t("wall.trend.weeks", lang, weeks=len(days))}

    new, fresh = rendered("trend", [lang, size, start, end, repr(current_thresholds())],
                          [frame], build, principal=who)
    values, memo = only_changed(new, memo, fresh)
    return *values, memo, keep(shown, health([frame], source))


@callback(
    Output("wall-ticker", "children"),
    Output(part_id("wall-memo", "alerts"), "data"),
    Output(part_id("wall-health", "alerts"), "data"),
    Input("wall-refresh", "n_intervals"),
    State("wall-config", "data"),
    State(part_id("wall-memo", "alerts"), "data"),
    State(part_id("wall-health", "alerts"), "data"),
)
@needs(VIEW)
@wall_part(3)
def refresh_alerts(_tick, config, memo, shown):
    """Stockouts, SKUs running out and new dead stock at this site (components/
    wall_alerts.py says what each means)."""
    who, source = request_principal(), config["source"]
    found = _period(config)
    if found is None:
        return NO, NO, NO
    wall, _, start, end = found
    scope: Scope | None = wall.scope
    frames = [service.run(who, stockout_query(start, end, scope), source),
              service.run(who, new_dead_query(start, end, scope, DEAD_DAYS), source)]
    reorder = reorder_frame(who, source, scope)  # None: no stored forecast yet
    cut = running_out_cut() if reorder is None else None
    if reorder is not None:
        frames.append(reorder)
    elif cut is not None:
        frames.append(service.run(who, running_out_query(start, end, scope, cut), source))
    lang, days = wall.lang, (end - start).days + 1
    local = scope is not None and scope.kind == "location"  # one site: no location names

    def build() -> dict[str, object]:
        lists = [stockout_alerts(frames[0], days, lang)]
        if reorder is not None:
            lists.append(reorder_alerts(frames[2], lang))
        elif cut is not None:
            lists.append(running_out_alerts(frames[2], cut, lang))
        lists.append(new_dead_alerts(frames[1], DEAD_DAYS, lang))
        return {"ticker": ticker(lists, lang, show_location=not local)}

    run = reorder.attrs.get("run") if reorder is not None else None
    new, fresh = rendered("alerts", [lang, days, cut, local, run], frames, build,
                          principal=who)
    values, memo = only_changed(new, memo, fresh)
    return *values, memo, keep(shown, health(frames, source))


@callback(
    Output(part_id("wall-tile-body", MATCH), "children"),
    Output(part_id("wall-memo", MATCH), "data"),
    Output(part_id("wall-health", MATCH), "data"),
    Input("wall-refresh", "n_intervals"),
    Input("wall-viewport", "data"),
    Input(part_id("wall-tile-view", MATCH), "data"),
    State("wall-config", "data"),
    State(part_id("wall-memo", MATCH), "data"),
    State(part_id("wall-health", MATCH), "data"),
)
@needs(VIEW)
@wall_part(3, on_bug=lambda error, _tick, _viewport, _view, config, memo, _shown:
           _tile_message(t("boards.tile.failed", WallParams.from_store(config["params"]).lang,
                           error=str(error)), memo, NO))
def refresh_tile(_tick, viewport, view_id, config, memo, shown):
    """A board tile: its saved view under the board's filters, limited to the wall's site."""
    who = request_principal()
    wall, source = WallParams.from_store(config["params"]), config["source"]
    lang = wall.lang
    name = dash.ctx.outputs_list[0]["id"]["part"]
    if not wall.rotate:  # no rotation: only the KPI panel ever shows
        return NO, NO, NO
    if view_id is None:
        return _tile_message(t("wall.tile.deleted", lang), memo, NO)
    try:
        spec = get_view(view_id).spec
    except NotFound as exc:
        return _tile_message(t("boards.tile.failed", lang, error=str(exc)), memo, NO)
    filters = BoardFilters.from_params(config["board_filters"] or {})
    start, end = filters.period(service.data_range(who, source)[1])
    query = spec.query(start, end, board=filters)
    frame = service.run(who, wall.scope.apply(query) if wall.scope else query, source)
    days, size = (end - start).days + 1, font_size(viewport)

    def build() -> dict[str, object]:
        view = dark_view(render_view(f"wall-{name}", spec, frame, lang, days), size)
        return {"body": [html.Div(t("wall.period", lang, days=days, start=start.isoformat(),
                                    end=end.isoformat()), className="wall-tile-period"),
                         view]}

    new, fresh = rendered("tile", [name, repr(spec), lang, size, start, end,
                                   repr(current_thresholds())], [frame], build,
                          principal=who)
    values, memo = only_changed(new, memo, fresh)
    return *values, memo, keep(shown, health([frame], source))


def _tile_message(text: str, memo: object, health: object) -> tuple:
    """A tile that shows a message instead of its view (deleted, or not drawable)."""
    values, memo = only_changed({"body": html.Div(text, className="wall-message")}, memo)
    return *values, memo, health
