"""The Alerts page in a real browser (issue 16's acceptance): create a rule, see its
preview equal the metrics layer's value, "send test" to a webhook that a local HTTP
receiver takes, and see the send in the execution log on the page."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app import create_app
from app_state import alerts as store
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from service import ALL_DATA, evaluate
from tests.browser.test_board import settle
from tests.browser.test_thresholds_page import open_page, type_into

pytestmark = pytest.mark.browser

RULE = "Revenue above 1"


class Receiver:
    """A webhook consumer on 127.0.0.1: records every POST's JSON body, answers 200."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server calls it so
                length = int(self.headers.get("Content-Length", 0))
                received.append({"path": self.path,
                                 "body": json.loads(self.rfile.read(length) or b"{}")})
                answer = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    found.thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


def last_30_days_revenue(db: Path) -> float:
    """Revenue over the 30 days ending on the data's last day, from the metrics layer."""
    source = open_duckdb(db)
    try:
        last = source.date_range()[1]
        query = MetricQuery.create(["revenue"], last - timedelta(days=29), last)
        return float(evaluate(ALL_DATA, query, source).iloc[0]["revenue"])
    finally:
        source.dispose()


def no_browser_errors(dash_duo) -> None:
    settle(dash_duo)
    severe = [e["message"] for e in dash_duo.get_logs() if e.get("level") == "SEVERE"]
    assert severe == []


def choose_in(dash_duo, container_css: str, label: str) -> None:
    """Open the Dash 4 dropdown inside `container_css` and pick the option `label` (a
    single choice closes the menu; Escape would reach the modal)."""
    dash_duo.find_element(f"{container_css} button.dash-dropdown").click()
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    next(o for o in options if o.text.strip() == label).click()


def test_create_preview_send_test_and_see_the_log(dash_duo, demo_db: Path,
                                                  receiver: Receiver) -> None:
    revenue = last_30_days_revenue(demo_db)
    shown = format_value("revenue", revenue, "en")
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    open_page(dash_duo, "/alerts?lang=en", "#al-new")
    dash_duo.wait_for_text_to_equal(".page-title", "Alerts", timeout=30)
    assert dash_duo.find_element("#al-log").text == "Nothing has run yet."

    dash_duo.find_element("#al-new").click()
    dash_duo.wait_for_element("#al-name", timeout=30)
    type_into(dash_duo, "#al-name", RULE)
    assert dash_duo.find_element("#al-metric").text.strip() == "Revenue"  # the default
    # the preview: the value as the signed-in person sees it (demo: all data)
    dash_duo.wait_for_text_to_equal("#al-preview-value", shown, timeout=30)
    dash_duo.wait_for_contains_text("#al-preview-fires", "enter the condition", timeout=30)
    type_into(dash_duo, "#al-limit", "1")
    dash_duo.find_element("#al-name").click()  # leave the field: its value is committed
    dash_duo.wait_for_text_to_equal("#al-preview-fires", "Yes", timeout=30)
    assert dash_duo.find_element("#al-preview-value").text == shown
    assert dash_duo.find_element("#al-preview-status").text == "No target"

    choose_in(dash_duo, ".al-ch-row .al-ch-type", "Webhook (JSON)")
    url = dash_duo.find_element(".al-ch-row .al-ch-url input")
    WebDriverWait(dash_duo.driver, 10).until(lambda _: url.is_displayed())
    url.send_keys(receiver.url)
    dash_duo.find_element("#al-save").click()

    row = f"tr[data-rule='{RULE}']"
    dash_duo.wait_for_element(row, timeout=30)
    dash_duo.wait_for_contains_text("#al-feedback", f"Rule “{RULE}” saved", timeout=30)
    saved = store.list_rules()
    assert [r.name for r in saved] == [RULE]
    assert saved[0].body["metric"] == "revenue"
    assert saved[0].body["condition"] == {"above": 1}
    assert saved[0].body["channels"] == [{"type": "webhook", "url": receiver.url}]
    assert saved[0].body["lang"] == "en"
    assert dash_duo.find_element(f"{row} .al-channels-cell").text.split() == \
        ["Webhook", "(JSON)", receiver.url]

    dash_duo.find_element(f"{row} .al-act-test").click()
    dash_duo.wait_for_contains_text("#al-feedback", f"Test of “{RULE}” sent:", timeout=60)
    assert len(receiver.posts) == 1
    body = receiver.posts[0]["body"]
    assert RULE in body["subject"] and body["data"]["kind"] == "test"
    assert body["data"]["value"] == pytest.approx(revenue)
    assert shown in body["text"]

    line = f"#al-log tr.al-log-line[data-rule='{RULE}']"
    dash_duo.wait_for_element(line, timeout=30)
    text = dash_duo.find_element(line).text
    assert "Test" in text and shown in text and "✓ sent" in text
    assert f"webhook {receiver.url}" in text
    no_browser_errors(dash_duo)


def test_edit_keeps_masked_secrets_then_switch_off_and_delete(dash_duo, demo_db: Path) -> None:
    token, secret = "tok-1234567890", "SEC-abcdef"
    url = f"https://oapi.dingtalk.com/robot/send?access_token={token}"
    rule_id = store.save_rule({
        "name": "Dingtalk watch", "metric": "turnover_days", "period": "last_7_days",
        "condition": {"status": "warn"}, "channels": [{"type": "dingtalk", "url": url,
                                                       "secret": secret}],
        "schedule": "0 9 * * 1", "timezone": "Asia/Shanghai"}, owner=None)
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    row = "tr[data-rule='Dingtalk watch']"
    open_page(dash_duo, "/alerts?lang=en", row)
    assert "access_token=****" in dash_duo.find_element(f"{row} .al-channels-cell").text
    assert dash_duo.find_element(f"{row} .al-schedule-cell").text.startswith("Mondays 09:00")

    dash_duo.find_element(f"{row} .al-act-edit").click()
    dash_duo.wait_for_element("#al-name", timeout=30)
    dash_duo.wait_for_text_to_equal("#al-form-title", "Edit rule: Dingtalk watch", timeout=30)
    url_field = dash_duo.find_element(".al-ch-row .al-ch-url input")
    assert url_field.get_attribute("value") == ""
    assert url_field.get_attribute("placeholder").endswith("access_token=****")
    source = dash_duo.driver.page_source
    assert token not in source and secret not in source  # credentials stay on the server
    dash_duo.wait_for_text_to_equal("#al-preview-fires", "Yes", timeout=30)  # demo: "Watch"
    type_into(dash_duo, "#al-name", "Dingtalk watch, renamed")
    dash_duo.find_element("#al-save").click()
    row = "tr[data-rule='Dingtalk watch, renamed']"
    dash_duo.wait_for_element(row, timeout=30)
    body = store.get_rule(rule_id).body
    assert body["channels"] == [{"type": "dingtalk", "url": url, "secret": secret}]
    assert body["condition"] == {"status": "warn"} and body["schedule"] == "0 9 * * 1"

    dash_duo.find_element(f"{row} .al-switch input").click()
    dash_duo.wait_for_contains_text("#al-feedback", "is off", timeout=30)
    assert store.get_rule(rule_id).enabled is False

    dash_duo.find_element(f"{row} .al-act-delete").click()
    dash_duo.wait_for_contains_text("#al-delete-text", "Dingtalk watch, renamed", timeout=30)
    dash_duo.find_element("#al-delete-confirm").click()
    dash_duo.wait_for_contains_text("#al-feedback", "deleted", timeout=30)
    dash_duo.wait_for_text_to_equal("#al-rules .board-empty-title", "No alert rules yet",
                                    timeout=30)
    assert store.list_rules() == []
    no_browser_errors(dash_duo)
