"""Board export and import: the file is self-contained JSON, importing it gives an equal
board with new views, and a file that does not fit stores nothing and names the field."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from app_state import db
from app_state.boards import NewTile, add_tile, insert_imported, list_boards
from app_state.views import list_views
from components.boards.board_file import InvalidBoardFile, export_board, import_board
from components.boards.saved import create_board, get_board, get_view, save_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters

FILTERS = BoardFilters(region=("East", "North"), channel=("online",)).with_custom_period(
    date(2025, 1, 1), date(2025, 6, 30))
SPECS = {
    "Revenue by region": ViewSpec(metrics=("revenue",), dims=("region",), chart="bar",
                                  sort="revenue", top=3),
    "Monthly turnover days": ViewSpec(metrics=("turnover_days",), grain="month",
                                      chart="line", extra_where=(("brand", ("Acme",)),)),
    "Sell-through heatmap": ViewSpec(metrics=("sell_through",), dims=("category", "channel"),
                                     chart="heatmap", title="Where stock sells"),
}


def _board() -> int:
    ids = {name: save_view(name, spec) for name, spec in SPECS.items()}
    board = create_board("Quarterly review", FILTERS)
    add_tile(board, ids["Revenue by region"], width=4)
    add_tile(board, ids["Monthly turnover days"], width=8, height=2)
    add_tile(board, ids["Sell-through heatmap"], width=12, height=3)
    add_tile(board, ids["Revenue by region"], width=3)  # one view, two tiles
    return board


def _content(board_id: int) -> tuple:
    """What a board shows, without ids: filters, then each tile's size and view."""
    board = get_board(board_id)
    return board.filters, [(t.width, t.height, get_view(t.view_id).spec) for t in board.tiles]


def test_the_export_is_json_and_self_contained() -> None:
    document = export_board(_board())
    assert json.loads(json.dumps(document)) == document
    assert document["format"] == "stocklens-board" and document["version"] == 1
    assert document["name"] == "Quarterly review"
    assert document["filters"] == FILTERS.to_store()
    assert [(t["width"], t["height"], t["view"]["name"]) for t in document["tiles"]] == [
        (4, 1, "Revenue by region"), (8, 2, "Monthly turnover days"),
        (12, 3, "Sell-through heatmap"), (3, 1, "Revenue by region")]
    assert document["tiles"][1]["view"]["spec"] == SPECS["Monthly turnover days"].to_json()


def test_import_next_to_the_original_gives_an_equal_board_with_new_views() -> None:
    original = _board()
    imported = import_board(json.loads(json.dumps(export_board(original))))
    assert imported != original
    assert _content(imported) == _content(original)
    board = get_board(imported)
    assert board.name == "Quarterly review (imported)"
    assert [t.view_name for t in board.tiles] == [
        "Revenue by region (imported)", "Monthly turnover days (imported)",
        "Sell-through heatmap (imported)", "Revenue by region (imported)"]
    assert board.tiles[0].view_id == board.tiles[3].view_id  # one view, as in the original
    assert not {t.view_id for t in board.tiles} & {t.view_id for t in get_board(original).tiles}
    assert len(list_views()) == 6
    again = get_board(import_board(export_board(original)))
    assert again.name == "Quarterly review (imported 2)"
    assert again.tiles[0].view_name == "Revenue by region (imported 2)"


def test_import_into_another_state_database_keeps_the_names(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    original = _board()
    document, content = export_board(original), _content(original)
    monkeypatch.setenv(db.STATE_DB_ENV, str(tmp_path / "elsewhere.sqlite"))
    assert list_boards() == []
    imported = import_board(document)
    assert get_board(imported).name == "Quarterly review"
    assert sorted(v.name for v in list_views()) == sorted(SPECS)
    assert _content(imported) == content
    assert export_board(imported) == document


def _valid() -> dict:
    spec = SPECS["Revenue by region"].to_json
    return {"format": "stocklens-board", "version": 1, "name": "B",
            "filters": {"preset": "ytd", "region": ["East"]},
            "tiles": [{"width": 6, "height": 1, "view": {"name": "V", "spec": spec()}},
                      {"width": 6, "height": 1, "view": {"name": "W", "spec": spec()}}]}


def _with(path: str, value: object) -> dict:
    """The valid document with one field set (a value of ... deletes it)."""
    data = copy.deepcopy(_valid())
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(("data", "field", "words"), [
    ([1, 2], "board", "must be a JSON object"),
    (_with("format", "something-else"), "format", "not a StockLens board file"),
    (_with("version", 2), "version", "not supported"),
    (_with("name", "  "), "name", "non-empty"),
    (_with("name", ...), "name", "is missing"),
    (_with("colour", "red"), "board", "unknown field(s) colour"),
    (_with("filters.preset", "last7"), "filters.preset", "'last7' is not one of"),
    (_with("filters.preset", "custom"), "filters.start", "not a date"),
    (_with("filters.region", "East"), "filters.region", "list of texts"),
    (_with("filters.shop", ["x"]), "filters", "unknown field(s) shop"),
    (_with("tiles", {"width": 3}), "tiles", "must be a list"),
    (_with("tiles.1.width", 20), "tiles[1].width", "20 is outside 3–12"),
    (_with("tiles.0.height", "2"), "tiles[0].height", "whole number"),
    (_with("tiles.1.view", ...), "tiles[1].view", "is missing"),
    (_with("tiles.0.view.name", ""), "tiles[0].view.name", "non-empty"),
    (_with("tiles.1.view.spec.metrics", ["revenue", "bogus"]), "tiles[1].view.spec.metrics",
     "unknown or too many"),
    (_with("tiles.0.view.spec.chart", "pie"), "tiles[0].view.spec.chart", "'pie' is not one"),
    (_with("tiles.0.view.spec.colour", 1), "tiles[0].view.spec", "unknown field(s) colour"),
    (_with("tiles.0.view.spec", "bar"), "tiles[0].view.spec", "must be an object"),
])
def test_a_file_that_does_not_fit_names_the_field_and_stores_nothing(
        data: object, field: str, words: str) -> None:
    with pytest.raises(InvalidBoardFile) as raised:
        import_board(data)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ") and words in str(raised.value)
    assert list_boards() == [] and list_views() == []


def test_the_valid_document_of_those_cases_imports() -> None:
    board = get_board(import_board(_valid()))
    assert board.filters == BoardFilters(preset="ytd", region=("East",))
    assert [t.view_name for t in board.tiles] == ["V", "W"]


def test_the_store_checks_tile_sizes_itself_and_stores_nothing_then() -> None:
    spec = SPECS["Revenue by region"].to_json()
    for width, height, field in ((20, 1, "width"), (6, 0, "height"), (True, 1, "width")):
        with pytest.raises(ValueError, match=field):
            insert_imported("B", {}, [NewTile(6, 1, "V", spec),
                                      NewTile(width, height, "W", spec)])
    assert list_boards() == [] and list_views() == []
