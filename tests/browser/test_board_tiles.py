"""A saved board in a real browser: its tiles show the metrics layer's numbers for the
board's period, its filter bar changes every tile, and layout changes survive a reload."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import update

from app import create_app
from app_state import db
from app_state.boards import add_tile
from app_state.views import delete_view, views
from components.boards.saved import create_board, get_board, save_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_bar import option_label
from components.filters.filter_state import BoardFilters
from components.kit.formatting import format_value, metric_column_format
from data_connectors.source import open_duckdb
from tests.browser.test_board import choose_option, settle
from tests.service_support import run_query

pytestmark = pytest.mark.browser

REVENUE = ViewSpec(metrics=("revenue",), dims=("region",), chart="table")
TURNOVER = ViewSpec(metrics=("turnover_days",), dims=("channel",), chart="bar")

TABLE_CELLS = """
const out = {};
document.querySelectorAll('[data-tile="%s"] .ag-center-cols-container .ag-row').forEach(r => {
  const cell = r.querySelector('.ag-cell[col-id="%s"]');
  out[r.getAttribute('row-id')] = cell ? cell.textContent.trim() : null;
});
return out;"""
BAR_TEXTS = """
const plot = document.querySelector('[data-tile="%s"] .js-plotly-plot');
if (!plot || !plot.data || !plot.data.length) { return null; }
const out = {};
plot.data[0].x.forEach((x, i) => { out[x] = plot.data[0].text[i]; });
return out;"""


def expected(db_path: Path, spec: ViewSpec, filters: BoardFilters) -> dict[str, str]:
    """{label: shown text} computed without the app: the view's query under the board's
    filters, through the metrics layer and the one formatter."""
    source = open_duckdb(db_path)
    try:
        start, end = filters.period(source.date_range()[1])
        frame = run_query(source, spec.query(start, end, board=filters))
    finally:
        source.dispose()
    dim, metric = spec.dims[0], spec.metrics[0]
    label = (lambda v: option_label(dim, v, "en")) if spec.chart != "table" else str
    # a chart labels each bar like a card; a table formats a column once, for all its rows
    text = (metric_column_format(metric, frame[metric].tolist(), "en") if spec.chart == "table"
            else lambda v: format_value(metric, v, "en"))
    return {label(str(row[dim])): text(row[metric]) for row in frame.to_dict("records")}


def eventually(read: Callable[[], object], want: object, timeout: float = 30) -> None:
    deadline, got = time.time() + timeout, None
    while time.time() < deadline:
        got = read()
        if got == want:
            return
        time.sleep(0.25)
    raise AssertionError(f"expected {want!r}, the page shows {got!r}")


def tile_style(dash_duo, tile: int) -> dict[str, str]:
    """The tile's inline grid span, order and display (as the page set them)."""
    return dash_duo.driver.execute_script(
        "const s = document.querySelector(arguments[0]).style;"
        "return {width: s.gridColumn, height: s.gridRow, order: s.order, display: s.display};",
        f'[data-tile="{tile}"]')


def placed(width: int, height: int, order: int) -> dict[str, str]:
    return {"width": f"span {width}", "height": f"span {height}", "order": str(order),
            "display": ""}


def tile_action(dash_duo, tile: int, action: str) -> None:
    """Open the tile's menu (⋯) and pick an action."""
    def centred(css: str):
        element = dash_duo.wait_for_element(f'[data-tile="{tile}"] {css}')
        dash_duo.driver.execute_script(  # "instant": Bootstrap makes scrolling smooth
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
        return element

    centred(".tile-menu-toggle").click()
    centred(f".tile-act-{action}").click()


def no_errors(dash_duo) -> None:
    settle(dash_duo)
    errors = [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert errors == [], errors[:3]


def test_tiles_show_the_metrics_layer_numbers_and_follow_the_filter_bar(
        dash_duo, demo_db: Path) -> None:
    board = create_board("Weekly")
    table_tile = add_tile(board, save_view("Revenue by region", REVENUE))
    bar_tile = add_tile(board, save_view("Turnover days by channel", TURNOVER))
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards/{board}")
    dash_duo.wait_for_text_to_equal(".page-title", "Weekly", timeout=30)
    assert dash_duo.find_element(f'[data-tile="{table_tile}"] .tile-title').text == \
        "Revenue by region"

    everything = BoardFilters()
    table = lambda: dash_duo.driver.execute_script(TABLE_CELLS % (table_tile, "revenue"))  # noqa: E731
    bars = lambda: dash_duo.driver.execute_script(BAR_TEXTS % bar_tile)  # noqa: E731
    eventually(table, expected(demo_db, REVENUE, everything))
    eventually(bars, expected(demo_db, TURNOVER, everything))

    # the board's region filter changes both tiles
    region = open_duckdb(demo_db).distinct_values("location", "region")[1]
    one_region = BoardFilters(region=(region,))
    choose_option(dash_duo, "brd-filter-region", region)
    eventually(table, expected(demo_db, REVENUE, one_region))
    assert list(table()) == [region]
    eventually(bars, expected(demo_db, TURNOVER, one_region))
    assert bars() != expected(demo_db, TURNOVER, everything)

    # the link holds them (own=1: not the board's defaults), and reopens the same numbers
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query["region"] == [region] and query["own"] == ["1"]
    dash_duo.driver.get(dash_duo.driver.current_url)
    eventually(table, expected(demo_db, REVENUE, one_region))
    eventually(bars, expected(demo_db, TURNOVER, one_region))

    # "Board's default filters" goes back to the board's own filters
    dash_duo.find_element("#brd-defaults-link a").click()
    eventually(table, expected(demo_db, REVENUE, everything))
    eventually(lambda: urlparse(dash_duo.driver.current_url).query, "")
    assert dash_duo.find_element("#brd-defaults-link").get_attribute("hidden")
    choose_option(dash_duo, "brd-filter-region", region)
    eventually(bars, expected(demo_db, TURNOVER, one_region))

    # saved as the board's default: the link no longer needs to pin them, and the plain
    # board link opens with them
    dash_duo.wait_for_element("#brd-save-defaults:not([disabled])").click()
    eventually(lambda: parse_qs(urlparse(dash_duo.driver.current_url).query),
               {"region": [region]})
    assert get_board(board).filters == one_region
    dash_duo.driver.get(f"{dash_duo.server_url}/boards/{board}")
    eventually(table, expected(demo_db, REVENUE, one_region))
    assert dash_duo.find_element("#brd-filter-region").text.strip() == region
    assert dash_duo.find_element("#brd-save-defaults").get_attribute("disabled")
    no_errors(dash_duo)


def test_layout_changes_are_saved_at_once_and_survive_a_reload(dash_duo, demo_db: Path) -> None:
    board = create_board("Layout")
    first = add_tile(board, save_view("Revenue by region", REVENUE))
    second = add_tile(board, save_view("Turnover days by channel", TURNOVER))
    doomed = save_view("Doomed", TURNOVER)
    orphan = add_tile(board, doomed, width=3)
    delete_view(doomed)
    unreadable = save_view("Unreadable", REVENUE)
    broken = add_tile(board, unreadable, width=3)
    with db.state_engine().begin() as conn:  # as if a metric had left the registry
        conn.execute(update(views).where(views.c.id == unreadable)
                     .values(spec='{"metrics": ["retired_metric"]}'))
        db.bump_version(conn, "views")
    save_view("Extra", REVENUE)

    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards/{board}")
    # a tile whose view is gone, or no longer reads, says so in the tile
    dash_duo.wait_for_contains_text(f'[data-tile="{orphan}"] .tile-message',
                                    "was deleted", timeout=30)
    dash_duo.wait_for_contains_text(f'[data-tile="{broken}"] .tile-message',
                                    "retired_metric", timeout=30)
    dash_duo.wait_for_element(f'[data-tile="{first}"] .ag-row', timeout=30)
    assert tile_style(dash_duo, first) == placed(6, 1, 0)

    tile_action(dash_duo, first, "wider")
    eventually(lambda: tile_style(dash_duo, first), placed(8, 1, 0))
    tile_action(dash_duo, second, "taller")
    eventually(lambda: tile_style(dash_duo, second), placed(6, 2, 1))
    tile_action(dash_duo, first, "down")
    eventually(lambda: tile_style(dash_duo, first), placed(8, 1, 1))
    assert tile_style(dash_duo, second) == placed(6, 2, 0)
    tile_action(dash_duo, orphan, "remove")
    eventually(lambda: tile_style(dash_duo, orphan)["display"], "none")
    stored = get_board(board).tiles
    assert [(t.id, t.width, t.height) for t in stored] == [
        (second, 6, 2), (first, 8, 1), (broken, 3, 1)]

    dash_duo.driver.refresh()
    dash_duo.wait_for_element(f'[data-tile="{first}"] .ag-row', timeout=30)
    assert tile_style(dash_duo, first) == placed(8, 1, 1)
    assert tile_style(dash_duo, second) == placed(6, 2, 0)
    assert tile_style(dash_duo, broken) == placed(3, 1, 2)
    assert not dash_duo.find_elements(f'[data-tile="{orphan}"]')
    # at the top, "move up" is off; the first tile can still go down
    dash_duo.find_element(f'[data-tile="{second}"] .tile-menu-toggle').click()
    assert "disabled" in dash_duo.find_element(
        f'[data-tile="{second}"] .tile-act-up').get_attribute("class")
    dash_duo.find_element("body").send_keys("\ue00c")

    # add a tile from the saved views: it is drawn and stored at the end
    dash_duo.find_element("#brd-add-open").click()
    choose_option(dash_duo, "brd-add-view", "Extra")
    dash_duo.find_element("#brd-add-confirm").click()
    dash_duo.wait_for_contains_text("#brd-add-feedback", "Extra", timeout=30)
    added = get_board(board).tiles[-1]
    assert added.view_name == "Extra" and added.position == 3
    dash_duo.wait_for_element(f'[data-tile="{added.id}"] .ag-row', timeout=30)
    no_errors(dash_duo)


def test_an_empty_board_says_how_to_fill_it_and_a_missing_one_says_so(
        dash_duo, demo_db: Path) -> None:
    board = create_board("Nothing yet")
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards/{board}")
    dash_duo.wait_for_contains_text("#brd-empty", "no tiles yet", timeout=30)
    assert dash_duo.find_element('#brd-empty a[href="/explore"]')
    assert dash_duo.find_element("#brd-add-view")  # the picker is open already
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/boards/{board + 41}")
    dash_duo.wait_for_text_to_equal(".page-title", "Board not found", timeout=30)
    no_errors(dash_duo)
