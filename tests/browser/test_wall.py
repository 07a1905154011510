"""The wall screen (/wall) in a real browser: the metrics layer's numbers for a region,
a running clock, refreshes that reload nothing and resend nothing unchanged, panel
rotation, board tiles limited to the site, bad parameters shown discreetly — and a real
outage (the database file disappears, then comes back)."""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from app_state.boards import add_tile, create_board
from components.boards.saved import save_view
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from components.kit.formatting import format_value
from data_connectors.demo import names
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.browser.test_board import settle
from tests.browser.test_board_tiles import eventually, expected, no_errors
from tests.service_support import run_query

pytestmark = pytest.mark.browser

SHOWN = ("turnover_days", "sell_through", "stockout_rate", "inventory_value",
         "dead_stock_value", "days_of_supply")

# every answer of a Dash callback: which components it updated (204: none)
SPY = """
window.__wallAnswers = [];
const original = window.fetch;
window.fetch = function (url, options) {
  return original.apply(this, arguments).then(function (answer) {
    if (String(url).indexOf('_dash-update-component') >= 0) {
      const entry = {status: answer.status, ids: []};
      window.__wallAnswers.push(entry);
      if (answer.status === 200) {
        answer.clone().json().then(function (body) {
          entry.ids = Object.keys(body.response || {});
        });
      }
    }
    return answer;
  });
};"""
ACTIVE_PANEL = """
const p = document.querySelector('.wall-panel.is-active');
return p ? [p.getAttribute('data-panel'), getComputedStyle(p).opacity] : null;"""
TILE_TABLE = """
const out = {};
document.querySelectorAll('[data-panel="tile-%s"] .ag-center-cols-container .ag-row')
  .forEach(r => { const c = r.querySelector('.ag-cell[col-id="%s"]');
                  const k = r.querySelector('.ag-cell[col-id="%s"]');
                  out[k ? k.textContent.trim() : '?'] = c ? c.textContent.trim() : null; });
return out;"""
TILE_BARS = """
const plot = document.querySelector('[data-panel="tile-%s"] .js-plotly-plot');
if (!plot || !plot.data || !plot.data.length) { return null; }
const out = {};
plot.data[0].x.forEach((x, i) => { out[x] = plot.data[0].text[i]; });
return out;"""


def expected_tiles(db: Path, where: dict[str, list[str]], lang: str) -> dict[str, str]:
    """The tiles' texts without the app: the last 30 days of the data, through the
    metrics layer and the one formatter."""
    source = open_duckdb(db)
    try:
        last = source.date_range()[1]
        frame = run_query(source, MetricQuery.create(
            SHOWN, last - timedelta(days=29), last, where=where))
    finally:
        source.dispose()
    return {m: format_value(m, frame.iloc[0][m], lang) for m in SHOWN}


def first_region(db: Path, index: int = 0) -> str:
    source = open_duckdb(db)
    try:
        return source.distinct_values("location", "region")[index]
    finally:
        source.dispose()


def shown_tiles(dash_duo) -> dict[str, str]:
    """The tiles' values, read in one script: the wall re-renders them every refresh, so
    finding an element and then asking for its text could meet a replaced (stale) node."""
    dash_duo.wait_for_element(f"#wall-value-{SHOWN[0]}", timeout=30)
    return dash_duo.driver.execute_script(
        "const out = {};"
        "for (const m of arguments[0]) {"
        "  const e = document.getElementById('wall-value-' + m);"
        "  out[m] = e ? e.textContent.trim() : null;"
        "}"
        "return out;", list(SHOWN))


def test_region_wall_shows_the_metrics_layer_numbers_and_a_running_clock(
        dash_duo, demo_db: Path) -> None:
    region = first_region(demo_db)
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/wall?scope=region:{region}&lang=zh")
    want = expected_tiles(demo_db, {"region": [region]}, "zh")
    assert want != expected_tiles(demo_db, {}, "zh")  # the scope does filter
    eventually(lambda: shown_tiles(dash_duo), want)
    # the stored region ("East") is named in the wall's language (the demo's zh label)
    assert dash_duo.find_element(".wall-site-name").text == dict(names.REGIONS)[region]
    assert dash_duo.find_element(".wall-kpi-label").text == "库存周转天数"
    assert dash_duo.find_element("#wall-asof").text.startswith("数据截至 ")
    # a wall has no navigation chrome and no cursor
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".navbar, #lang-switch") == []
    assert dash_duo.driver.execute_script(
        "return getComputedStyle(document.querySelector('.wall-screen')).cursor") == "none"
    # the clock ticks by itself
    before = dash_duo.find_element("#wall-clock").text
    assert before
    deadline = time.time() + 2.0
    while time.time() < deadline and dash_duo.find_element("#wall-clock").text == before:
        time.sleep(0.1)
    assert dash_duo.find_element("#wall-clock").text != before
    # the alert ticker is there, with its counts
    dash_duo.wait_for_element(".wall-counts", timeout=30)
    no_errors(dash_duo)


def test_refresh_reloads_nothing_keeps_the_url_and_resends_nothing_unchanged(
        dash_duo, demo_db: Path) -> None:
    region = first_region(demo_db)
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    url = f"{dash_duo.server_url}/wall?scope=region:{region}&lang=en&refresh=10&rotate=0"
    dash_duo.wait_for_page(url=url)
    eventually(lambda: shown_tiles(dash_duo), expected_tiles(demo_db, {"region": [region]},
                                                             "en"))
    dash_duo.wait_for_element(".wall-counts", timeout=30)
    settle(dash_duo)
    driver = dash_duo.driver
    driver.execute_script("window.__wallMarker = 'still here';"
                          "window.__wallNode = document.getElementById('wall-value-sell_through');"
                          + SPY)
    # one refresh interval later the three parts have asked the server again …
    deadline = time.time() + 25
    while time.time() < deadline and driver.execute_script(
            "return window.__wallAnswers.length") < 3:
        time.sleep(0.25)
    time.sleep(1.0)  # let the answers' bodies be read
    answers = driver.execute_script("return window.__wallAnswers")
    assert len(answers) >= 3, answers
    # … without reloading the page or touching the address …
    assert driver.execute_script("return window.__wallMarker") == "still here"
    assert driver.current_url == url
    # … and, the data being the same, without sending any tile, chart or ticker again:
    # the very same element still shows the number
    sent = {ident for answer in answers for ident in answer["ids"]}
    assert not {i for i in sent if i.startswith(("wall-kpi-", "wall-trend-", "wall-ticker"))}
    assert driver.execute_script("return window.__wallNode === "
                                 "document.getElementById('wall-value-sell_through')"
                                 " && window.__wallNode.isConnected")
    no_errors(dash_duo)


def test_panels_rotate_by_themselves(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/wall?rotate=5&lang=en")
    panel = lambda: dash_duo.driver.execute_script(ACTIVE_PANEL)  # noqa: E731
    eventually(panel, ["kpis", "1"], timeout=10)
    eventually(panel, ["trend", "1"], timeout=10)  # 5 s a panel, then a 0.9 s fade
    assert dash_duo.find_element("#wall-trend-turnover_days .js-plotly-plot")
    eventually(panel, ["kpis", "1"], timeout=10)  # and round again
    no_errors(dash_duo)


def test_board_tiles_become_panels_limited_to_the_site(dash_duo, demo_db: Path) -> None:
    region = first_region(demo_db, 1)
    table = ViewSpec(metrics=("revenue",), dims=("region",), chart="table")
    bars = ViewSpec(metrics=("turnover_days",), dims=("channel",), chart="bar")
    board = create_board("Warehouse wall")
    table_tile = add_tile(board, save_view("Revenue by region", table))
    bar_tile = add_tile(board, save_view("Turnover days by channel", bars))
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(
        url=f"{dash_duo.server_url}/wall?board={board}&scope=region:{region}&lang=en")
    dash_duo.wait_for_text_to_equal(".wall-board", "Warehouse wall", timeout=30)
    titles = [e.get_attribute("textContent") for e in
              dash_duo.driver.find_elements(By.CSS_SELECTOR, ".wall-panel-title")]
    assert titles == ["Key figures", "Trend by week", "Revenue by region",
                      "Turnover days by channel"]
    in_region = BoardFilters(region=(region,))
    eventually(lambda: dash_duo.driver.execute_script(
        TILE_TABLE % (table_tile, "revenue", "region")), expected(demo_db, table, in_region))
    eventually(lambda: dash_duo.driver.execute_script(TILE_BARS % bar_tile),
               expected(demo_db, bars, in_region))
    no_errors(dash_duo)


def test_bad_parameters_are_noted_and_a_location_wall_works(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    try:
        location = source.distinct_values("location", "location_id")[0]
        name = run_query(source, MetricQuery.create(
            ["units_sold"], *source.date_range(), by=["location"],
            where={"location": [location]})).iloc[0]["location_name"]
    finally:
        source.dispose()
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/wall?scope=location:{location}"
                               "&lang=en&refresh=soon&rotate=2&board=999")
    eventually(lambda: shown_tiles(dash_duo),
               expected_tiles(demo_db, {"location": [location]}, "en"))
    assert dash_duo.find_element(".wall-site-name").text == name
    notes = dash_duo.find_element("#wall-notes").text
    for part in ("refresh=soon ignored, using 60", "rotate=2 out of range, using 5",
                 "board 999 not found"):
        assert part in notes
    # one site: the ticker names no location
    dash_duo.wait_for_element(".wall-counts", timeout=30)
    assert dash_duo.driver.find_elements(By.CSS_SELECTOR, ".wall-alert-loc") == []
    no_errors(dash_duo)


def stale_notice(dash_duo) -> str | None:
    """The notice's text while it shows, else None."""
    return dash_duo.driver.execute_script(
        "const n = document.getElementById('wall-stale');"
        "return n && n.classList.contains('is-on') ? "
        "document.getElementById('wall-stale-text').textContent : null;")


def test_an_outage_keeps_the_numbers_shows_stale_since_and_recovers(
        dash_duo, demo_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "wallcopy.duckdb"
    shutil.copy(demo_db, copy)
    region = first_region(demo_db)
    source = open_duckdb(copy)
    dash_duo.start_server(create_app(source))
    dash_duo.wait_for_page(
        url=f"{dash_duo.server_url}/wall?scope=region:{region}&lang=en&refresh=10")
    want = expected_tiles(demo_db, {"region": [region]}, "en")
    eventually(lambda: shown_tiles(dash_duo), want)
    dash_duo.wait_for_element(".wall-counts", timeout=30)
    assert stale_notice(dash_duo) is None
    clock = dash_duo.find_element("#wall-clock").text

    # the database goes away: its file is gone, and no pooled connection is left
    away = tmp_path / "moved-away.duckdb"
    copy.rename(away)
    source.engine.dispose()
    eventually(lambda: (stale_notice(dash_duo) or "").startswith("Stale since "), True,
               timeout=30)
    notice = stale_notice(dash_duo)
    assert "the data source is not answering; retrying" in notice
    why = dash_duo.find_element("#wall-stale-why").text  # why, in one line below
    assert "not found or not readable" in why and "\n" not in why
    assert shown_tiles(dash_duo) == want  # the last good numbers stay on screen
    assert dash_duo.find_element("#wall-clock").text != clock  # the clock never stopped

    # a wall switched on during the outage, for numbers never read before: no copy to
    # show, so dashes and "not answering" (no time: there is nothing stale on screen)
    other = first_region(demo_db, 1)
    dash_duo.driver.get(f"{dash_duo.server_url}/wall?scope=region:{other}&lang=en&refresh=10")
    eventually(lambda: stale_notice(dash_duo), "The data source is not answering; retrying",
               timeout=30)
    assert set(shown_tiles(dash_duo).values()) == {"—"}

    # it comes back: the numbers arrive and the notice goes, by themselves
    away.rename(copy)
    eventually(lambda: shown_tiles(dash_duo),
               expected_tiles(demo_db, {"region": [other]}, "en"), timeout=60)
    eventually(lambda: stale_notice(dash_duo), None, timeout=30)
    no_errors(dash_duo)
