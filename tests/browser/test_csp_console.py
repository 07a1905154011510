"""The Content-Security-Policy in a real browser (web/headers.py): every page opens with a
clean console — no SEVERE entry, no CSP violation — including what the pages inject while
they run (a filter change on the board, a drill level, the wall's rotation, signing in and
out), and the policy really is enforced (a string eval is refused)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from app import create_app
from data_connectors.source import open_duckdb
from tests.browser.test_board import choose_option, expected_revenue, settle
from tests.browser.test_drill_pages import click_row, grid_rows, wait_crumbs
from tests.browser.test_login import sign_in
from tests.integration.auth_support import make_user

pytestmark = pytest.mark.browser

# every page, and what shows it has rendered (a grid row, a chart, or its title)
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
    "/boards": ".page-title",
    "/thresholds": ".page-title",
    "/settings": ".page-title",
    "/import": ".page-title",
    "/alerts": ".page-title",
    "/login": ".auth-card",
    "/wall?rotate=5": ".wall-counts",
}
# an inline script injected into the page (as an XSS would): the policy must not run it
INJECTED = """
window.__injectedRan = false;
const script = document.createElement('script');
script.textContent = 'window.__injectedRan = true;';
document.head.appendChild(script);
return window.__injectedRan;"""


def console_problems(dash_duo, where: str) -> list[str]:
    """SEVERE console entries and CSP reports since the last call (reading drains them)."""
    settle(dash_duo)
    return [f"{where}: {e['message'][:300]}" for e in dash_duo.driver.get_log("browser")
            if e.get("level") == "SEVERE" or "Content Security Policy" in e["message"]]


def open_page(dash_duo, path: str) -> list[str]:
    dash_duo.driver.get(dash_duo.server.url + path)
    dash_duo.wait_for_element(PAGES.get(path, ".page-title"), timeout=30)
    return console_problems(dash_duo, path)


def assert_policy_served(url: str) -> None:
    """The page the browser gets carries the policy, with scripts allowed by hash only."""
    policy = requests.get(url, timeout=30).headers["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'sha256-" in script_src and "unsafe" not in script_src, policy


def test_every_page_has_a_clean_console_under_the_policy(dash_duo, demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    region = source.distinct_values("location", "region")[0]
    category = source.distinct_values("sku", "category")[0]
    source.dispose()
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    assert_policy_served(dash_duo.server.url + "/")

    problems: list[str] = []
    for path in PAGES:
        problems += open_page(dash_duo, path)

    # the board: a filter change re-renders cards and charts
    problems += open_page(dash_duo, "/")
    choose_option(dash_duo, "ov-filter-region", region)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", expected_revenue(demo_db, region),
                                    timeout=30)
    problems += console_problems(dash_duo, "/ region filter")

    # a drill level on the products page: the grid and chart are rebuilt
    problems += open_page(dash_duo, "/products")
    wait_crumbs(dash_duo, ["All categories"])
    click_row(dash_duo, category, "category")
    wait_crumbs(dash_duo, ["All categories", category])
    assert len(grid_rows(dash_duo)) > 2
    problems += console_problems(dash_duo, "/products drill")

    # Explore: open a metric menu (a dropdown rendered on demand)
    problems += open_page(dash_duo, "/explore")
    dash_duo.find_element(".dash-dropdown").click()
    dash_duo.wait_for_element(".dash-dropdown-option", timeout=30)
    dash_duo.find_element("body").send_keys("\ue00c")
    problems += console_problems(dash_duo, "/explore menu")

    assert problems == [], "\n".join(problems[:10])

    # and the policy is in force, not just sent: an injected inline script does not run
    assert dash_duo.driver.execute_script(INJECTED) is False
    reports = dash_duo.driver.get_log("browser")
    assert any("Content Security Policy" in e["message"] for e in reports), reports


def test_signing_in_and_out_under_the_policy(dash_duo, demo_db: Path) -> None:
    make_user("ada", "admin")
    dash_duo.start_server(create_app(open_duckdb(demo_db)), navigate=False)
    dash_duo.driver.get(dash_duo.server.url + "/?lang=en")
    assert "/login?next=" in dash_duo.driver.current_url
    assert_policy_served(dash_duo.server.url + "/login")
    problems = console_problems(dash_duo, "/login")

    sign_in(dash_duo, "ada")  # a form post and a redirect (form-action 'self')
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", expected_revenue(demo_db, None),
                                    timeout=30)
    problems += console_problems(dash_duo, "/ signed in")
    for path in ("/products", "/boards", "/thresholds"):
        problems += open_page(dash_duo, path)

    dash_duo.find_element("#logout-button").click()
    dash_duo.wait_for_contains_text("#auth-message", "You are signed out.", timeout=30)
    problems += console_problems(dash_duo, "/logout")
    assert problems == [], "\n".join(problems[:10])
