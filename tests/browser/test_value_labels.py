"""The demo's names follow the UI language (issue 24): a Chinese page shows 华东, 饮料 and
Chinese SKU names where the data stores East, Beverages and English names, and a filter
picked by its Chinese label still filters (and links) by the stored value."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app import create_app
from data_connectors.demo import names
from data_connectors.source import open_duckdb
from tests.browser.test_board import choose_option, settle
from tests.browser.test_board_tiles import eventually

pytestmark = pytest.mark.browser

ZH_CATEGORIES = {c.name[1] for c in names.CATEGORIES}
EN_CATEGORIES = {c.name[0] for c in names.CATEGORIES}
CELLS = ("return Array.from(document.querySelectorAll("
         "\".ag-center-cols-container .ag-row .ag-cell[col-id='%s']\"))"
         ".map(e => e.textContent.trim());")
TICKS = ("return Array.from(document.querySelectorAll('#prod-level-chart .ytick text'))"
         ".map(e => e.textContent.trim());")


def cells(dash_duo, column: str) -> list[str]:
    return dash_duo.driver.execute_script(CELLS % column)


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_products_show_names_in_the_ui_language(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    for lang, expected in (("zh", ZH_CATEGORIES), ("en", EN_CATEGORIES)):
        dash_duo.driver.get(f"{dash_duo.server_url}/products?lang={lang}")
        want = len(expected)
        eventually(lambda: len(cells(dash_duo, "category")), want, timeout=90)
        settle(dash_duo)
        assert set(cells(dash_duo, "category")) == expected, lang
        assert set(dash_duo.driver.execute_script(TICKS)) <= expected, lang
    # SKU names: the Chinese name of every SKU shown, the English one in English
    for lang in ("zh", "en"):
        dash_duo.driver.get(f"{dash_duo.server_url}/explore?m=revenue&by=sku&chart=table"
                            f"&lang={lang}")
        eventually(lambda: len(cells(dash_duo, "sku_name")) > 5, True, timeout=90)
        settle(dash_duo)
        shown = cells(dash_duo, "sku_name")
        assert all(chinese(n) for n in shown) if lang == "zh" else \
            all(n.isascii() for n in shown), (lang, shown[:5])
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_a_region_picked_in_chinese_filters_by_the_stored_value(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(f"{dash_duo.server_url}/products?lang=zh")
    eventually(lambda: len(cells(dash_duo, "category")) > 0, True, timeout=90)
    settle(dash_duo)
    choose_option(dash_duo, "prod-filter-region", "华东")
    eventually(lambda: parse_qs(urlparse(dash_duo.driver.current_url).query).get("region"),
               ["East"], timeout=30)
    assert "华东" in dash_duo.find_element("#prod-filter-region").text
    # the same URL in English names the region in English and shows the same rows
    dash_duo.driver.get(dash_duo.driver.current_url.replace("lang=zh", "lang=en"))
    eventually(lambda: "East" in dash_duo.find_element("#prod-filter-region").text, True,
               timeout=30)
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_a_supplier_clicked_in_chinese_lists_its_skus(dash_duo, demo_db: Path) -> None:
    """The supplier grid shows Chinese names; a click still picks the stored one."""
    zh_of = {names.supplier_name(b, c.name, "en"): names.supplier_name(b, c.name, "zh")
             for c in names.CATEGORIES for b in c.brands}
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.driver.get(f"{dash_duo.server_url}/suppliers?lang=zh")
    first = "#sup-grid .ag-center-cols-container .ag-row[row-index='0'] .ag-cell[col-id='supplier']"
    dash_duo.wait_for_element(first, timeout=90)
    settle(dash_duo)
    shown = dash_duo.find_element(first).text.strip()
    assert shown in zh_of.values()
    # dispatched in the page, as tests/browser/test_drill_pages.py does: Selenium misplaces
    # the point inside AG Grid's own scrolling viewport
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});"
                                   "arguments[0].click();", dash_duo.find_element(first))
    eventually(lambda: parse_qs(urlparse(dash_duo.driver.current_url).query).get("supplier"),
               [next(en for en, zh in zh_of.items() if zh == shown)], timeout=30)
    dash_duo.wait_for_contains_text("#sup-sku-title", shown, timeout=30)
    assert all(chinese(n) for n in cells(dash_duo, "sku_name") if n)
    settle(dash_duo)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
