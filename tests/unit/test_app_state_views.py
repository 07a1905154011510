"""Saved views in the app-state database: round trips, names (trimmed, unique regardless
of case, copies), deleting a view that tiles show, unreadable stored specs, and the change
counter that makes a save in another process visible.

app_state/views.py stores a spec as plain data (its JSON form); components/boards/saved.py
reads it as a ViewSpec. The round trips go through both, and check the stored form too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from app_state import db
from app_state import views as store
from app_state.boards import add_tile, create_board, get_board
from app_state.records import MAX_NAME, InvalidName, NotFound
from app_state.views import (
    delete_view,
    duplicate_view,
    rename_view,
    views,
    views_version,
)
from components.boards.board_file import export_board
from components.boards.saved import get_view, list_views, save_view, update_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from metrics.errors import QueryError

ROOT = Path(__file__).resolve().parents[2]
BY_REGION = ViewSpec(metrics=("revenue", "gross_margin"), dims=("region",), chart="table",
                     filters=BoardFilters(preset="ytd", channel=("online",)),
                     extra_where=(("brand", ("Acme",)),), sort="revenue", top=5,
                     title="Top regions")
MONTHLY = ViewSpec(metrics=("turnover_days",), grain="month", chart="line")


def test_a_saved_view_reads_back_equal_and_is_listed_by_name() -> None:
    first = save_view("  Revenue by region ", BY_REGION)
    second = save_view("monthly turnover", MONTHLY)
    assert get_view(first) == ("Revenue by region", BY_REGION)  # trimmed
    name, spec = get_view(second)
    assert (name, spec) == ("monthly turnover", MONTHLY)
    listed = list_views()
    assert [(v.id, v.name, v.spec) for v in listed] == [
        (second, "monthly turnover", MONTHLY), (first, "Revenue by region", BY_REGION)]
    assert all(v.problem is None and v.created_at.tzinfo for v in listed)
    # app_state keeps the spec as plain data: its JSON form, not a ViewSpec
    assert store.get_view(first) == ("Revenue by region", BY_REGION.to_json())
    assert [(v.id, v.spec) for v in store.list_views()] == [
        (second, MONTHLY.to_json()), (first, BY_REGION.to_json())]
    assert store.save_view("Plain", {"metrics": ["revenue"]}) > second
    with pytest.raises(TypeError, match="JSON form"):
        store.save_view("Typed", MONTHLY)  # type: ignore[arg-type]


def test_update_and_rename_change_the_stored_view() -> None:
    ident = save_view("View", MONTHLY)
    update_view(ident, BY_REGION)
    assert get_view(ident).spec == BY_REGION
    assert rename_view(ident, "  Better name  ") == "Better name"
    assert rename_view(ident, "BETTER NAME") == "BETTER NAME"  # its own name, other case
    assert get_view(ident) == ("BETTER NAME", BY_REGION)
    with pytest.raises(NotFound):
        update_view(ident + 100, MONTHLY)
    with pytest.raises(NotFound):
        rename_view(ident + 100, "x")


@pytest.mark.parametrize(("name", "problem"), [
    ("", "empty"), ("   ", "empty"), (None, "empty"), ("x" * (MAX_NAME + 1), "too_long"),
    ("stock BY region", "taken"),  # names are unique regardless of case
])
def test_names_that_cannot_be_stored_say_why(name: str | None, problem: str) -> None:
    save_view("Stock by region", MONTHLY)
    with pytest.raises(InvalidName) as raised:
        save_view(name, MONTHLY)  # type: ignore[arg-type]
    assert raised.value.problem == problem and raised.value.what == "view"
    assert len(list_views()) == 1


def test_renaming_to_another_views_name_is_refused() -> None:
    save_view("A", MONTHLY)
    b = save_view("B", MONTHLY)
    with pytest.raises(InvalidName, match="already a view named 'a'"):
        rename_view(b, "a")
    assert get_view(b).name == "B"
    assert save_view("x" * MAX_NAME, MONTHLY)  # exactly the limit is fine


def test_copies_are_named_copy_then_copy_2_and_keep_the_spec() -> None:
    original = save_view("Stock", BY_REGION)
    first = duplicate_view(original)
    second = duplicate_view(original)
    third = duplicate_view(first)  # a copy of a copy counts on, no "(copy) (copy)"
    assert [get_view(i).name for i in (first, second, third)] == [
        "Stock (copy)", "Stock (copy 2)", "Stock (copy 3)"]
    assert get_view(third).spec == BY_REGION
    long = save_view("y" * MAX_NAME, MONTHLY)
    assert get_view(duplicate_view(long)).name == "y" * (MAX_NAME - 7) + " (copy)"
    with pytest.raises(NotFound):
        duplicate_view(9999)


def test_deleting_a_view_leaves_its_tiles_saying_so() -> None:
    shown = save_view("Shown", MONTHLY)
    kept = save_view("Kept", BY_REGION)
    board = create_board("Board")
    add_tile(board, shown)
    add_tile(board, kept)
    add_tile(board, shown, width=12)
    assert delete_view(shown) == 2  # two tiles showed it
    tiles = get_board(board).tiles
    assert [(t.view_id, t.view_name, t.width) for t in tiles] == [
        (None, None, 6), (kept, "Kept", 6), (None, None, 12)]
    with pytest.raises(NotFound):
        get_view(shown)
    assert [t["view"]["name"] for t in export_board(board)["tiles"]] == ["Kept"]
    assert delete_view(kept) == 1
    with pytest.raises(NotFound):
        delete_view(kept)


def test_a_stored_spec_that_no_longer_reads_names_its_field() -> None:
    ident = save_view("Old", MONTHLY)
    with db.state_engine().begin() as conn:  # e.g. a metric removed since it was saved
        conn.execute(update(views).where(views.c.id == ident)
                     .values(spec='{"metrics": ["no_such_metric"]}'))
        db.bump_version(conn, "views")
    with pytest.raises(QueryError) as raised:
        get_view(ident)
    assert raised.value.field == f"view #{ident}.metrics"
    (listed,) = list_views()  # still listed, so it can be renamed or deleted
    assert listed.spec is None and "no_such_metric" in listed.problem
    # the store itself still reads it (as data): renaming and deleting need no ViewSpec
    assert store.get_view(ident) == ("Old", {"metrics": ["no_such_metric"]})
    assert delete_view(ident) == 0


def test_a_stored_spec_that_is_not_json_is_listed_with_its_problem() -> None:
    ident = save_view("Garbled", MONTHLY)
    with db.state_engine().begin() as conn:  # e.g. the database edited by hand
        conn.execute(update(views).where(views.c.id == ident).values(spec="{not json"))
        db.bump_version(conn, "views")
    with pytest.raises(ValueError):
        get_view(ident)
    (stored,) = store.list_views()
    assert stored.spec is None and stored.problem
    (listed,) = list_views()
    assert (listed.id, listed.spec, listed.problem) == (ident, None, stored.problem)
    assert delete_view(ident) == 0


def test_every_change_moves_the_counter() -> None:
    assert views_version() == 0
    ident = save_view("V", MONTHLY)
    rename_view(ident, "W")
    update_view(ident, BY_REGION)
    duplicate_view(ident)
    delete_view(ident)
    assert views_version() == 5
    with pytest.raises(InvalidName):
        save_view("W (copy)", MONTHLY)
    assert views_version() == 5  # a refused save changes nothing, the counter included


def test_a_view_saved_by_another_process_is_seen_by_the_next_read(state_db: Path) -> None:
    mine = save_view("Mine", MONTHLY)
    assert get_view(mine).name == "Mine"  # this process now holds the views in memory
    code = ("from app_state.views import rename_view\n"
            "from components.boards.saved import save_view\n"
            "from components.boards.view_spec import ViewSpec\n"
            f"rename_view({mine}, 'Renamed elsewhere')\n"
            "print(save_view('Theirs', ViewSpec(metrics=('revenue',), dims=('channel',))))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                          capture_output=True, text=True,
                          env={"STOCKLENS_STATE_DB": str(state_db), "PATH": "/usr/bin:/bin"})
    theirs = int(done.stdout.strip())
    assert get_view(mine).name == "Renamed elsewhere"
    assert get_view(theirs) == ("Theirs", ViewSpec(metrics=("revenue",), dims=("channel",)))
