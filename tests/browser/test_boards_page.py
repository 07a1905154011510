"""The Boards page in a real browser: create, rename, duplicate, delete (confirmed), export
and import boards; rename, duplicate and delete saved views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import create_app
from app_state.boards import add_tile, get_board, list_boards
from app_state.views import list_views
from components.boards.board_file import export_board
from components.boards.saved import create_board, save_view
from components.boards.view_spec import ViewSpec
from data_connectors.source import open_duckdb
from tests.browser.test_board import settle
from tests.browser.test_metric_grid_browser import wait_for_file

pytestmark = pytest.mark.browser

SPEC = ViewSpec(metrics=("revenue",), dims=("region",), chart="table")


def row(kind: str, name: str) -> str:
    return f'tr[data-{kind}="{name}"]'


def click(dash_duo, css: str) -> None:
    element = dash_duo.wait_for_element(css)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def type_into(dash_duo, css: str, text: str) -> None:
    field = dash_duo.wait_for_element(css)
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text)


def names(dash_duo, kind: str) -> list[str]:
    return [e.get_attribute(f"data-{kind}")
            for e in dash_duo.find_elements(f"#bl-{kind}s tr[data-{kind}]")]


def upload(dash_duo, path: Path) -> None:
    dash_duo.driver.find_element(By.CSS_SELECTOR, "#bl-import input[type=file]") \
        .send_keys(str(path))


def no_errors(dash_duo) -> None:
    settle(dash_duo)
    errors = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert errors == [], errors[:3]


def test_boards_are_created_renamed_duplicated_exported_imported_and_deleted(
        dash_duo, demo_db: Path, tmp_path: Path) -> None:
    view = save_view("Revenue by region", SPEC)
    alpha = create_board("Alpha")
    add_tile(alpha, view, width=8, height=2)
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards")
    dash_duo.wait_for_element(row("board", "Alpha"), timeout=30)
    assert dash_duo.find_element(f'{row("board", "Alpha")} .list-count').text == "1 tile"

    # create: the new board opens, empty and saying how to fill it
    type_into(dash_duo, "#bl-new-name", "Beta")
    click(dash_duo, "#bl-create")
    dash_duo.wait_for_text_to_equal(".page-title", "Beta", timeout=30)
    dash_duo.wait_for_contains_text("#brd-empty", "no tiles yet", timeout=30)
    (beta,) = [b.id for b in list_boards() if b.name == "Beta"]
    assert dash_duo.driver.current_url.split("?")[0].endswith(f"/boards/{beta}")

    # rename: a name in use is refused in the dialog, a free one is stored
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards")
    click(dash_duo, f'{row("board", "Beta")} .list-act-rename')
    dash_duo.wait_for_element("#bl-rename-name:not([value=''])", timeout=10)
    type_into(dash_duo, "#bl-rename-name", "alpha")
    click(dash_duo, "#bl-rename-save")
    dash_duo.wait_for_text_to_equal("#bl-rename-problem",
                                    "There is already a board named “alpha”.", timeout=10)
    type_into(dash_duo, "#bl-rename-name", "Gamma")
    click(dash_duo, "#bl-rename-save")
    dash_duo.wait_for_element(row("board", "Gamma"), timeout=10)
    assert get_board(beta).name == "Gamma"

    # duplicate
    click(dash_duo, f'{row("board", "Alpha")} .list-act-duplicate')
    dash_duo.wait_for_element(row("board", "Alpha (copy)"), timeout=10)
    assert names(dash_duo, "board") == ["Alpha", "Alpha (copy)", "Gamma"]
    assert dash_duo.find_element(f'{row("board", "Alpha (copy)")} .list-count').text == "1 tile"

    # export: the downloaded file is the board's export
    click(dash_duo, f'{row("board", "Alpha")} .list-act-export')
    exported = json.loads(wait_for_file(Path(dash_duo.download_path) / "Alpha.board.json"))
    assert exported == export_board(alpha)

    # delete asks first; cancel keeps it, confirm deletes it
    click(dash_duo, f'{row("board", "Alpha (copy)")} .list-act-delete')
    dash_duo.wait_for_contains_text("#bl-delete-text", "Delete the board “Alpha (copy)”",
                                    timeout=10)
    click(dash_duo, "#bl-delete-cancel")
    dash_duo.wait_for_no_elements("#bl-delete.show", timeout=10)
    assert "Alpha (copy)" in names(dash_duo, "board")
    click(dash_duo, f'{row("board", "Alpha (copy)")} .list-act-delete')
    click(dash_duo, "#bl-delete-confirm")
    dash_duo.wait_for_no_elements(row("board", "Alpha (copy)"), timeout=10)
    assert [b.name for b in list_boards()] == ["Alpha", "Gamma"]

    # import the exported file: a new board with new views, the same content
    path = tmp_path / "Alpha.board.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    upload(dash_duo, path)
    dash_duo.wait_for_contains_text("#bl-feedback", "Imported as “Alpha (imported)”.",
                                    timeout=30)
    dash_duo.wait_for_element(row("board", "Alpha (imported)"), timeout=10)
    (imported,) = [b.id for b in list_boards() if b.name == "Alpha (imported)"]
    tiles = get_board(imported).tiles
    assert [(t.view_name, t.width, t.height) for t in tiles] == [
        ("Revenue by region (imported)", 8, 2)]

    # a file that does not fit stores nothing and names the field
    broken = dict(exported, tiles=[dict(exported["tiles"][0], width=20)])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    upload(dash_duo, path)
    dash_duo.wait_for_contains_text(
        "#bl-feedback", "broken.json was not imported: tiles[0].width: 20 is outside 3–12",
        timeout=30)
    path = tmp_path / "notes.json"
    path.write_text("{not json", encoding="utf-8")
    upload(dash_duo, path)
    dash_duo.wait_for_contains_text("#bl-feedback", "notes.json was not imported: not JSON",
                                    timeout=30)
    assert len(list_boards()) == 3
    no_errors(dash_duo)


def test_saved_views_are_renamed_duplicated_and_deleted_with_a_warning(
        dash_duo, demo_db: Path) -> None:
    shown = save_view("Shown", SPEC)
    save_view("Spare", ViewSpec(metrics=("turnover_days",), grain="month", chart="line"))
    board = create_board("Weekly")
    add_tile(board, shown)
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards")
    dash_duo.wait_for_element(row("view", "Shown"), timeout=30)
    assert dash_duo.find_element(f'{row("view", "Shown")} .list-shows').text.startswith(
        "Table · Revenue by Region")
    link = dash_duo.find_element(f'{row("view", "Shown")} .list-act-explore')
    assert link.get_attribute("href").endswith("/explore?m=revenue&by=region&chart=table")

    click(dash_duo, f'{row("view", "Spare")} .list-act-rename')
    dash_duo.wait_for_element("#bl-rename-name:not([value=''])", timeout=10)
    type_into(dash_duo, "#bl-rename-name", "Monthly turnover")
    dash_duo.find_element("#bl-rename-name").send_keys(Keys.ENTER)
    dash_duo.wait_for_element(row("view", "Monthly turnover"), timeout=10)

    click(dash_duo, f'{row("view", "Shown")} .list-act-duplicate')
    dash_duo.wait_for_element(row("view", "Shown (copy)"), timeout=10)
    assert names(dash_duo, "view") == ["Monthly turnover", "Shown", "Shown (copy)"]

    # deleting a view a board shows says which boards; its tile stays and says so
    click(dash_duo, f'{row("view", "Shown")} .list-act-delete')
    dash_duo.wait_for_contains_text("#bl-delete-text", "It is shown on 1 board(s): Weekly.",
                                    timeout=10)
    click(dash_duo, "#bl-delete-confirm")
    dash_duo.wait_for_no_elements(row("view", "Shown"), timeout=10)
    assert sorted(v.name for v in list_views()) == ["Monthly turnover", "Shown (copy)"]
    assert get_board(board).tiles[0].view_id is None
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards/{board}")
    dash_duo.wait_for_contains_text(".tile-message", "was deleted", timeout=30)
    no_errors(dash_duo)
