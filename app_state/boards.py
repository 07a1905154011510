"""Boards in the app-state database: a name, a filter bar that applies to every tile, and
tiles — saved views in order, each with a width (3–12 of 12 grid columns) and a height
(1–3 rows of ~340 px).

The filters are plain data: the filter bar's stored form (BoardFilters.to_store() of
components/filters/filter_state.py), kept and returned as a dict; {} when none were given.
Reading them as BoardFilters, and a board file's format (export, strict import), belong to
components/boards/ (saved.py, board_file.py): app_state/ imports no UI code.

Tiles have their own id, so the same view can sit on a board twice and a page's buttons
address one tile even while another tab reorders them. Positions are kept dense (0, 1, 2 …)
by every change. A tile whose view was deleted stays with view_id NULL (see
app_state/views.py); export leaves such tiles out, since there is nothing to carry.

Every write runs in one transaction that starts by bumping the "boards" change counter,
which makes it the writer before it reads (see app_state/views.py), so two processes that
move tiles at once cannot interleave their reads and writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state import views as saved_views
from app_state.db import bump_version, metadata, read_version, state_engine
from app_state.dialect import NEVER_REUSED_IDS, name_type
from app_state.records import (
    InvalidName,
    NotFound,
    as_utc,
    clean_name,
    free_name,
    name_taken,
    now,
)

AREA = "boards"
WHAT = "board"
WIDTHS = (3, 12)  # grid columns of a tile, of 12
HEIGHTS = (1, 3)  # rows of ~340 px
MAX_TILES = 48

boards = Table(
    "boards", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", name_type(), nullable=False, unique=True),
    Column("filters", Text, nullable=False),  # the filters dict as JSON text
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    **NEVER_REUSED_IDS,  # /boards/<id> of a deleted board never opens another
)

board_tiles = Table(
    "board_tiles", metadata,
    Column("id", Integer, primary_key=True),
    Column("board_id", Integer, ForeignKey("boards.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("view_id", Integer, ForeignKey("views.id", ondelete="SET NULL"), nullable=True),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    CheckConstraint(f"width BETWEEN {WIDTHS[0]} AND {WIDTHS[1]}", name="tile_width"),
    CheckConstraint(f"height BETWEEN {HEIGHTS[0]} AND {HEIGHTS[1]}", name="tile_height"),
    **NEVER_REUSED_IDS,
)
Index("board_tiles_by_board", board_tiles.c.board_id, board_tiles.c.position)
Index("board_tiles_by_view", board_tiles.c.view_id)


class Tile(NamedTuple):
    id: int
    position: int
    view_id: int | None  # None: its view was deleted
    view_name: str | None
    width: int
    height: int


class Board(NamedTuple):
    name: str
    filters: dict[str, Any]  # as stored (BoardFilters.to_store()); {} when none were given
    tiles: tuple[Tile, ...]


class NewTile(NamedTuple):
    """A tile of an imported board: its size and its view, which is created with it."""

    width: int
    height: int
    view_name: str
    spec: Mapping[str, Any]  # the view's JSON form


@dataclass(frozen=True)
class BoardInfo:
    """A row of the list of boards."""

    id: int
    name: str
    tiles: int
    created_at: datetime
    updated_at: datetime


@contextmanager
def writing() -> Iterator[Connection]:
    """A write transaction on boards, counted once, begun by the count."""
    with state_engine().begin() as conn:
        bump_version(conn, AREA)
        yield conn


def boards_version() -> int:
    """The change counter of boards (moves on every change of a board or its tiles)."""
    with state_engine().connect() as conn:
        return read_version(conn, AREA)


def _filters_text(filters: Mapping[str, Any]) -> str:
    if not isinstance(filters, Mapping):
        raise TypeError(f"a board's filters are stored as their JSON form (a dict), "
                        f"not {filters!r}")
    return json.dumps(dict(filters), sort_keys=True)


def _checked(value: int, limits: tuple[int, int], field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not limits[0] <= value <= limits[1]:
        raise ValueError(f"tile {field} must be a whole number from {limits[0]} to "
                         f"{limits[1]}, not {value!r}")
    return value


def _board_row(conn: Connection, board_id: int):
    row = conn.execute(select(boards).where(boards.c.id == board_id)).first()
    if row is None:
        raise NotFound(WHAT, board_id)
    return row


def _tile_row(conn: Connection, tile_id: int):
    row = conn.execute(select(board_tiles).where(board_tiles.c.id == tile_id)).first()
    if row is None:
        raise NotFound("tile", tile_id)
    return row


def _touch(conn: Connection, board_id: int) -> None:
    conn.execute(update(boards).where(boards.c.id == board_id).values(updated_at=now()))


def _insert_board(conn: Connection, name: str, filters: Mapping[str, Any]) -> int:
    moment = now()
    try:
        result = conn.execute(insert(boards).values(
            name=name, filters=_filters_text(filters), created_at=moment, updated_at=moment))
    except IntegrityError as exc:  # taken by another process meanwhile
        raise InvalidName(WHAT, "taken", name) from exc
    return int(result.inserted_primary_key[0])


def _tile_count(conn: Connection, board_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(board_tiles)
                            .where(board_tiles.c.board_id == board_id)).scalar_one())


def _append_tile(conn: Connection, board_id: int, view_id: int, width: int,
                 height: int) -> int:
    count = _tile_count(conn, board_id)
    if count >= MAX_TILES:
        raise ValueError(f"a board holds at most {MAX_TILES} tiles")
    result = conn.execute(insert(board_tiles).values(
        board_id=board_id, position=count, view_id=view_id, width=width, height=height))
    return int(result.inserted_primary_key[0])


def _renumber(conn: Connection, board_id: int) -> None:
    """Positions back to 0, 1, 2 … in their current order."""
    ids = conn.execute(select(board_tiles.c.id).where(board_tiles.c.board_id == board_id)
                       .order_by(board_tiles.c.position, board_tiles.c.id)).scalars().all()
    for position, tile_id in enumerate(ids):
        conn.execute(update(board_tiles).where(board_tiles.c.id == tile_id)
                     .values(position=position))


# ---- boards ----------------------------------------------------------------------------
def create_board(name: str, filters: Mapping[str, Any] | None = None) -> int:
    """A new, empty board; its id. InvalidName when the name is empty, too long or taken."""
    name = clean_name(WHAT, name)
    with writing() as conn:
        if name_taken(conn, boards.c.name, name):
            raise InvalidName(WHAT, "taken", name)
        return _insert_board(conn, name, {} if filters is None else filters)


def list_boards() -> list[BoardInfo]:
    """Every board by name, with its number of tiles."""
    count = (select(func.count()).select_from(board_tiles)
             .where(board_tiles.c.board_id == boards.c.id).scalar_subquery())
    with state_engine().connect() as conn:
        rows = conn.execute(select(boards.c.id, boards.c.name, count.label("tiles"),
                                   boards.c.created_at, boards.c.updated_at)
                            .order_by(func.lower(boards.c.name))).all()
    return [BoardInfo(r.id, r.name, int(r.tiles), as_utc(r.created_at), as_utc(r.updated_at))
            for r in rows]


def _read_board(conn: Connection, board_id: int) -> Board:
    row = _board_row(conn, board_id)
    tiles = conn.execute(
        select(board_tiles, saved_views.views.c.name.label("view_name"))
        .select_from(board_tiles.outerjoin(saved_views.views,
                                           board_tiles.c.view_id == saved_views.views.c.id))
        .where(board_tiles.c.board_id == board_id)
        .order_by(board_tiles.c.position, board_tiles.c.id)).all()
    return Board(row.name, json.loads(row.filters),
                 tuple(Tile(t.id, t.position, t.view_id, t.view_name, t.width, t.height)
                       for t in tiles))


def get_board(board_id: int) -> Board:
    """(name, filters, tiles in order). NotFound when there is no such board."""
    with state_engine().connect() as conn:
        return _read_board(conn, board_id)


def rename_board(board_id: int, name: str) -> str:
    """Rename; the stored name. InvalidName when empty, too long or another board's."""
    name = clean_name(WHAT, name)
    with writing() as conn:
        _board_row(conn, board_id)
        if name_taken(conn, boards.c.name, name, (boards.c.id, board_id)):
            raise InvalidName(WHAT, "taken", name)
        conn.execute(update(boards).where(boards.c.id == board_id)
                     .values(name=name, updated_at=now()))
    return name


def duplicate_board(board_id: int) -> int:
    """A copy "X (copy)", "X (copy 2)" … with the same filters and tiles (showing the same
    saved views, not copies of them); its id."""
    with writing() as conn:
        row = _board_row(conn, board_id)
        new_id = _insert_board(conn, free_name(conn, boards.c.name, row.name, "copy"),
                               json.loads(row.filters))
        for tile in _read_board(conn, board_id).tiles:
            conn.execute(insert(board_tiles).values(
                board_id=new_id, position=tile.position, view_id=tile.view_id,
                width=tile.width, height=tile.height))
        return new_id


def delete_board(board_id: int) -> None:
    """Delete a board and its tiles (its saved views stay). NotFound when there is none."""
    with writing() as conn:
        _board_row(conn, board_id)
        conn.execute(delete(board_tiles).where(board_tiles.c.board_id == board_id))
        conn.execute(delete(boards).where(boards.c.id == board_id))


def set_filters(board_id: int, filters: Mapping[str, Any]) -> None:
    """The board's default filters: what it opens with when the link sets none."""
    with writing() as conn:
        _board_row(conn, board_id)
        conn.execute(update(boards).where(boards.c.id == board_id)
                     .values(filters=_filters_text(filters), updated_at=now()))


# ---- tiles ---------------------------------------------------------------------------------
def add_tile(board_id: int, view_id: int, width: int = 6, height: int = 1) -> int:
    """Append a tile showing a saved view; its id. NotFound for a missing board or view,
    ValueError for a size outside the limits or a full board."""
    width, height = _checked(width, WIDTHS, "width"), _checked(height, HEIGHTS, "height")
    with writing() as conn:
        _board_row(conn, board_id)
        if conn.execute(select(saved_views.views.c.id)
                        .where(saved_views.views.c.id == view_id)).first() is None:
            raise NotFound(saved_views.WHAT, view_id)
        tile_id = _append_tile(conn, board_id, view_id, width, height)
        _touch(conn, board_id)
        return tile_id


def remove_tile(tile_id: int) -> None:
    """Take a tile off its board (the view stays saved). NotFound when already gone."""
    with writing() as conn:
        tile = _tile_row(conn, tile_id)
        conn.execute(delete(board_tiles).where(board_tiles.c.id == tile_id))
        _renumber(conn, tile.board_id)
        _touch(conn, tile.board_id)


def move_tile(tile_id: int, step: int) -> bool:
    """Move a tile up (step < 0) or down (step > 0) by one place; False when it is
    already first or last (nothing changes then)."""
    with writing() as conn:
        tile = _tile_row(conn, tile_id)
        target = tile.position + (1 if step > 0 else -1)
        other = conn.execute(select(board_tiles.c.id).where(
            board_tiles.c.board_id == tile.board_id,
            board_tiles.c.position == target)).scalar()
        if step == 0 or other is None:
            return False
        conn.execute(update(board_tiles).where(board_tiles.c.id == other)
                     .values(position=tile.position))
        conn.execute(update(board_tiles).where(board_tiles.c.id == tile_id)
                     .values(position=target))
        _touch(conn, tile.board_id)
        return True


def resize_tile(tile_id: int, width: int | None = None,
                height: int | None = None) -> tuple[int, int]:
    """Set a tile's width (3–12 grid columns) and/or height (1–3 rows); the new size.
    ValueError naming the field for a size outside the limits (nothing changes then)."""
    if width is not None:
        _checked(width, WIDTHS, "width")
    if height is not None:
        _checked(height, HEIGHTS, "height")
    with writing() as conn:
        tile = _tile_row(conn, tile_id)
        size = (tile.width if width is None else width, tile.height if height is None
                else height)
        conn.execute(update(board_tiles).where(board_tiles.c.id == tile_id)
                     .values(width=size[0], height=size[1]))
        _touch(conn, tile.board_id)
        return size


def count_tiles_of_view(conn: Connection, view_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(board_tiles)
                            .where(board_tiles.c.view_id == view_id)).scalar_one())


def boards_using_view(view_id: int) -> list[str]:
    """Names of the boards with a tile showing this view (to warn before deleting it)."""
    with state_engine().connect() as conn:
        return list(conn.execute(
            select(boards.c.name)
            .select_from(boards.join(board_tiles, board_tiles.c.board_id == boards.c.id))
            .where(board_tiles.c.view_id == view_id)
            .group_by(boards.c.name)  # DISTINCT could not be ordered by lower(name)
            .order_by(func.lower(boards.c.name))).scalars())


def view_board_counts() -> dict[int, int]:
    """{view id: number of boards showing it} for the list of saved views."""
    with state_engine().connect() as conn:
        rows = conn.execute(select(board_tiles.c.view_id,
                                   func.count(board_tiles.c.board_id.distinct()))
                            .where(board_tiles.c.view_id.is_not(None))
                            .group_by(board_tiles.c.view_id)).all()
    return {int(view_id): int(n) for view_id, n in rows}


# ---- import ------------------------------------------------------------------------------
def insert_imported(name: str, filters: Mapping[str, Any], tiles: Sequence[NewTile]) -> int:
    """Store a board read from a board file (components/boards/board_file.py checks the
    file first); its id. In one transaction, each distinct (view name, spec) gets a new
    saved view; " (imported)" is added to a name already in use, likewise the board's.
    ValueError for a tile size outside the limits or too many tiles (nothing is stored)."""
    name = clean_name(WHAT, name)
    for tile in tiles:
        _checked(tile.width, WIDTHS, "width")
        _checked(tile.height, HEIGHTS, "height")
    with writing() as conn:
        bump_version(conn, saved_views.AREA)
        board_id = _insert_board(conn, free_name(conn, boards.c.name, name, "imported"),
                                 filters)
        created: dict[tuple[str, str], int] = {}
        for tile in tiles:
            key = (tile.view_name, saved_views.spec_text(tile.spec))
            if key not in created:
                view_name = free_name(conn, saved_views.views.c.name, tile.view_name,
                                      "imported")
                created[key] = saved_views.insert_view(conn, view_name, tile.spec)
            _append_tile(conn, board_id, created[key], tile.width, tile.height)
        return board_id
