"""What a newcomer sees in a real browser at 1440 px (issue 24): every grid of every page
shows a column in one format, no header or date cell is cut off, the Channels table names
channels as its chart does, Explore opens on a comparison (several bars), and the navbar
names the source and its last day on every page, boards, import and settings included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from data_connectors.source import open_duckdb
from forecast.job import refresh_source
from tests.browser.test_board import settle
from tests.browser.test_board_tiles import eventually

pytestmark = pytest.mark.browser

GRID_PAGES = ("/products", "/ageing", "/slow-movers", "/abc", "/replenishment",
              "/suppliers", "/channels", "/locations", "/explore?m=revenue,gross_margin,"
              "turnover_days,sell_through&by=region&chart=table")

# Per grid, per column: the texts of the cells shown (rows and the pinned total), whether
# the column is numeric, and the cells and headers whose content is wider than their box.
GRID_CONTENTS = """
const out = [];
document.querySelectorAll('.ag-root-wrapper').forEach((grid, g) => {
  const columns = {};
  grid.querySelectorAll('.ag-header-cell[col-id]').forEach(h => {
    const text = h.querySelector('.ag-header-cell-text');
    columns[h.getAttribute('col-id')] = {
      header: text ? text.textContent.trim() : '',
      headerCut: text ? text.scrollWidth > text.clientWidth + 1 : false,
      cells: [], cut: [], numeric: false};
  });
  grid.querySelectorAll('.ag-row .ag-cell[col-id]').forEach(c => {
    const col = columns[c.getAttribute('col-id')];
    if (!col) return;
    const text = c.textContent.trim();
    col.cells.push(text);
    if (c.classList.contains('sl-num')) col.numeric = true;
    if (c.scrollWidth > c.clientWidth + 1) col.cut.push(text);
  });
  out.push({grid: g, columns: columns});
});
return out;"""

NUMBER = re.compile(r"^(-?)([^\d-]*)(\d{1,3}(?:,\d{3})*|\d+)(?:\.(\d+))?(\D*)$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def signature(text: str) -> tuple[str, int, str] | None:
    """(prefix, decimals, suffix) of a number as shown: "¥1,234.5K" → ("¥", 1, "K");
    None for the missing mark and for a plain zero, which a scaled column shows as "¥0"."""
    if text in ("—", ""):
        return None
    match = NUMBER.match(text)
    assert match, f"not a number as shown: {text!r}"
    _, prefix, whole, decimals, suffix = match.groups()
    if whole == "0" and not decimals:
        return None
    return prefix, len(decimals or ""), suffix.strip()


def grids_of(dash_duo, path: str) -> list[dict]:
    dash_duo.driver.get(dash_duo.server_url + path)
    eventually(lambda: len(dash_duo.driver.find_elements(
        "css selector", ".ag-row .ag-cell[col-id]")) > 0, True, timeout=90)
    settle(dash_duo)
    return dash_duo.driver.execute_script(GRID_CONTENTS)


def check_page(dash_duo, path: str) -> int:
    """Assert one format per numeric column and nothing cut; the number of columns seen."""
    seen = 0
    for grid in grids_of(dash_duo, path):
        for col_id, col in grid["columns"].items():
            where = f"{path} grid {grid['grid']} column {col_id} ({col['header']!r})"
            assert not col["headerCut"], f"{where}: header cut off"
            if not col["cells"]:
                continue
            seen += 1
            if col["numeric"]:
                shapes = {signature(text) for text in col["cells"]} - {None}
                assert len(shapes) <= 1, f"{where}: several formats {shapes}: {col['cells'][:8]}"
            dates = [text for text in col["cut"] if DATE.match(text)]
            assert not dates, f"{where}: dates cut off {dates[:3]}"
            if not col_id.endswith("_name") and col_id not in ("supplier", "sku_name"):
                assert not col["cut"], f"{where}: cells cut off {col['cut'][:3]}"
    return seen


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_grid_column_has_one_format_and_nothing_is_cut(dash_duo, demo_db: Path,
                                                             lang: str) -> None:
    refresh_source(open_duckdb(demo_db))  # the replenishment plan needs stored forecasts
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.set_window_size(1440, 900)
    seen = {}
    for path in GRID_PAGES:
        sep = "&" if "?" in path else "?"
        seen[path] = check_page(dash_duo, f"{path}{sep}lang={lang}")
    assert all(n >= 3 for n in seen.values()), seen  # every page showed a real grid
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


TICKS = "return Array.from(document.querySelectorAll(%r)).map(e => e.textContent.trim());"


def test_channels_table_names_channels_as_its_chart(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    for lang, expected in (("en", {"Online", "Stores", "Wholesale"}),
                           ("zh", {"线上", "门店", "批发"})):
        dash_duo.driver.get(f"{dash_duo.server_url}/channels?lang={lang}")
        eventually(lambda: len(dash_duo.driver.execute_script(
            TICKS % "#chan-level-chart .ytick text")) == 3, True, timeout=60)
        settle(dash_duo)
        chart = set(dash_duo.driver.execute_script(TICKS % "#chan-level-chart .ytick text"))
        table = set(dash_duo.driver.execute_script(
            TICKS % ".ag-center-cols-container .ag-row .ag-cell[col-id='channel']"))
        assert chart == table == expected


BARS = "return document.querySelectorAll('.explore-result .js-plotly-plot .bars .point').length"
MODEBAR_CLEAR = """
const bar = document.querySelector('.explore-result .modebar-container');
const plot = document.querySelector('.explore-result .nsewdrag');
const title = document.getElementById('exp-chart-title');
if (!bar || !plot) return 'missing';
const b = bar.querySelector('.modebar') ? bar.querySelector('.modebar').getBoundingClientRect()
                                        : bar.getBoundingClientRect();
const p = plot.getBoundingClientRect(), t = title.getBoundingClientRect();
return (b.height === 0 || b.bottom <= p.top + 1) && b.top >= t.bottom - 1;"""


def test_explore_opens_on_a_comparison_with_the_tool_bar_off_the_plot(dash_duo,
                                                                      demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(dash_duo.server_url + "/explore")
    eventually(lambda: dash_duo.driver.execute_script(BARS) > 1, True, timeout=60)
    settle(dash_duo)
    categories = open_duckdb(demo_db).distinct_values("sku", "category")
    assert dash_duo.driver.execute_script(BARS) == len(categories) > 1
    assert dash_duo.find_element("#exp-chart-title").text == "Revenue by Category"
    plot = dash_duo.find_element(".explore-result .js-plotly-plot")
    dash_duo.driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('mousemove', {bubbles: true}))", plot)
    assert dash_duo.driver.execute_script(MODEBAR_CLEAR) is True


def test_navbar_names_source_and_last_day_on_every_page(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    last = source.date_range()[1].isoformat()
    dash_duo.start_server(create_app(source))
    for path in ("/boards", "/import", "/settings", "/", "/explore"):
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element("#nav-as-of", timeout=30)
        assert last in dash_duo.find_element("#nav-as-of").text, path
        assert dash_duo.find_element("#nav-source").text.strip(), path
    settle(dash_duo)
