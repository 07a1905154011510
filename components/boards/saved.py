"""Saved views and boards as the pages use them: a view's spec as a ViewSpec, a board's
filters as BoardFilters.

app_state/ stores them as plain data (the spec's JSON form, the filters' stored form) and
imports no UI code; this module is the conversion, both ways. Reading is strict for a spec
(a metric removed from the registry since the view was saved names itself: QueryError, with
the field as `view #<id>.metrics`) and forgiving for filters (BoardFilters.from_params).
Everything that needs no conversion (rename, delete, tiles, …) is called on app_state/
directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from app_state import boards as board_store
from app_state import views as view_store
from app_state.boards import Tile
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters


class SavedView(NamedTuple):
    name: str
    spec: ViewSpec


@dataclass(frozen=True)
class ViewInfo:
    """A row of the list of saved views."""

    id: int
    name: str
    spec: ViewSpec | None  # None: stored JSON that no longer reads (see `problem`)
    created_at: datetime
    updated_at: datetime
    problem: str | None = None


class Board(NamedTuple):
    name: str
    filters: BoardFilters
    tiles: tuple[Tile, ...]


# ---- views ---------------------------------------------------------------------------------
def read_spec(data: Any, view_id: int) -> ViewSpec:
    """A stored spec, strictly: QueryError naming the field (`view #3.metrics`)."""
    return ViewSpec.from_json(data, where=f"view #{view_id}")


def save_view(name: str, spec: ViewSpec) -> int:
    """Store a new view; its id. InvalidName when the name is empty, too long or taken."""
    return view_store.save_view(name, spec.to_json())


def update_view(view_id: int, spec: ViewSpec) -> None:
    """Replace what a view shows; boards showing it follow on their next draw."""
    view_store.update_view(view_id, spec.to_json())


def get_view(view_id: int) -> SavedView:
    """(name, spec). NotFound when deleted; QueryError naming the field when the stored
    spec no longer reads."""
    stored = view_store.get_view(view_id)
    return SavedView(stored.name, read_spec(stored.spec, int(view_id)))


def list_views() -> list[ViewInfo]:
    """Every saved view, by name. A view whose JSON no longer reads is listed with its
    problem (so it can still be renamed or deleted), never dropped."""
    out = []
    for info in view_store.list_views():
        spec, problem = None, info.problem
        if problem is None:
            try:
                spec = read_spec(info.spec, info.id)
            except ValueError as exc:
                problem = str(exc)
        out.append(ViewInfo(info.id, info.name, spec, info.created_at, info.updated_at,
                            problem))
    return out


# ---- boards --------------------------------------------------------------------------------
def create_board(name: str, filters: BoardFilters | None = None) -> int:
    """A new, empty board; its id. InvalidName when the name is empty, too long or taken."""
    return board_store.create_board(name, (filters or BoardFilters()).to_store())


def get_board(board_id: int) -> Board:
    """(name, filters, tiles in order). NotFound when there is no such board."""
    stored = board_store.get_board(board_id)
    return Board(stored.name, BoardFilters.from_params(stored.filters), stored.tiles)


def set_filters(board_id: int, filters: BoardFilters) -> None:
    """The board's default filters: what it opens with when the link sets none."""
    board_store.set_filters(board_id, filters.to_store())
