"""The two lists of the Boards page — boards and saved views — as tables with one row of
actions each, and a sentence saying what a view shows.

Action buttons share one pattern-matching id shape ({"type": LIST_ACT, "kind": "board" or
"view", "id": …, "act": …}), so one callback serves every row, however many there are.
Rows carry data-board / data-view attributes with the name, for people reading the DOM and
for the browser tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from app_state.boards import BoardInfo
from components.boards.saved import ViewInfo
from components.boards.view_spec import ViewSpec
from components.filters.filter_bar import option_label
from components.filters.filter_state import FILTER_DIMENSIONS
from i18n import t

LIST_ACT = "boards-list-act"
BOARD_ACTIONS = ("rename", "duplicate", "export", "delete")
VIEW_ACTIONS = ("rename", "duplicate", "delete")


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def describe_view(spec: ViewSpec, lang: str) -> tuple[str, str]:
    """(what it shows, its own filters): "Bar · Turnover days by Region", "East · Top 10".
    On a board the board's period and filter bar apply over the view's own filters."""
    what = f"{t(f'chart.{spec.chart}', lang)} · {spec.title or spec.default_title(lang)}"
    parts = [", ".join(option_label(d, v, lang) for v in getattr(spec.filters, d))
             for d in FILTER_DIMENSIONS if getattr(spec.filters, d)]
    parts += [f"{dim}: {', '.join(values)}" for dim, values in spec.extra_where]
    if spec.top:
        parts.append(t("boards.views.top", lang, n=spec.top))
    return what, " · ".join(parts)


def _button(kind: str, ident: int, action: str, lang: str) -> dbc.Button:
    danger = action == "delete"
    return dbc.Button(t(f"boards.act.{action}", lang),
                      id={"type": LIST_ACT, "kind": kind, "id": ident, "act": action},
                      size="sm", color="danger" if danger else "secondary", outline=True,
                      className=f"list-act list-act-{action}")


def _table(head: Sequence[str], rows: list[html.Tr], empty: str) -> html.Div:
    if not rows:
        return html.Div(empty, className="list-empty")
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody(rows),
    ], className="table table-hover align-middle list-table"), className="list-table-wrap")


def boards_table(boards: Sequence[BoardInfo], lang: str) -> html.Div:
    rows = [html.Tr([
        html.Td(dcc.Link(b.name, href=f"/boards/{b.id}", className="list-name")),
        html.Td(t("boards.list.tile_one" if b.tiles == 1 else "boards.list.tiles", lang,
                  n=b.tiles), className="list-count"),
        html.Td(when(b.updated_at), className="list-when"),
        html.Td(html.Div([
            dcc.Link(t("boards.act.open", lang), href=f"/boards/{b.id}",
                     className="btn btn-sm btn-primary list-act list-act-open"),
            *(_button("board", b.id, a, lang) for a in BOARD_ACTIONS)],
            className="list-actions")),
    ], **{"data-board": b.name}) for b in boards]
    return _table([t("boards.col.name", lang), t("boards.col.tiles", lang),
                   t("boards.col.updated", lang), ""], rows, t("boards.list.none", lang))


def views_table(views: Sequence[ViewInfo], counts: dict[int, int], lang: str) -> html.Div:
    rows = []
    for v in views:
        if v.spec is None:
            shows: list[object] = [html.Div(t("boards.views.unreadable", lang),
                                            className="list-problem"),
                                   html.Div(v.problem, className="list-sub")]
            explore = html.Span()
        else:
            what, filters = describe_view(v.spec, lang)
            shows = [html.Div(what), html.Div(filters, className="list-sub") if filters
                     else None]
            explore = dcc.Link(t("boards.act.explore", lang),
                               href="/explore?" + urlencode(v.spec.to_params()),
                               className="btn btn-sm btn-outline-primary list-act "
                                         "list-act-explore")
        rows.append(html.Tr([
            html.Td(html.Span(v.name, className="list-name")),
            html.Td(shows, className="list-shows"),
            html.Td(str(counts.get(v.id, 0)), className="list-count"),
            html.Td(when(v.updated_at), className="list-when"),
            html.Td(html.Div([explore, *(_button("view", v.id, a, lang)
                                         for a in VIEW_ACTIONS)], className="list-actions")),
        ], **{"data-view": v.name}))
    return _table([t("boards.col.name", lang), t("boards.col.shows", lang),
                   t("boards.col.on_boards", lang), t("boards.col.updated", lang), ""], rows,
                  t("boards.views.none", lang))
