"""Sessions end on the server, attacked over real HTTP: a cookie saved before logging out,
or before "sign out everywhere" (the user menu's button, `app.py users sign-out`), is
refused afterwards — 401 on the API and on Dash's callbacks, a redirect to /login for
pages — while the account's other sessions and other accounts are untouched."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from app_state.audit_log import last_entries
from app_state.db import STATE_DB_ENV
from app_state.sessions import live_session_count
from app_state.users import get_user
from tests.integration import live_server
from tests.integration.auth_support import router_body
from tests.integration.live_server import COOKIE, LiveServer, csrf_in, sign_in

QUERY = {"metrics": ["revenue"], "start": "2026-01-01", "end": "2026-01-31"}
LIVE = (200, None, 200, 200)
SIGNED_OUT = (302, "/login?next=%2F", 401, 401)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("sessions")
    state = folder / "state.sqlite"
    live_server.add_account(state, "ada", "admin")
    live_server.add_account(state, "max", "manager", "region=East")
    running = live_server.serve(state, demo_db, folder / "server.log")
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _server_state(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """This test reads the server's state database (the audit log)."""
    monkeypatch.setenv(STATE_DB_ENV, str(server.state_db))


def probe(base: str, cookie: str) -> tuple[int, str | None, int, int]:
    """(page status, its redirect, API status, callback status) for a bare cookie, as an
    attacker replaying it would send it."""
    jar = {COOKIE: cookie}
    page = requests.get(base + "/", cookies=jar, allow_redirects=False, timeout=60)
    api = requests.post(base + "/api/v1/query", json=QUERY, cookies=jar, timeout=60)
    callback = requests.post(base + "/_dash-update-component", json=router_body("/"),
                             cookies=jar, timeout=60)
    return page.status_code, page.headers.get("Location"), api.status_code, \
        callback.status_code


def cookie_of(browser: requests.Session) -> str:
    value = browser.cookies.get(COOKIE)
    assert value
    return value


def _forms(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "Form":
            yield node["props"]
        for value in node.values():
            yield from _forms(value)
    elif isinstance(node, list):
        for item in node:
            yield from _forms(item)


def menu_form(base: str, browser: requests.Session, action: str) -> dict[str, Any]:
    """The user menu's form posting to `action`, as the rendered board carries it."""
    layout = browser.post(base + "/_dash-update-component", json=router_body("/"),
                          timeout=60)
    assert layout.status_code == 200
    found = [f for f in _forms(layout.json()) if f.get("action") == action]
    assert len(found) == 1, f"no {action} form in the user menu"
    return found[0]


def live_sessions(name: str) -> int:
    """Live sessions of the account (earlier tests on this server leave some)."""
    return live_session_count(get_user(name).id)


def form_csrf(form: dict[str, Any]) -> str:
    children = form["children"]
    hidden = [c["props"] for c in children if c.get("type") == "Input"]
    assert hidden and hidden[0]["name"] == "csrf_token"
    return hidden[0]["value"]


def test_a_cookie_saved_before_logout_is_refused_afterwards(server: LiveServer) -> None:
    base = server.url
    browser, other = sign_in(base, "ada"), sign_in(base, "ada")  # two browsers of ada
    saved = cookie_of(browser)
    assert probe(base, saved) == LIVE
    token = csrf_in(browser.get(base + "/logout", timeout=30).text)
    done = browser.post(base + "/logout", data={"csrf_token": token}, allow_redirects=False,
                        timeout=30)
    assert done.status_code == 303 and done.headers["Location"] == "/login?notice=out"
    assert probe(base, saved) == SIGNED_OUT  # replayed: dead on the server
    refused = requests.post(base + "/api/v1/query", json=QUERY, cookies={COOKIE: saved},
                            timeout=60)
    assert refused.json()["error"].startswith("sign in first")
    assert probe(base, cookie_of(other)) == LIVE  # only that session ended
    assert [e.event for e in last_entries(1)] == ["logout"]


def test_sign_out_everywhere_from_the_user_menu_ends_every_session_of_the_account(
        server: LiveServer) -> None:
    base = server.url
    here, there = sign_in(base, "ada"), sign_in(base, "ada", remember=True)
    manager = sign_in(base, "max")
    saved = [cookie_of(here), cookie_of(there)]
    form = menu_form(base, here, "/logout-everywhere")
    assert form["method"] == "POST"
    # without the form's token (a forged cross-site post): nothing ends
    forged = requests.post(base + "/logout-everywhere", cookies={COOKIE: saved[0]},
                           data={}, allow_redirects=False, timeout=30)
    assert forged.status_code == 400
    assert [probe(base, c) for c in saved] == [LIVE, LIVE]

    before = live_sessions("ada")
    assert before >= 2
    done = here.post(base + "/logout-everywhere", data={"csrf_token": form_csrf(form)},
                     allow_redirects=False, timeout=30)
    assert done.status_code == 303
    assert done.headers["Location"] == "/login?notice=everywhere"
    assert [probe(base, c) for c in saved] == [SIGNED_OUT, SIGNED_OUT]
    assert probe(base, cookie_of(manager)) == LIVE  # another account: untouched
    entry = last_entries(1)[0]
    assert (entry.event, entry.user, entry.detail) == ("logout_everywhere", "ada",
                                                       f"{before} session(s) ended")
    assert live_sessions("ada") == 0
    notice = requests.get(base + "/login?notice=everywhere&lang=en", timeout=30).text
    assert "You are signed out everywhere" in notice
    assert sign_in(base, "ada")  # and signing in again works


def test_users_sign_out_on_the_command_line_ends_the_account_s_sessions(
        server: LiveServer) -> None:
    base = server.url
    browser = sign_in(base, "max")
    saved = cookie_of(browser)
    assert probe(base, saved) == LIVE
    before = live_sessions("max")
    done = live_server.cli(server.state_db, "users", "sign-out", "MAX")
    assert done.returncode == 0, done.stderr
    assert f"max is signed out everywhere ({before} session(s) ended)" in done.stdout
    assert probe(base, saved) == SIGNED_OUT and live_sessions("max") == 0
    assert browser.get(base + "/", allow_redirects=False, timeout=30).status_code == 302
    entry = last_entries(1)[0]
    assert (entry.event, entry.detail) == ("logout_everywhere",
                                           f"max: {before} session(s) ended")
    unknown = live_server.cli(server.state_db, "users", "sign-out", "nobody")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: there is no user named 'nobody'"


def test_the_state_database_made_by_the_command_line_is_private(server: LiveServer) -> None:
    for path in (server.state_db, Path(f"{server.state_db}.lock")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
