"""DNS rebinding: in demo mode (no accounts, serving on loopback) the server answers only
requests addressed to this computer. Attacked over real HTTP with `Host:
evil.example.com` (what a rebinding page's requests carry): 400 with the reason, before
the API, Dash or even the static files run. With accounts, Host is not restricted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from app_state.db import STATE_DB_ENV
from auth.hosts import ALLOWED_HOSTS_KEY, allowed_hosts_from_env, host_name, local_host
from tests.integration import live_server
from tests.integration.auth_support import router_body
from tests.integration.live_server import LiveServer

EVIL = "evil.example.com"
QUERY = {"metrics": ["revenue"], "start": "2026-01-01", "end": "2026-01-31"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Iterator[LiveServer]:
    """`app.py serve` without any account: demo mode on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("hosts")
    running = live_server.serve(folder / "state.sqlite", demo_db, folder / "server.log")
    yield running
    running.stop()


def get(server: LiveServer, path: str, host: str) -> requests.Response:
    return requests.get(server.url + path, headers={"Host": host}, allow_redirects=False,
                        timeout=60)


@pytest.mark.parametrize("host", [EVIL, f"{EVIL}:8050", "127.0.0.1.evil.example.com",
                                  "localhost.evil.example.com", "192.168.1.20",
                                  "127.0.0.1@evil.example.com"])
def test_demo_mode_refuses_a_foreign_host_on_every_path(server: LiveServer, host: str) -> None:
    for path in ("/", "/wall", "/login", "/assets/stocklens.css", "/api/v1/metrics",
                 "/_dash-layout"):
        response = get(server, path, host)
        assert response.status_code == 400, (path, response.status_code)
        if path.startswith(("/api/", "/_dash-")):
            body = response.json()
            assert body["field"] is None and "only answers requests addressed to this " \
                                              "computer" in body["error"]
        else:
            assert response.headers["Content-Type"].startswith("text/plain")
            assert "STOCKLENS_ALLOWED_HOSTS" in response.text


def test_a_rebinding_page_can_neither_read_nor_write(server: LiveServer) -> None:
    headers = {"Host": EVIL, "Origin": f"http://{EVIL}"}  # same-origin for the page
    api = requests.post(server.url + "/api/v1/query", json=QUERY, headers=headers,
                        timeout=60)
    assert api.status_code == 400 and EVIL in api.json()["error"]
    callback = requests.post(server.url + "/_dash-update-component",
                             json=router_body("/thresholds"), headers=headers, timeout=60)
    assert callback.status_code == 400 and "rows" not in callback.text
    # the same requests addressed to this computer are answered
    local = requests.post(server.url + "/api/v1/query", json=QUERY, timeout=60)
    assert local.status_code == 200 and "rows" in local.json()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.1:{port}",
                                  "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_demo_mode_answers_loopback_hosts(server: LiveServer, host: str) -> None:
    port = server.url.rsplit(":", 1)[1]
    assert get(server, "/api/v1/metrics", host.format(port=port)).status_code == 200


def test_with_accounts_the_host_is_not_restricted(server: LiveServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATE_DB_ENV, str(server.state_db))
    live_server.add_account(server.state_db, "ada", "admin")  # login mode from now on
    try:
        page = get(server, "/", EVIL)
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")
        assert get(server, "/api/v1/metrics", EVIL).status_code == 401
        assert get(server, "/login", EVIL).status_code == 200
    finally:
        done = live_server.cli(server.state_db, "users", "remove", "ada")
        assert done.returncode == 0, done.stderr
    assert get(server, "/", EVIL).status_code == 400  # demo mode again


def test_an_allow_list_adds_names(app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOCKLENS_ALLOWED_HOSTS", " StockLens.lan, .corp.example ,")
    allowed = allowed_hosts_from_env()
    assert allowed == ["stocklens.lan", ".corp.example"]
    monkeypatch.setitem(app.server.config, ALLOWED_HOSTS_KEY, allowed)
    client = app.server.test_client()
    for host, status in (("stocklens.lan:8050", 200), ("bi.corp.example", 200),
                         ("corp.example", 400), ("corp.example.evil.com", 400),
                         (EVIL, 400)):
        assert client.get("/api/v1/metrics", headers={"Host": host}).status_code == status, \
            host


def test_host_names_are_parsed_like_werkzeug_does() -> None:
    assert host_name("[::1]:8050") == "::1" and host_name("LocalHost:1") == "localhost"
    assert host_name("127.0.0.1:99999") is None and host_name("a b") is None
    assert host_name("") is None
    assert local_host("[::1]") and local_host("127.0.0.2:80")
    assert not local_host("[::2]:80") and not local_host("0.0.0.0:8050")
