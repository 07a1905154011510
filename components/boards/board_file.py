"""The exported form of a board: one self-contained JSON document (the board, its filters
and, for each tile, its size and its view — name and spec inline), and its strict reader.

Self-contained because the file travels to another StockLens whose view ids mean nothing:
importing creates new views. The reader checks everything before anything is stored and
names the offending field the way the file spells it (`tiles[2].view.spec.metrics`), since
the person reading the error has the file, not our code, in front of them.

Here, above app_state/: the file speaks ViewSpec and BoardFilters, while app_state/boards.py
stores plain data (`insert_imported` takes the checked document's JSON forms).

    {"format": "stocklens-board", "version": 1, "name": "Weekly stock",
     "filters": {"preset": "last90", "start": null, "end": null,
                 "region": ["East"], "channel": [], "category": []},
     "tiles": [{"width": 6, "height": 1,
                "view": {"name": "Turnover by region", "spec": {…ViewSpec.to_json()…}}}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app_state.boards import HEIGHTS, MAX_TILES, WIDTHS, NewTile, insert_imported
from app_state.records import MAX_NAME
from components.boards.saved import get_board, get_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import FILTER_DIMENSIONS, PRESETS, BoardFilters
from metrics.errors import QueryError

FORMAT = "stocklens-board"
VERSION = 1


class InvalidBoardFile(ValueError):
    """A board file that cannot be imported; `field` is where, in the file's terms."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class TileDocument:
    width: int
    height: int
    view_name: str
    spec: ViewSpec


@dataclass(frozen=True)
class BoardDocument:
    name: str
    filters: BoardFilters
    tiles: tuple[TileDocument, ...]


def board_document(name: str, filters: BoardFilters,
                   tiles: list[tuple[int, int, str, ViewSpec]]) -> dict[str, Any]:
    """The JSON-ready export of a board; tiles as (width, height, view name, spec)."""
    return {"format": FORMAT, "version": VERSION, "name": name, "filters": filters.to_store(),
            "tiles": [{"width": w, "height": h, "view": {"name": n, "spec": s.to_json()}}
                      for w, h, n, s in tiles]}


def _object(value: Any, field: str, keys: tuple[str, ...], required: tuple[str, ...]) -> dict:
    if not isinstance(value, Mapping):
        raise InvalidBoardFile(field, "must be a JSON object")
    unknown = sorted(str(k) for k in set(value) - set(keys))
    if unknown:
        raise InvalidBoardFile(field, f"unknown field(s) {', '.join(unknown)}")
    for key in required:
        if key not in value:
            raise InvalidBoardFile(f"{field}.{key}" if field != "board" else key, "is missing")
    return dict(value)


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidBoardFile(field, "must be a non-empty text")
    if len(value.strip()) > MAX_NAME:
        raise InvalidBoardFile(field, f"has more than {MAX_NAME} characters")
    return value.strip()


def _size(value: Any, field: str, limits: tuple[int, int]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidBoardFile(field, f"must be a whole number, not {value!r}")
    if not limits[0] <= value <= limits[1]:
        raise InvalidBoardFile(field, f"{value} is outside {limits[0]}–{limits[1]}")
    return value


def _date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidBoardFile(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def read_filters(value: Any, field: str = "filters") -> BoardFilters:
    """A filter bar's saved form, strictly: the preset must be known, a custom period
    needs both dates, dimension values are lists of texts."""
    data = _object(value, field, ("preset", "start", "end", *FILTER_DIMENSIONS), ())
    preset = data.get("preset", "last90")
    if preset not in PRESETS:
        raise InvalidBoardFile(f"{field}.preset",
                               f"{preset!r} is not one of {', '.join(PRESETS)}")
    start = end = None
    if preset == "custom":
        start = _date(data.get("start"), f"{field}.start")
        end = _date(data.get("end"), f"{field}.end")
    for dim in FILTER_DIMENSIONS:
        values = data.get(dim) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InvalidBoardFile(f"{field}.{dim}", "must be a list of texts")
    filters = BoardFilters.from_params({**data, "preset": preset})
    return filters.with_custom_period(start, end) if start and end else filters


def _tile(value: Any, field: str) -> TileDocument:
    data = _object(value, field, ("width", "height", "view"), ("view",))
    view = _object(data["view"], f"{field}.view", ("name", "spec"), ("name", "spec"))
    try:
        spec = ViewSpec.from_json(view["spec"], where=f"{field}.view.spec")
    except QueryError as exc:
        where = exc.field or f"{field}.view.spec"
        text = str(exc)
        raise InvalidBoardFile(where, text[len(where):].lstrip(": ") if text.startswith(where)
                               else text) from exc
    return TileDocument(_size(data.get("width", 6), f"{field}.width", WIDTHS),
                        _size(data.get("height", 1), f"{field}.height", HEIGHTS),
                        _name(view["name"], f"{field}.view.name"), spec)


def read_board_document(value: Any) -> BoardDocument:
    """The board in an exported file, or InvalidBoardFile naming the first bad field."""
    data = _object(value, "board", ("format", "version", "name", "filters", "tiles"),
                   ("format", "name"))
    if data["format"] != FORMAT:
        raise InvalidBoardFile("format", f"{data['format']!r} is not {FORMAT!r}: "
                               "not a StockLens board file")
    if data.get("version", VERSION) != VERSION:
        raise InvalidBoardFile("version", f"{data.get('version')!r} is not supported "
                               f"(this StockLens reads version {VERSION})")
    tiles = data.get("tiles") or []
    if not isinstance(tiles, list):
        raise InvalidBoardFile("tiles", "must be a list")
    if len(tiles) > MAX_TILES:
        raise InvalidBoardFile("tiles", f"{len(tiles)} tiles; a board holds at most "
                               f"{MAX_TILES}")
    return BoardDocument(_name(data["name"], "name"),
                         read_filters(data.get("filters") or {}),
                         tuple(_tile(t, f"tiles[{i}]") for i, t in enumerate(tiles)))


# ---- export / import -----------------------------------------------------------------------
def export_board(board_id: int) -> dict[str, Any]:
    """The board as a self-contained, JSON-ready document: its name, filters and each
    tile's size with its view's name and spec inline."""
    board = get_board(board_id)
    tiles = []
    for tile in board.tiles:
        if tile.view_id is None:
            continue  # its view was deleted: nothing to carry
        view = get_view(tile.view_id)
        tiles.append((tile.width, tile.height, view.name, view.spec))
    return board_document(board.name, board.filters, tiles)


def import_board(data: Any) -> int:
    """Create a board from an exported document; its id. Everything is checked first
    (InvalidBoardFile names the field); then, in one transaction, each distinct view gets
    a new saved view (" (imported)" added to a name already in use, likewise the board's:
    app_state/boards.py `insert_imported`)."""
    document = read_board_document(data)
    return insert_imported(document.name, document.filters.to_store(),
                           [NewTile(t.width, t.height, t.view_name, t.spec.to_json())
                            for t in document.tiles])
