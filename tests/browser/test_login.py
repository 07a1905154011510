"""Signing in with a real browser: the login page, a manager who sees only their region
(filter choices and KPI numbers equal the metrics layer's for it), and logging out."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import create_app
from data_connectors.source import open_duckdb
from tests.browser.test_board import expected_revenue, settle
from tests.integration.auth_support import PASSWORD, make_user

pytestmark = pytest.mark.browser


def sign_in(dash_duo, name: str, password: str = PASSWORD) -> None:
    dash_duo.wait_for_element("#login-name", timeout=30)
    dash_duo.find_element("#login-name").send_keys(name)
    dash_duo.find_element("#login-password").send_keys(password)
    dash_duo.find_element("#login-submit").click()


def region_choices(dash_duo) -> list[str]:
    dash_duo.find_element("#ov-filter-region").click()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    texts = [o.text.strip() for o in options]
    dash_duo.find_element("body").send_keys("\ue00c")  # Escape closes the menu
    return texts


def test_a_manager_signs_in_sees_their_region_only_and_logs_out(dash_duo,
                                                                 demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    regions = source.distinct_values("location", "region")
    source.dispose()
    mine = regions[0]
    make_user("max", "manager", {"region": [mine]})
    dash_duo.start_server(create_app(open_duckdb(demo_db)), navigate=False)
    base = dash_duo.server.url

    dash_duo.driver.get(base + "/?lang=en")
    assert "/login?next=" in dash_duo.driver.current_url  # no session: the login page
    sign_in(dash_duo, "max", "not the password")
    dash_duo.wait_for_contains_text("#auth-message", "Wrong user name or password",
                                    timeout=30)
    dash_duo.find_element("#login-name").clear()
    sign_in(dash_duo, "max")

    # back on the board it asked for, with the manager's region's numbers
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", expected_revenue(demo_db, mine),
                                    timeout=30)
    assert expected_revenue(demo_db, mine) != expected_revenue(demo_db, None)
    assert dash_duo.driver.current_url.endswith("/?lang=en")
    assert region_choices(dash_duo) == [mine]
    user = dash_duo.find_element("#nav-user").text
    assert "max" in user and "manager" in user
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#demo-banner")

    settle(dash_duo)
    dash_duo.find_element("#logout-button").click()
    dash_duo.wait_for_contains_text("#auth-message", "You are signed out.", timeout=30)
    dash_duo.driver.get(base + "/")
    dash_duo.wait_for_element("#login-name", timeout=30)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"
            and "/login" not in e.get("message", "")] == []


def test_without_accounts_the_board_shows_the_demo_banner(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_contains_text("#demo-banner", "Demo mode: no login", timeout=30)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#logout-button")
    settle(dash_duo)
