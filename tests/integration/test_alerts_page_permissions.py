"""The Alerts page's permissions on the server: every callback of the page declares one;
a manager's rules are addressed to herself (recipients = [her name], e-mail to her own
address, no robot or webhook) whatever the browser sends; she neither sees nor changes
another person's rules; an admin may address a rule to anyone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from app_state import alerts as store
from auth.permissions import EDIT_ALERTS, VIEW, allows
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from tests.integration.api_support import use
from tests.integration.auth_support import body, login, make_user, page_text, render_page

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "/_dash-update-component"
PROBE = """
import json, sqlalchemy as sa
from app import create_app
from auth.permissions import declared
from data_connectors.source import Source
made = create_app(Source("probe", sa.create_engine("sqlite://"), {}))
print(json.dumps({e["callback"].__name__: declared(e["callback"])
                  for e in made.callback_map.values()
                  if getattr(e.get("callback"), "__module__", "") == "pages.alerts"}))
"""


@pytest.fixture(scope="module")
def region(demo_db: Path) -> str:
    source = open_duckdb(demo_db)
    try:
        return source.distinct_values("location", "region")[0]
    finally:
        source.dispose()


@pytest.fixture(autouse=True)
def _accounts(registry: SourceRegistry, app, region: str) -> Iterator[None]:
    use(registry)
    make_user("ada", "admin")
    make_user("max", "manager", {"region": [region]})
    yield


def client_of(app, name: str) -> FlaskClient:
    client = app.server.test_client()
    login(client, name)
    client.get("/")  # Dash fills its callback map on the first request
    return client


def entry(app, name: str) -> tuple[str, dict[str, Any]]:
    """The callback map's key and entry of the Alerts page's callback `name`."""
    found = [(k, v) for k, v in app.callback_map.items()
             if getattr(v.get("callback"), "__module__", "") == "pages.alerts"
             and v["callback"].__name__ == name]
    assert len(found) == 1, name
    return found[0]


def call(client: FlaskClient, app, name: str, **fields: Any) -> Any:
    """Post the callback as Dash's front end would: `fields` by "id.prop", where the id of
    a pattern-matching dependency is its type (one row, key "x"); the first input given
    is the one that changed."""
    key, found = entry(app, name)
    values = {}
    for dep in [*found["inputs"], *found.get("state", [])]:
        raw = str(dep["id"])
        short = json.loads(raw)["type"] if raw.startswith("{") else raw
        if f"{short}.{dep['property']}" in fields:
            values[f"{raw}.{dep['property']}"] = fields[f"{short}.{dep['property']}"]
    return client.post(CALLBACK, json=body({**found, "output": key}, **values))


def save(client: FlaskClient, app, *, name: str, recipients: list[str] | None,
         channel: str, url: str | None = None, to: str | None = None) -> Any:
    return call(client, app, "save", **{
        "al-save.n_clicks": 1, "al-name.value": name, "al-watch.value": "metric",
        "al-metric.value": "revenue", "al-period.value": "last_30_days",
        "al-cond.value": "above", "al-limit.value": 1, "al-cron.value": "0 8 * * *",
        "al-tz.value": "Asia/Shanghai", "al-for.value": 0, "al-repeat.value": 1440,
        "al-recipients.value": recipients, "al-msg-lang.value": "en",
        "al-ch-type.value": channel, "al-ch-url.value": url, "al-ch-secret.value": None,
        "al-ch-to.value": to, "al-ch-type.id": {"key": "x", "type": "al-ch-type"},
        "al-lang.data": "en", "al-refresh.data": 0})


def test_every_callback_of_the_page_declares_a_permission() -> None:
    """Read from an app built in a fresh process (Dash hands a module's callbacks to the
    first app of a process)."""
    env = {**os.environ, "STOCKLENS_STATE_DB": os.environ["STOCKLENS_STATE_DB"] + ".probe"}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    declared = json.loads(done.stdout.strip().splitlines()[-1])
    assert None not in declared.values(), declared
    for changing in ("save", "toggle", "send_test", "ask_delete", "delete", "open_form",
                     "edit_channels"):
        assert declared[changing] == EDIT_ALERTS, changing
    for reading in ("show_rules", "show_log", "show_preview", "next_runs"):
        assert declared[reading] == VIEW, reading
    assert allows("manager", EDIT_ALERTS) and allows("executive", EDIT_ALERTS)
    assert not allows("wall", EDIT_ALERTS)


def answer_text(response: Any) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True))
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_manager_cannot_address_a_rule_to_anyone_else(app) -> None:
    max_ = client_of(app, "max")
    other = save(max_, app, name="To ada", recipients=["ada"], channel="email")
    assert "you may only address rules to yourself (max)" in answer_text(other)
    robot = save(max_, app, name="To a robot", recipients=["max"], channel="webhook",
                 url="http://127.0.0.1:9/hook")
    assert "a webhook channel reaches people whose scope is not checked" in answer_text(robot)
    wecom = save(max_, app, name="To a group", recipients=None, channel="wecom",
                 url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    assert "you may only address rules to yourself" in answer_text(wecom)
    mail = save(max_, app, name="To an address", recipients=["max"], channel="email",
                to="boss@example.com")
    assert "leave the addresses empty" in answer_text(mail)
    assert store.list_rules() == []  # nothing was stored

    own = save(max_, app, name="Mine", recipients=["max"], channel="email")
    assert "Rule “Mine” saved" in answer_text(own)
    [mine] = store.list_rules()
    assert mine.owner == "max"
    assert mine.body["recipients"] == ["max"] and mine.body["channels"] == [{"type": "email"}]


def test_an_admin_may_address_anyone_and_a_manager_may_not_touch_it(app) -> None:
    ada = client_of(app, "ada")
    done = save(ada, app, name="Ops robot", recipients=None, channel="webhook",
                url="http://127.0.0.1:9/hook")
    assert "Rule “Ops robot” saved" in answer_text(done)
    [rule] = store.list_rules()
    assert rule.owner == "ada" and rule.enabled
    unknown = save(ada, app, name="Ghost", recipients=["nobody"], channel="email")
    assert "no enabled account named nobody" in answer_text(unknown)

    max_ = client_of(app, "max")
    text = page_text(render_page(max_, "/alerts"))
    assert "Ops robot" not in text and "127.0.0.1:9" not in text  # not hers to see
    off = call(max_, app, "toggle", **{"al-enable.value": False, "al-refresh.data": 0,
                                        "al-lang.data": "en"})
    assert off.status_code in (200, 204)
    assert store.get_rule(rule.id).enabled  # unchanged: "x" is no rule of hers either
    key, found = entry(app, "toggle")
    crafted = body({**found, "output": key}, **{"al-refresh.data": 0, "al-lang.data": "en"})
    crafted["inputs"] = [[{"id": {"type": "al-enable", "key": f"db:{rule.id}"},
                           "property": "value", "value": False}]]
    crafted["changedPropIds"] = [json.dumps({"key": f"db:{rule.id}", "type": "al-enable"},
                                            separators=(",", ":")) + ".value"]
    refused = max_.post(CALLBACK, json=crafted)
    assert "This rule is not yours to change." in answer_text(refused)
    assert store.get_rule(rule.id).enabled
    renamed = call(max_, app, "save", **{"al-save.n_clicks": 1, "al-editing.data": rule.id,
                                          "al-name.value": "Hijacked", "al-lang.data": "en",
                                          "al-refresh.data": 0})
    assert "This rule is not yours to change." in answer_text(renamed)
    assert store.get_rule(rule.id).name == "Ops robot"
