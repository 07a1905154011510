"""A board (看板): saved views as tiles in a 12-column grid, under one filter bar (period,
region, channel, category) that applies to every tile.

Which filters apply: the board's saved defaults, unless the link says otherwise. While the
bar differs from the defaults, the page state carries `own=1`: the link's filters are then
taken as they are, so it reopens exactly them (also "all regions" on a board whose default
is East, which the URL cannot otherwise tell from "no filter given"). A link without `own`
(/boards/3, or a hand-written /boards/3?region=West) is the defaults changed by what it
names. "Save as the board's default" stores the bar's filters; "Board's filters" reopens
the page at the defaults (the filter bar's generic reset would go to the app's defaults,
not the board's, so it is hidden here).

Tiles are drawn by one MATCH callback from the page's effective filters (a derived store
that changes only when they do). Layout changes are saved at once and only restyle tiles;
adding a tile appends it (Patch), so no other tile is redrawn.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, Patch, State, callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

import service
from app_state.boards import add_tile, move_tile, remove_tile, resize_tile
from app_state.records import NotFound
from auth.identity import current_user
from auth.permissions import EDIT_ALERTS, EDIT_BOARDS, needs
from auth.permissions import VIEW as READ
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.boards.board_tile import (
    ACT,
    BODY,
    TILE,
    VIEW,
    action_disabled,
    fit_to_tile,
    resized,
    tile_frame,
    tile_id,
    tile_message,
    tile_style,
)
from components.boards.saved import Board, get_board, get_view, list_views, set_filters
from components.boards.subscribe import save_subscription, subscribe_dialog
from components.boards.view_render import render_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import FILTER_DIMENSIONS, BoardFilters
from components.filters.page_state import filters_of, register_filter_sync, state_id, with_page
from components.kit.feedback import error_alert
from components.kit.page_frame import page_frame
from i18n import resolve_language, t

log = logging.getLogger(__name__)
P = "brd"
OWN = "own"  # page parameter: the link's filters are its own, not the board's defaults
FILTER_KEYS = ("preset", "start", "end", *FILTER_DIMENSIONS)
STORE_ERRORS = (SQLAlchemyError, OSError)


def _ident(board_id: object) -> int | None:
    text = str(board_id or "")
    return int(text) if text.isdigit() else None


def _title(board_id: str | None = None, **_: object) -> str:
    """The browser tab shows the board's name (Dash calls this with the path variables)."""
    try:
        ident = _ident(board_id)
        return f"StockLens · {get_board(ident).name}" if ident is not None else "StockLens"
    except (NotFound, *STORE_ERRORS):
        return "StockLens"


dash.register_page(__name__, path_template="/boards/<board_id>", name="board", title=_title)


def effective_filters(params: dict[str, str], defaults: BoardFilters) -> BoardFilters:
    """The filters a link opens with: its own (`own`), the defaults changed by what a
    hand-written link names, or the defaults."""
    if params.get(OWN):
        return BoardFilters.from_params(params)
    given = {k: params[k] for k in FILTER_KEYS if params.get(k)}
    return BoardFilters.from_params({**defaults.to_store(), **given}) if given else defaults


def _query(filters: BoardFilters, source: str) -> dict[str, object]:
    """What every tile is drawn from; changes only when the effective filters do."""
    return {"filters": filters.to_store(), "source": source}


def _spec(view_id: int | None) -> ViewSpec | None:
    try:
        return get_view(view_id).spec if view_id is not None else None
    except (NotFound, ValueError):
        return None  # the tile's body says why


def _message_page(lang: str, title: str, text: str) -> html.Div:
    return page_frame(lang, html.Div([
        html.H1(title, className="page-title"), html.P(text, className="page-subtitle"),
        dcc.Link(t("boards.board.back", lang), href="/boards", className="btn btn-primary"),
    ], className="board-missing"))


def _head_tools(ident: int, own: bool, lang: str) -> html.Div:
    return html.Div([
        dbc.Button(t("boards.board.add", lang), id=f"{P}-add-open", size="sm", color="primary"),
        dbc.Button(t("subscribe.open", lang), id=f"{P}-sub-open", size="sm",
                   color="secondary", outline=True),
        dbc.Button(t("boards.board.save_defaults", lang), id=f"{P}-save-defaults", size="sm",
                   color="secondary", outline=True, disabled=not own,
                   title=t("boards.board.save_defaults_hint", lang)),
        html.Span(dcc.Link(t("boards.board.use_defaults", lang), href=f"/boards/{ident}",
                           className="btn btn-sm btn-link"), id=f"{P}-defaults-link",
                  hidden=not own),
        dcc.Link(t("boards.board.back", lang), href="/boards", className="btn btn-sm btn-link"),
    ], className="board-tools")


def view_options(lang: str) -> list[dict[str, object]]:
    """The saved views a tile can show (a view whose spec no longer reads is disabled)."""
    return [{"label": v.name if v.spec else f"{v.name} — {t('boards.views.unreadable', lang)}",
             "value": v.id, "disabled": v.spec is None} for v in list_views()]


def _add_panel(lang: str, is_open: bool) -> dbc.Collapse:
    return dbc.Collapse(html.Div([
        html.Label(t("boards.add.label", lang), className="filter-label",
                   htmlFor=f"{P}-add-view"),
        html.Div([
            dcc.Dropdown(id=f"{P}-add-view", options=view_options(lang), clearable=False,
                         placeholder=t("boards.add.choose_view", lang),
                         className="board-add-picker"),
            dbc.Button(t("boards.add.confirm", lang), id=f"{P}-add-confirm", color="primary"),
            dcc.Link(t("boards.add.explore", lang), href="/explore",
                     className="btn btn-link"),
        ], className="board-add-row"),
        html.Div(id=f"{P}-add-feedback", className="board-add-feedback", role="status"),
    ], className="board-add"), id=f"{P}-add", is_open=is_open)


def _own_name() -> str | None:
    """The signed-in account's name (a subscription goes to her); None in demo mode."""
    user = current_user()
    return user.name if user is not None and user.user_id is not None else None


def _empty_hint(lang: str) -> html.Div:
    return html.Div([
        html.Div("▦", className="board-empty-mark"),
        html.H2(t("boards.board.empty_title", lang), className="board-empty-title"),
        html.P(t("boards.board.empty_text", lang)),
        dcc.Link(t("boards.board.empty_explore", lang), href="/explore",
                 className="btn btn-outline-primary btn-sm"),
    ], className="board-empty")


def layout(board_id: str = "", **params: str) -> object:
    lang = resolve_language(params.get("lang"))
    ident = _ident(board_id)
    try:
        if not board_id:  # Dash's validation layout calls layout() bare: every id, no board
            board, ident = Board("", BoardFilters(), ()), 0
        else:
            board = get_board(ident) if ident is not None else None
    except NotFound:
        board = None
    except STORE_ERRORS as exc:
        return page_frame(lang, error_alert(exc, lang))
    if board is None:
        return _message_page(lang, t("boards.board.missing_title", lang),
                             t("boards.board.missing", lang, id=board_id))
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    filters = effective_filters(params, board.filters)
    own = filters != board.filters
    page = replace(page, filters=filters, params=filters.to_params())
    last = len(board.tiles) - 1
    tiles = [tile_frame(tile, _spec(tile.view_id), last, lang) for tile in board.tiles]
    return page.frame(html.Div([
        *page_header(P, board.name, page, {OWN: "1"} if own else {},
                     head_extra=_head_tools(ident, own, lang)),
        dcc.Store(id=f"{P}-board", data={"id": ident, "defaults": board.filters.to_store()}),
        dcc.Store(id=f"{P}-query", data=_query(filters, page.source)),
        dcc.Store(id=f"{P}-tick", data=0),
        html.Div(id=f"{P}-notice"),
        _add_panel(lang, is_open=not board.tiles),
        subscribe_dialog(P, _own_name(), lang),
        html.Div(_empty_hint(lang), id=f"{P}-empty", hidden=bool(board.tiles)),
        html.Div(tiles, id=f"{P}-grid", className="board-grid"),
    ], className="board-page"))


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Output(f"{P}-query", "data"),
    Output(f"{P}-save-defaults", "disabled"),
    Output(f"{P}-defaults-link", "hidden"),
    Input(state_id(P), "data"),
    Input(f"{P}-board", "data"),
    State(f"{P}-query", "data"),
    prevent_initial_call=True,
)
@needs(READ)
def follow_filters(state, board, query):
    """Keep `own` true to whether the bar differs from the defaults (the URL follows) and
    hand the effective filters to the tiles — only when they changed."""
    filters = filters_of(state)
    own = filters != BoardFilters.from_params(board["defaults"])
    marked = dash.no_update  # (a callback is not called again by its own output)
    if own != bool(state["page"].get(OWN)):
        marked = with_page(state, push=False, **{OWN: "1" if own else None})
    fresh = _query(filters, state["source"])
    return marked, (dash.no_update if fresh == query else fresh), not own, not own


@callback(
    Output(f"{P}-subtitle", "children"),
    Input(f"{P}-query", "data"),
    State(f"{P}-lang", "data"),
)
@needs(READ)
def show_period(query, lang):
    filters = BoardFilters.from_params(query["filters"])
    try:
        start, end = filters.period(service.data_range(request_principal(), query["source"])[1])
    except Exception:  # the tiles say what is wrong with the source
        return ""
    return t("boards.board.subtitle", lang, start=start, end=end)


def draw(ident: int, view_id: int | None, query: dict, lang: str) -> object:
    """A tile's content: its view under the board's filters, or why it cannot be shown.
    Never raises: one broken tile must not take the board down."""
    who = request_principal()
    if view_id is None:
        return tile_message(t("boards.tile.deleted", lang), "warn")
    try:
        view = get_view(view_id)
    except NotFound:
        return tile_message(t("boards.tile.deleted", lang), "warn")
    except ValueError as exc:
        return tile_message(t("boards.tile.unreadable", lang, error=str(exc)), "error")
    try:
        filters, source = BoardFilters.from_params(query["filters"]), query["source"]
        start, end = filters.period(service.data_range(who, source)[1])
        frame = service.run(who, view.spec.query(start, end, board=filters), source)
        return fit_to_tile(render_view(f"tile-{ident}", view.spec, frame, lang,
                                       (end - start).days + 1))
    except Exception as exc:  # a source down, a query refused, a chart that cannot draw
        log.warning("board tile %s (view %s) failed: %s", ident, view_id, exc)
        return tile_message(t("boards.tile.failed", lang, error=str(exc)), "error")


@callback(
    Output(tile_id(BODY, MATCH), "children"),
    Input(f"{P}-query", "data"),
    Input(tile_id(VIEW, MATCH), "data"),
    State(f"{P}-lang", "data"),
)
@needs(READ)
def draw_tile(query, view_id, lang):
    return draw(ctx.outputs_list["id"]["tile"], view_id, query, lang)


def _apply(board_id: int, ident: int, action: str) -> None:
    if action == "remove":
        remove_tile(ident)
    elif action in ("up", "down"):
        move_tile(ident, -1 if action == "up" else 1)
    else:
        tile = next((x for x in get_board(board_id).tiles if x.id == ident), None)
        if tile is None:
            raise NotFound("tile", ident)
        resize_tile(ident, *resized(tile, action))


@callback(
    Output({"type": TILE, "tile": ALL}, "style"),
    Output({"type": ACT, "tile": ALL, "act": ALL}, "disabled"),
    Output(f"{P}-empty", "hidden"),
    Output(f"{P}-notice", "children", allow_duplicate=True),
    Output({"type": VIEW, "tile": ALL}, "data"),
    Input({"type": ACT, "tile": ALL, "act": ALL}, "n_clicks"),
    Input(f"{P}-tick", "data"),
    State({"type": VIEW, "tile": ALL}, "data"),
    State(f"{P}-board", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def change_layout(_clicks, _tick, shown_views, board, lang):
    """Apply a tile's action (saved at once), then restyle every tile from the stored
    board — so the page always shows what is saved, whatever another tab did. A removed
    tile stays hidden in the page until it is rebuilt; its view is unset so that filter
    changes do not query for it."""
    trigger, notice = ctx.triggered_id, None
    try:
        if isinstance(trigger, dict) and trigger.get("type") == ACT and ctx.triggered[0]["value"]:
            _apply(board["id"], trigger["tile"], trigger["act"])
        fresh = get_board(board["id"])
    except NotFound as exc:
        if exc.what == "board":
            gone = dbc.Alert(t("boards.board.deleted_meanwhile", lang), color="warning")
            return ([{"display": "none"}] * len(ctx.outputs_list[0]),
                    [True] * len(ctx.outputs_list[1]), True, gone,
                    [None] * len(ctx.outputs_list[4]))
        fresh = get_board(board["id"])  # the tile went in another tab: show what is left
    except (ValueError, *STORE_ERRORS) as exc:
        return dash.no_update, dash.no_update, dash.no_update, error_alert(exc, lang), \
            dash.no_update
    tiles = {tile.id: tile for tile in fresh.tiles}
    shown = {o["id"]["tile"] for o in ctx.outputs_list[0]}
    if set(tiles) - shown:
        notice = dbc.Alert([t("boards.board.changed_elsewhere", lang), " ",
                            html.A(t("boards.board.reload", lang), href=f"/boards/{board['id']}",
                                   className="alert-link")], color="info")
    last = len(fresh.tiles) - 1
    styles = [tile_style(tiles.get(o["id"]["tile"])) for o in ctx.outputs_list[0]]
    disabled = [action_disabled(tiles.get(o["id"]["tile"]), o["id"]["act"], last)
                for o in ctx.outputs_list[1]]
    unset = [None if o["id"]["tile"] not in tiles and view is not None else dash.no_update
             for o, view in zip(ctx.outputs_list[4], shown_views, strict=True)]
    return styles, disabled, bool(fresh.tiles), notice, unset


@callback(
    Output(f"{P}-add", "is_open"),
    Output(f"{P}-add-view", "options"),
    Input(f"{P}-add-open", "n_clicks"),
    State(f"{P}-add", "is_open"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(READ)
def toggle_add(_clicks, is_open, lang):
    """Open the picker with the views saved up to now (also those saved in another tab)."""
    return not is_open, view_options(lang)


@callback(
    Output(f"{P}-grid", "children"),
    Output(f"{P}-tick", "data"),
    Output(f"{P}-add-feedback", "children"),
    Output(f"{P}-add-view", "value"),
    Input(f"{P}-add-confirm", "n_clicks"),
    State(f"{P}-add-view", "value"),
    State(f"{P}-board", "data"),
    State(f"{P}-tick", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def add_view_tile(_clicks, view_id, board, tick, lang):
    """Append a tile for the chosen view (saved at once); the tick restyles the others."""
    if not view_id:
        return dash.no_update, dash.no_update, t("boards.add.pick", lang), dash.no_update
    try:
        new_id = add_tile(board["id"], int(view_id))
        fresh = get_board(board["id"])
    except NotFound as exc:
        key = "boards.add.view_gone" if exc.what == "view" else "boards.board.deleted_meanwhile"
        return dash.no_update, dash.no_update, t(key, lang), None
    except (ValueError, *STORE_ERRORS) as exc:
        return dash.no_update, dash.no_update, str(exc), dash.no_update
    tile = next(x for x in fresh.tiles if x.id == new_id)
    grid = Patch()
    grid.append(tile_frame(tile, _spec(tile.view_id), len(fresh.tiles) - 1, lang))
    return grid, (tick or 0) + 1, t("boards.add.added", lang, name=tile.view_name), None


@callback(
    Output(f"{P}-board", "data"),
    Output(f"{P}-notice", "children", allow_duplicate=True),
    Input(f"{P}-save-defaults", "n_clicks"),
    State(state_id(P), "data"),
    State(f"{P}-board", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def save_defaults(_clicks, state, board, lang):
    """The bar's filters become the board's defaults; the URL drops back to /boards/<id>."""
    filters = filters_of(state)
    try:
        set_filters(board["id"], filters)
    except (NotFound, *STORE_ERRORS) as exc:
        return dash.no_update, error_alert(exc, lang)
    return {**board, "defaults": filters.to_store()}, dbc.Alert(
        t("boards.board.defaults_saved", lang), color="success", duration=4000,
        className="board-saved")


@callback(
    Output(f"{P}-sub", "is_open"),
    Output(f"{P}-sub-feedback", "children"),
    Input(f"{P}-sub-open", "n_clicks"),
    Input(f"{P}-sub-cancel", "n_clicks"),
    Input(f"{P}-sub-confirm", "n_clicks"),
    State(f"{P}-sub-when", "value"),
    State(f"{P}-sub-address", "value"),
    State(f"{P}-sub-skip", "value"),
    State(f"{P}-board", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def subscribe(_open, _cancel, _confirm, preset, address, skip, board, lang):
    """Open/close the Subscribe dialog; on confirm store the subscription."""
    trigger = ctx.triggered_id
    if trigger != f"{P}-sub-confirm":
        return trigger == f"{P}-sub-open", None
    return True, save_subscription(board["id"], preset, address, bool(skip), lang)
