"""The wall's skeleton: header (site, board, data date, stale notice, clock), the rotating
panels and the alert ticker — drawn once; refreshes only fill in the parts.

Panels are stacked on top of one another and the active one is faded in by a CSS class
(set clientside), so every panel always has its real size: a chart drawn in a hidden
panel is the right size when its turn comes, and rotation never waits for the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dash import dcc, html

from components.wall.wall_params import Note
from i18n import t


@dataclass(frozen=True)
class Panel:
    key: str  # "kpis", "trend", "tile-<id>"
    title: str
    body: object


def part_id(kind: str, part: str) -> dict[str, str]:
    """Pattern ids of a part's stores ("wall-memo", "wall-health") and of tile panels."""
    return {"type": kind, "part": part}


def part_stores(part: str) -> list[dcc.Store]:
    """A part's memo (fingerprints of what it shows) and health (is it current?)."""
    return [dcc.Store(id=part_id("wall-memo", part), data={}),
            dcc.Store(id=part_id("wall-health", part), data=None)]


def note_text(note: Note, lang: str) -> str:
    used = note.used if note.used is not None else t("wall.note.default", lang)
    return t(f"wall.note.{note.kind}", lang, param=note.param, value=note.value, used=used)


def header(lang: str, site: object, board_name: str | None, notes: str) -> html.Header:
    """`site` and `notes` as the URL gives them; the first refresh completes them (a
    location's name, a scope the data does not know)."""
    return html.Header([
        html.Div([
            html.Div(site, id="wall-site", className="wall-site"),
            html.Div(board_name or "", className="wall-board", hidden=not board_name),
        ], className="wall-head-left"),
        html.Div([
            html.Div(t("wall.waiting", lang), id="wall-asof", className="wall-asof"),
            html.Div([html.Span(id="wall-stale-text"), html.Span(id="wall-stale-why",
                                                                 className="wall-stale-why")],
                     id="wall-stale", className="wall-stale", role="status"),
            html.Div(notes, id="wall-notes", className="wall-notes"),
        ], className="wall-head-mid"),
        html.Div([html.Div(id="wall-clock", className="wall-clock"),
                  html.Div(id="wall-date", className="wall-date")],
                 className="wall-head-right"),
    ], className="wall-head")


def panels(items: Sequence[Panel], rotating: bool) -> html.Main:
    """The panels, the first one showing, and one dot per panel (the rotation's place,
    shown while panels rotate)."""
    boxes = [html.Section([
        html.Div([html.H2(p.title, className="wall-panel-title"),
                  html.Span(id=f"wall-panel-sub-{p.key}", className="wall-panel-sub")],
                 className="wall-panel-head"),
        html.Div(p.body, className="wall-panel-body"),
    ], id={"type": "wall-panel", "i": i}, className="wall-panel" + (" is-active" if i == 0
                                                                     else ""),
        **{"data-panel": p.key}) for i, p in enumerate(items)]
    dots = [html.Span(id={"type": "wall-dot", "i": i},
                      className="wall-dot" + (" is-active" if i == 0 else ""))
            for i in range(len(items))]
    return html.Main([*boxes, html.Div(dots, className="wall-dots", hidden=not rotating)],
                     className="wall-main")


def ticker_bar(lang: str) -> html.Footer:
    return html.Footer([
        html.Div(t("wall.alerts", lang), className="wall-ticker-label"),
        html.Div(id="wall-ticker", className="wall-ticker"),
    ], className="wall-foot")
