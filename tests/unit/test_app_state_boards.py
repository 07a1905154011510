"""Boards in the app-state database: round trips, names and copies, tiles (order, size
limits, remove), delete behaviour, and a change made by another process.

app_state/boards.py stores the filters as plain data (their stored form);
components/boards/saved.py reads them as BoardFilters. The round trips go through both."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app_state import boards as store
from app_state.boards import (
    Tile,
    add_tile,
    boards_using_view,
    boards_version,
    delete_board,
    duplicate_board,
    list_boards,
    move_tile,
    remove_tile,
    rename_board,
    resize_tile,
    view_board_counts,
)
from app_state.records import InvalidName, NotFound
from app_state.views import list_views
from components.boards.board_tile import action_disabled, resized, stepped_width
from components.boards.saved import create_board, get_board, save_view, set_filters
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters

ROOT = Path(__file__).resolve().parents[2]
EAST_YTD = BoardFilters(preset="ytd", region=("East",), category=("Dairy", "Snacks"))


def _views(n: int) -> list[int]:
    return [save_view(f"View {i}", ViewSpec(metrics=("revenue",), dims=("region",)))
            for i in range(n)]


def _order(board: int) -> list[tuple[int, int]]:
    return [(t.position, t.id) for t in get_board(board).tiles]


def test_a_board_reads_back_with_its_filters_and_tiles_in_order() -> None:
    a, b = _views(2)
    board = create_board("  Weekly  ", EAST_YTD)
    first = add_tile(board, a)
    second = add_tile(board, b, width=12, height=3)
    third = add_tile(board, a, width=3, height=1)  # the same view twice is fine
    assert get_board(board) == ("Weekly", EAST_YTD, (
        Tile(first, 0, a, "View 0", 6, 1), Tile(second, 1, b, "View 1", 12, 3),
        Tile(third, 2, a, "View 0", 3, 1)))
    custom = BoardFilters().with_custom_period(date(2025, 3, 1), date(2025, 1, 1))
    set_filters(board, custom)
    assert get_board(board).filters == custom
    # app_state keeps the filters as plain data: their stored form, not BoardFilters
    assert store.get_board(board).filters == custom.to_store()
    assert store.get_board(board).tiles == get_board(board).tiles
    (info,) = list_boards()
    assert (info.id, info.name, info.tiles) == (board, "Weekly", 3)
    assert info.updated_at >= info.created_at
    assert view_board_counts() == {a: 1, b: 1}
    assert boards_using_view(a) == ["Weekly"]
    plain = store.create_board("No filters given")
    assert store.get_board(plain).filters == {}
    assert get_board(plain).filters == BoardFilters()  # the filter bar's defaults
    with pytest.raises(TypeError, match="JSON form"):
        store.set_filters(plain, EAST_YTD)  # type: ignore[arg-type]


def test_board_names_are_trimmed_unique_and_copies_counted() -> None:
    board = create_board("Stock", EAST_YTD)
    with pytest.raises(InvalidName) as raised:
        create_board("STOCK")
    assert (raised.value.what, raised.value.problem) == ("board", "taken")
    with pytest.raises(InvalidName, match="must not be empty"):
        create_board("  ")
    other = create_board("Other")
    with pytest.raises(InvalidName):
        rename_board(other, "stock")
    assert rename_board(board, " Stock review ") == "Stock review"
    (a,) = _views(1)
    add_tile(board, a, width=9, height=2)
    copy = duplicate_board(board)
    copy_2 = duplicate_board(board)
    assert [get_board(i).name for i in (copy, copy_2)] == [
        "Stock review (copy)", "Stock review (copy 2)"]
    original, copied = get_board(board), get_board(copy)
    assert copied.filters == original.filters == EAST_YTD
    assert store.get_board(copy).filters == EAST_YTD.to_store()
    assert [(t.view_id, t.width, t.height) for t in copied.tiles] == [(a, 9, 2)]
    assert copied.tiles[0].id != original.tiles[0].id  # its own tiles, the same view
    assert len(list_views()) == 1


def test_tiles_move_one_place_and_not_past_either_end() -> None:
    board = create_board("B")
    a, b, c = (add_tile(board, v) for v in _views(3))
    assert move_tile(a, -1) is False  # first already
    assert move_tile(c, +1) is False  # last already
    assert _order(board) == [(0, a), (1, b), (2, c)]
    assert move_tile(a, +1) is True
    assert _order(board) == [(0, b), (1, a), (2, c)]
    assert move_tile(c, -1) is True
    assert _order(board) == [(0, b), (1, c), (2, a)]
    remove_tile(c)
    assert _order(board) == [(0, b), (1, a)]  # positions stay dense
    with pytest.raises(NotFound):
        remove_tile(c)
    with pytest.raises(NotFound):
        move_tile(c, 1)


def test_sizes_outside_the_limits_are_refused_and_change_nothing() -> None:
    board = create_board("B")
    (view,) = _views(1)
    tile = add_tile(board, view)
    assert resize_tile(tile, width=12) == (12, 1)
    assert resize_tile(tile, height=3) == (12, 3)
    assert resize_tile(tile, width=3, height=1) == (3, 1)
    for width, height in ((2, None), (13, None), (None, 0), (None, 4), (True, None),
                          (6.5, None)):
        with pytest.raises(ValueError, match="width" if width is not None else "height"):
            resize_tile(tile, width=width, height=height)  # type: ignore[arg-type]
    assert get_board(board).tiles[0][4:] == (3, 1)
    with pytest.raises(ValueError, match="width"):
        add_tile(board, view, width=14)
    with pytest.raises(NotFound):
        add_tile(board, 9999)
    with pytest.raises(NotFound):
        add_tile(9999, view)
    assert len(get_board(board).tiles) == 1


def test_layout_steps_of_the_tile_menu_stay_within_the_limits() -> None:
    assert [stepped_width(w, +1) for w in (3, 4, 5, 6, 8, 9, 12)] == [4, 6, 6, 8, 9, 12, 12]
    assert [stepped_width(w, -1) for w in (12, 9, 8, 7, 6, 4, 3)] == [9, 8, 6, 6, 4, 3, 3]
    tile = Tile(1, 0, 1, "v", 6, 3)
    assert resized(tile, "taller") == (6, 3) and resized(tile, "shorter") == (6, 2)
    assert resized(tile, "wider") == (8, 3)
    assert action_disabled(tile, "up", last=2) and action_disabled(tile, "taller", last=2)
    assert not action_disabled(tile, "down", last=2)
    assert action_disabled(None, "remove", last=2)


def test_deleting_a_board_deletes_its_tiles_but_not_its_views() -> None:
    views = _views(2)
    board = create_board("Gone")
    kept = create_board("Kept")
    for view in views:
        add_tile(board, view)
    add_tile(kept, views[0])
    delete_board(board)
    with pytest.raises(NotFound):
        get_board(board)
    with pytest.raises(NotFound):
        delete_board(board)
    assert [b.name for b in list_boards()] == ["Kept"]
    assert len(list_views()) == 2
    assert view_board_counts() == {views[0]: 1}
    assert create_board("Next") > kept  # ids are never reused: old links never open it


def test_every_change_moves_the_counter() -> None:
    before = boards_version()
    board = create_board("B")
    (view,) = _views(1)
    tile = add_tile(board, view)
    resize_tile(tile, width=12)
    move_tile(tile, 1)
    set_filters(board, EAST_YTD)
    assert boards_version() == before + 5


def test_a_change_by_another_process_is_seen_at_once(state_db: Path) -> None:
    (view,) = _views(1)
    board = create_board("Shared")
    tile = add_tile(board, view)
    code = ("from app_state.boards import resize_tile, move_tile, add_tile, rename_board\n"
            f"resize_tile({tile}, width=12, height=2)\n"
            f"add_tile({board}, {view}, width=4)\n"
            f"rename_board({board}, 'Shared and changed')\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env={"STOCKLENS_STATE_DB": str(state_db), "PATH": "/usr/bin:/bin"})
    seen = get_board(board)
    assert seen.name == "Shared and changed"
    assert [(t.width, t.height) for t in seen.tiles] == [(12, 2), (4, 1)]
