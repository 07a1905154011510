"""The demo's two boards (an executive board and a warehouse board), stored on the demo's
first run so that /boards, the wall's `board=` and the README's examples work on a fresh
clone.

They are ordinary board files (examples/boards/*.json, the export format of
components/boards/board_file.py), imported like a user's upload: what the demo shows is
what a user could build, export and import, and nothing about them is special afterwards
(renamed or deleted, they stay so: they are only added when the demo data is built).
"""

from __future__ import annotations

import json
from pathlib import Path

from app_state.boards import list_boards
from components.boards.board_file import import_board

BOARD_FILES = Path(__file__).resolve().parents[2] / "examples" / "boards"
DEMO_BOARDS = ("executive.json", "warehouse.json")


def add_demo_boards(folder: Path = BOARD_FILES) -> list[int]:
    """Import each demo board whose name no board has yet; the ids of those added, in
    the order of DEMO_BOARDS (on an empty state: 1 for the executive, 2 for the
    warehouse board)."""
    existing = {info.name for info in list_boards()}
    added = []
    for file_name in DEMO_BOARDS:
        document = json.loads((folder / file_name).read_text(encoding="utf-8"))
        if document["name"] not in existing:
            added.append(import_board(document))
    return added
