"""A board tile: its frame (title, menu of layout actions), its size and place in the
board's 12-column grid, and a rendered view made to fill it.

Size and order are inline styles (grid-column / grid-row span, CSS `order`), so resizing
or moving a tile restyles it without redrawing — and re-querying — any view. The tile's
body is filled by the board page's one MATCH callback; every id here is pattern-matching on
the tile's id, which stays the same however the tiles are reordered.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from app_state.boards import HEIGHTS, WIDTHS, Tile
from components.boards.view_spec import ViewSpec
from i18n import t

TILE = "board-tile"
BODY = "board-tile-body"
VIEW = "board-tile-view"  # a store holding the tile's view id (None: the view was deleted)
ACT = "board-tile-act"
WIDTH_STEPS = (3, 4, 6, 8, 9, 12)  # quarter, third, half, two thirds, three quarters, full


def tile_id(kind: str, ident: int) -> dict[str, object]:
    return {"type": kind, "tile": ident}


def act_id(ident: int, action: str) -> dict[str, object]:
    return {"type": ACT, "tile": ident, "act": action}


def explore_href(spec: ViewSpec) -> str:
    """The Explore page showing this view (its URL form), to change it or look closer."""
    return "/explore?" + urlencode(spec.to_params())


def stepped_width(width: int, step: int) -> int:
    """The next width of WIDTH_STEPS up (step > 0) or down; the same at the limits."""
    if step > 0:
        return next((w for w in WIDTH_STEPS if w > width), WIDTHS[1])
    return next((w for w in reversed(WIDTH_STEPS) if w < width), WIDTHS[0])


def resized(tile: Tile, action: str) -> tuple[int, int]:
    """(width, height) after a wider/narrower/taller/shorter action."""
    width = stepped_width(tile.width, {"wider": 1, "narrower": -1}.get(action, 0)) \
        if action in ("wider", "narrower") else tile.width
    height = tile.height + {"taller": 1, "shorter": -1}.get(action, 0)
    return width, max(HEIGHTS[0], min(HEIGHTS[1], height))


def action_disabled(tile: Tile | None, action: str, last: int) -> bool:
    """Whether an action cannot apply (at a limit; or the tile is gone)."""
    if tile is None:
        return True
    return {"wider": tile.width >= WIDTHS[1], "narrower": tile.width <= WIDTHS[0],
            "taller": tile.height >= HEIGHTS[1], "shorter": tile.height <= HEIGHTS[0],
            "up": tile.position == 0, "down": tile.position >= last}.get(action, False)


def tile_style(tile: Tile | None) -> dict[str, object]:
    """Its span of the grid and its place; a removed tile is hidden (its component stays
    until the page is rebuilt, harmlessly)."""
    if tile is None:
        return {"display": "none"}
    return {"gridColumn": f"span {tile.width}", "gridRow": f"span {tile.height}",
            "order": tile.position}


def _menu(tile: Tile, last: int, href: str | None, lang: str) -> dbc.DropdownMenu:
    def item(action: str) -> dbc.DropdownMenuItem:
        return dbc.DropdownMenuItem(t(f"boards.tile.{action}", lang), id=act_id(tile.id, action),
                                    disabled=action_disabled(tile, action, last),
                                    className=f"tile-act tile-act-{action}")

    items = [dbc.DropdownMenuItem(t("boards.tile.size", lang), header=True),
             item("wider"), item("narrower"), item("taller"), item("shorter"),
             dbc.DropdownMenuItem(divider=True), item("up"), item("down"),
             dbc.DropdownMenuItem(divider=True)]
    if href:
        items.append(dbc.DropdownMenuItem(t("boards.tile.explore", lang), href=href,
                                          className="tile-act-explore"))
    items.append(item("remove"))
    return dbc.DropdownMenu(items, label="⋯", size="sm", color="light", align_end=True,
                            className="tile-menu", toggle_class_name="tile-menu-toggle")


def tile_frame(tile: Tile, spec: ViewSpec | None, last: int, lang: str) -> html.Div:
    """The tile as first drawn: title, hint (what the view shows), menu, and the body the
    MATCH callback fills."""
    title = tile.view_name or t("boards.tile.deleted_title", lang)
    hint = spec.title or spec.default_title(lang) if spec is not None else ""
    href = explore_href(spec) if spec is not None else None
    head = html.Div([
        html.Div([html.H3(title, className="tile-title", title=title),
                  html.Div(hint, className="tile-hint", title=hint)
                  if hint and hint.casefold() != title.casefold()
                  else None], className="tile-titles"),
        html.A("↗", href=href, className="tile-explore", title=t("boards.tile.explore", lang),
               **{"aria-label": t("boards.tile.explore", lang)}) if href else None,
        _menu(tile, last, href, lang),
    ], className="tile-head")
    return html.Div([
        head,
        dcc.Store(id=tile_id(VIEW, tile.id), data=tile.view_id),
        dcc.Loading(html.Div(id=tile_id(BODY, tile.id), className="tile-body"),
                    delay_show=250, color="#2f6fde", parent_className="tile-loading",
                    overlay_style={"visibility": "visible", "opacity": 0.55}),
    ], id=tile_id(TILE, tile.id), className="board-tile", style=tile_style(tile),
        **{"data-tile": str(tile.id)})


def tile_message(text: str, kind: str = "info") -> html.Div:
    """What a tile shows instead of a view: deleted view, failed query, nothing to show."""
    return html.Div(text, className=f"tile-message tile-message-{kind}", role="status")


def walk_components(component: object) -> Iterator[object]:
    """A component and every component below it (through `children`), depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from walk_components(child)


def fit_to_tile(component: object) -> object:
    """Make a rendered view fill the tile's body: charts follow the tile's size (responsive,
    so a resize needs no redraw), large tables scroll inside it instead of their fixed
    520 px."""
    for part in walk_components(component):
        if isinstance(part, dcc.Graph):
            part.responsive = True
            part.style = {"height": "100%", "minHeight": 0}
            part.className = "tile-graph"
            part.config = {**(getattr(part, "config", None) or {}), "displayModeBar": False}
            figure = getattr(part, "figure", None)
            if figure is not None and hasattr(figure, "update_layout"):
                figure.update_layout(height=None, autosize=True)
        elif isinstance(part, dag.AgGrid) and (getattr(part, "style", None) or {}).get("height"):
            part.style = {"height": "100%"}
    if isinstance(component, html.Div) and not getattr(component, "className", None):
        component.className = "tile-view"
    return component
