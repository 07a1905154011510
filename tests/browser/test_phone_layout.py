"""The executive's phone (issue 19): every page of the navbar at 390 × 844 (an iPhone 14)
and at 768 × 1024 (a tablet) in headless Chromium — no sideways page scroll, the navbar
collapsed to brand + menu button, the filters in a drawer whose choices change the cards
and the URL, four KPI values on the first screen, a tap on a bar drills down, modals fit —
and the desktop layout unchanged at 1280 px. Also the "Add to home screen" manifest."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dash
import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from app import create_app
from app_state.boards import add_tile
from components.boards.saved import create_board, save_view
from components.boards.view_spec import ViewSpec
from data_connectors.demo import names
from data_connectors.source import open_duckdb
from tests.browser.test_board import choose_option, expected_revenue, settle
from tests.browser.test_drill_pages import crumbs, wait_crumbs

pytestmark = pytest.mark.browser

PHONE, TABLET, DESKTOP = (390, 844), (768, 1024), (1280, 900)
# every page of the navbar, and what shows it has rendered
PAGES = {
    "/": "#kpi-value-revenue",
    "/products": ".ag-row",
    "/locations": ".ag-row",
    "/channels": ".ag-row",
    "/ageing": ".ag-row",
    "/slow-movers": ".ag-row",
    "/abc": ".ag-row",
    "/suppliers": ".ag-row",
    "/replenishment": ".page-title",
    "/explore": ".js-plotly-plot .main-svg",
    "/boards": ".list-table",
    "/thresholds": ".thr-table",
    "/settings": ".source-card",
    "/import": ".page-title",
}
ALERTS = "/alerts"  # the Alerts page, tested when the app has it

FITS = """
const page = document.scrollingElement;
const nav = document.querySelector('.app-navbar');
return {scroll: page.scrollWidth, width: window.innerWidth,
        nav: nav ? nav.getBoundingClientRect().height : null};"""
FIRST_SCREEN_VALUES = """
return Array.from(document.querySelectorAll('.kpi-value')).filter(e => {
  const r = e.getBoundingClientRect();
  return e.textContent.trim() && r.top >= 0 && r.bottom <= window.innerHeight
    && r.left >= 0 && r.right <= window.innerWidth && e.scrollWidth <= e.clientWidth;
}).map(e => e.textContent.trim());"""
DRAWER_SHOWN = """
const d = document.getElementById(arguments[0]);
const r = d.getBoundingClientRect();
return getComputedStyle(d).visibility === 'visible' && r.left >= -1 && r.right > 0;"""


def sized(dash_duo, size: tuple[int, int]) -> None:
    dash_duo.driver.set_window_size(*size)
    width = dash_duo.driver.execute_script("return window.innerWidth")
    assert width == size[0], f"the browser window is {width} px wide, not {size[0]}"


def console_problems(dash_duo, where: str) -> list[str]:
    """SEVERE console entries since the last call (reading drains them)."""
    return [f"{where}: {e['message'][:300]}" for e in dash_duo.driver.get_log("browser")
            if e.get("level") == "SEVERE"]


def open_page(dash_duo, path: str, ready: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element(ready, timeout=45)
    settle(dash_duo)
    time.sleep(0.4)  # the charts' small-screen relayout runs on the next animation frame


def in_view(dash_duo, css: str):
    """The element, scrolled to the middle of the screen at once (Bootstrap makes scrolling
    smooth, and a click aimed during the glide lands on whatever passes under it)."""
    element = dash_duo.find_element(css)
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    time.sleep(0.2)
    return element


def tap(dash_duo, css: str) -> None:
    """A finger's tap on the middle of the element: touch events, as a phone sends them."""
    element = in_view(dash_duo, css)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled",
                           {"enabled": True, "maxTouchPoints": 1})
    x, y = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.x + r.width / 2, r.y + r.height / 2];", element)
    driver.execute_cdp_cmd("Input.dispatchTouchEvent",
                           {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    time.sleep(0.08)
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def displayed(dash_duo, css: str) -> bool:
    return dash_duo.find_element(css).is_displayed()


def saved_board() -> int:
    board = create_board("On the road")
    add_tile(board, save_view("Revenue by region",
                              ViewSpec(metrics=("revenue",), dims=("region",), chart="table")))
    add_tile(board, save_view("Turnover days by channel",
                              ViewSpec(metrics=("turnover_days",), dims=("channel",),
                                       chart="bar")))
    add_tile(board, save_view("Four metrics by category and region", ViewSpec(
        metrics=("revenue", "turnover_days", "sell_through", "gmroi"),
        dims=("category", "region"), chart="table")), width=12)
    return board


@pytest.mark.parametrize("size", [PHONE, TABLET], ids=["phone-390", "tablet-768"])
def test_every_page_fits_the_screen_under_a_collapsed_navbar(dash_duo, demo_db: Path,
                                                             size: tuple[int, int]) -> None:
    board = saved_board()
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    sized(dash_duo, size)
    pages = {**PAGES, f"/boards/{board}": ".board-tile .ag-row"}
    if any(p["path"] == ALERTS for p in dash.page_registry.values()):
        pages[ALERTS] = ".page-title"

    problems: list[str] = []
    for path, ready in pages.items():
        open_page(dash_duo, path, ready)
        fits = dash_duo.driver.execute_script(FITS)
        if fits["scroll"] > fits["width"]:
            problems.append(f"{path}: the page scrolls sideways ({fits['scroll']} px "
                            f"in {fits['width']} px)")
        if not fits["nav"] or fits["nav"] >= 80:
            problems.append(f"{path}: the navbar is {fits['nav']} px high")
        if not displayed(dash_duo, "#nav-toggler") or displayed(dash_duo, "#lang-switch"):
            problems.append(f"{path}: the navbar is not collapsed to brand + menu button")
        problems += console_problems(dash_duo, path)
    assert problems == [], "\n".join(problems)


def test_phone_board_menu_drawer_chips_and_first_screen(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    region = source.distinct_values("location", "region")[0]
    source.dispose()
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    sized(dash_duo, PHONE)
    all_regions = expected_revenue(demo_db, None)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", all_regions, timeout=30)
    settle(dash_duo)

    # the first screen shows at least four KPI values, whole
    values = dash_duo.driver.execute_script(FIRST_SCREEN_VALUES)
    assert len(values) >= 4, values

    # the menu: language switch and page links inside it, open and closed by the button
    assert not displayed(dash_duo, "#lang-switch")
    dash_duo.find_element("#nav-toggler").click()
    dash_duo.wait_for_element("#nav-collapse.show #lang-switch", timeout=10)
    dash_duo.wait_for_text_to_equal("#nav-collapse .nav-link.active", "Overview", timeout=10)
    assert displayed(dash_duo, "#lang-switch")
    assert dash_duo.find_element("#nav-toggler").get_attribute("aria-expanded") == "true"
    dash_duo.find_element("#nav-toggler").click()
    dash_duo.wait_for_no_elements("#nav-collapse.show", timeout=10)
    # the menu folds in a transition ("collapsing") that moves the page under it: a click
    # aimed while it runs lands on whatever slides under the pointer
    dash_duo.wait_for_no_elements("#nav-collapse.collapsing", timeout=10)

    # the filters: one button, the period as a chip, the bar itself out of sight
    assert dash_duo.find_element("#ov-filter-open").text == "Filters"
    assert dash_duo.find_element("#ov-filter-chips").text == "Last 90 days"
    assert not dash_duo.driver.execute_script(DRAWER_SHOWN, "ov-filter-drawer")
    dash_duo.find_element("#ov-filter-open").click()
    until(lambda: dash_duo.driver.execute_script(DRAWER_SHOWN, "ov-filter-drawer"), timeout=10)
    time.sleep(0.3)  # the slide-in
    choose_option(dash_duo, "ov-filter-region", region)
    dash_duo.find_element("#ov-filter-close").click()
    until(lambda: not dash_duo.driver.execute_script(DRAWER_SHOWN, "ov-filter-drawer"),
          timeout=10)

    # the card shows what the metrics layer computes for that region
    one_region = expected_revenue(demo_db, region)
    assert one_region != all_regions
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", one_region, timeout=30)
    dash_duo.wait_for_text_to_equal("#ov-filter-open", "Filters (1 active)", timeout=10)
    chips = [c.text for c in dash_duo.driver.find_elements(By.CSS_SELECTOR,
                                                           "#ov-filter-chips .sl-chip")]
    assert chips == ["Last 90 days", f"Region: {region}"]
    url = dash_duo.driver.current_url
    assert parse_qs(urlparse(url).query)["region"] == [region]

    # the same link opens the same view on a laptop, with the desktop bar as it was …
    sized(dash_duo, DESKTOP)
    dash_duo.driver.get(url)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", one_region, timeout=30)
    assert dash_duo.find_element("#ov-filter-region").text.strip() == region
    assert displayed(dash_duo, "#ov-filter-region") and displayed(dash_duo, "#lang-switch")
    assert not displayed(dash_duo, "#ov-filter-open")
    assert not displayed(dash_duo, "#nav-toggler")
    settle(dash_duo)

    # … and a laptop's link the same on the phone
    sized(dash_duo, PHONE)
    dash_duo.driver.get(url)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", one_region, timeout=30)
    dash_duo.wait_for_text_to_equal("#ov-filter-open", "Filters (1 active)", timeout=10)
    assert len(dash_duo.driver.execute_script(FIRST_SCREEN_VALUES)) >= 4

    # the button and the chips come from the translation table
    dash_duo.driver.get(url + "&lang=zh&preset=ytd")
    dash_duo.wait_for_text_to_equal("#ov-filter-open", "筛选(已选 2 项)", timeout=30)
    chips = [c.text for c in dash_duo.driver.find_elements(By.CSS_SELECTOR,
                                                           "#ov-filter-chips .sl-chip")]
    assert chips == ["本年至今", f"区域:{dict(names.REGIONS)[region]}"]  # the demo's zh label
    settle(dash_duo)
    assert console_problems(dash_duo, "/") == []


def test_phone_tap_on_a_bar_drills_down_and_modals_fit(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    sized(dash_duo, PHONE)
    dash_duo.driver.get(dash_duo.server_url + "/products")
    wait_crumbs(dash_duo, ["All categories"])
    dash_duo.wait_for_element("#prod-level-chart .point", timeout=30)
    time.sleep(0.4)

    # the chart is laid out for the phone: no drag-to-zoom, inside the screen
    layout = dash_duo.driver.execute_script(
        "const g = document.querySelector('#prod-level-chart .js-plotly-plot');"
        "const r = g.getBoundingClientRect();"
        "return {drag: g._fullLayout.dragmode, right: r.right, width: window.innerWidth};")
    assert layout["drag"] is False and layout["right"] <= layout["width"]

    # a tap (a real touch) on a bar is the desktop's click: one level down, in the
    # breadcrumb and the URL
    tap(dash_duo, "#prod-level-chart .point")
    dash_duo.wait_for_contains_text("#prod-level-hint", "Subcategory", timeout=30)
    settle(dash_duo)
    assert len(crumbs(dash_duo)) == 2
    assert "d_category=" in dash_duo.driver.current_url
    # and a click (what a phone's browser also sends) goes one more level down
    time.sleep(0.4)
    bar = in_view(dash_duo, "#prod-level-chart .point")
    ActionChains(dash_duo.driver).move_to_element(bar).click().perform()
    dash_duo.wait_for_contains_text("#prod-level-hint", "Brand", timeout=30)
    settle(dash_duo)
    assert len(crumbs(dash_duo)) == 3
    assert "d_subcategory=" in dash_duo.driver.current_url

    # the wide grid scrolls inside itself, its first column pinned
    pinned = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll("
        "'#prod-grid .ag-pinned-left-header .ag-header-cell')).map(c => c.textContent.trim());")
    assert pinned == ["Brand"]
    assert dash_duo.driver.execute_script(
        "return document.scrollingElement.scrollWidth <= window.innerWidth")

    # a modal fits the screen (Explore's "Save view")
    dash_duo.driver.get(dash_duo.server_url + "/explore")
    dash_duo.wait_for_element(".js-plotly-plot .main-svg", timeout=30)
    settle(dash_duo)
    in_view(dash_duo, "#exp-save-open").click()
    dash_duo.wait_for_element(".modal.show .modal-dialog", timeout=10)
    time.sleep(0.4)  # the fade-in
    box = dash_duo.driver.execute_script(
        "const r = document.querySelector('.modal.show .modal-dialog').getBoundingClientRect();"
        "return [r.left, r.right, window.innerWidth];")
    assert box[0] >= 0 and box[1] <= box[2], box
    settle(dash_duo)
    assert console_problems(dash_duo, "/products, /explore") == []


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_add_to_home_screen_manifest(demo_db: Path) -> None:
    """The page head links the manifest and the touch icon; the manifest names the app,
    its theme colour and icons that exist at the sizes it says."""
    app = create_app(open_duckdb(demo_db))
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/assets/manifest.webmanifest">' in page
    assert '<link rel="apple-touch-icon" href="/assets/icon-180.png">' in page
    assert '<meta name="theme-color" content="#14213d">' in page

    answer = client.get("/assets/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.mimetype in ("application/manifest+json", "application/json")
    manifest = json.loads(answer.get_data(as_text=True))
    assert manifest["name"] == "StockLens" and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#14213d"
    assets = Path(app.config.assets_folder)
    sizes = {"180x180"}
    for icon in manifest["icons"]:
        width, height = _png_size(assets / icon["src"])
        assert f"{width}x{height}" == icon["sizes"] and icon["type"] == "image/png"
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert _png_size(assets / "icon-180.png") == (180, 180)
