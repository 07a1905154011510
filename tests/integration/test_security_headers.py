"""Security headers over real HTTP (web/headers.py): the running server answers every kind
of request — a page, the JSON API, Dash's endpoints, assets, redirects, 401 and 404 — with
the Content-Security-Policy, X-Content-Type-Options, Referrer-Policy and framing headers;
the page's inline scripts are exactly the ones the policy's hashes allow; framing and HSTS
follow their environment variables."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from app import create_app
from data_connectors.source import open_duckdb
from metrics.thresholds import set_threshold_provider
from tests.integration.auth_support import PASSWORD, make_user, router_body
from web.headers import FRAME_ANCESTORS_ENV, HSTS_ENV

QUERY = {"metrics": ["revenue"], "start": "2026-01-01", "end": "2026-01-31"}


def directives(response: requests.Response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_secured(response: requests.Response, framing: str = "'none'") -> None:
    """The headers every answer carries, whatever its kind and status."""
    where = f"{response.request.method} {response.url} → {response.status_code}"
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    csp = directives(response)
    assert csp["default-src"] == ["'self'"], where
    assert csp["frame-ancestors"] == [framing], where
    assert csp["object-src"] == ["'none'"], where
    script = csp["script-src"]
    assert script[0] == "'self'" and all(s.startswith("'sha256-") for s in script[1:]), where
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert "Strict-Transport-Security" not in headers, where  # off unless STOCKLENS_HSTS


@pytest.fixture(scope="module")
def base_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a real socket (werkzeug's threaded server), with one account, so pages
    without a session redirect to /login."""
    with pytest.MonkeyPatch.context() as patch:  # a state database for the whole module
        state = tmp_path_factory.mktemp("headers-state") / "state.sqlite"
        patch.setenv("STOCKLENS_STATE_DB", str(state))
        patch.setenv("STOCKLENS_FORECAST_JOB", "off")
        make_user("ada", "admin")
        app = create_app(open_duckdb(demo_db), allow_demo=False)
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(10)
            set_threshold_provider(None)


@pytest.fixture(autouse=True)
def state_db(base_url: str) -> None:
    """The module's server keeps its own state database (overrides the per-test one)."""


@pytest.fixture(scope="module")
def signed_in(base_url: str) -> Iterator[requests.Session]:
    with requests.Session() as session:
        form = session.get(f"{base_url}/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token, "no CSRF field on the login page"
        answer = session.post(f"{base_url}/login", allow_redirects=False, data={
            "name": "ada", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"})
        assert answer.status_code in (302, 303), answer.text[:200]
        assert_secured(answer)  # the login's redirect
        yield session


def test_a_page_and_its_inline_scripts(base_url: str, signed_in: requests.Session) -> None:
    page = signed_in.get(f"{base_url}/products")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert_secured(page)
    # every script the page runs inline is allowed by one of the policy's hashes
    html = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)  # (Dash's IE-only script)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    code = [body for attrs, body in inline if "application/json" not in attrs]
    assert code, "Dash's page has inline scripts (at least the renderer's start-up)"
    allowed = set(directives(page)["script-src"][1:])
    for body in code:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, body[:80]


def test_the_api_and_dash_endpoints(base_url: str, signed_in: requests.Session) -> None:
    answer = signed_in.post(f"{base_url}/api/v1/query", json=QUERY)
    assert answer.status_code == 200 and "rows" in answer.text
    assert_secured(answer)
    refused = signed_in.post(f"{base_url}/api/v1/query", json={"metrics": ["nope"]})
    assert refused.status_code == 400
    assert_secured(refused)
    for path in ("/_dash-layout", "/_dash-dependencies"):
        answer = signed_in.get(base_url + path)
        assert answer.status_code == 200, path
        assert_secured(answer)
    callback = signed_in.post(f"{base_url}/_dash-update-component",
                              json=router_body("/products"))
    assert callback.status_code == 200 and "_pages_content" in callback.text
    assert_secured(callback)
    malformed = signed_in.post(f"{base_url}/_dash-update-component", data=b"{not json",
                               headers={"Content-Type": "application/json"})
    assert 400 <= malformed.status_code < 500
    assert_secured(malformed)


def test_assets_and_component_suites(base_url: str, signed_in: requests.Session) -> None:
    page = signed_in.get(f"{base_url}/").text
    bundle = re.search(r'src="(/_dash-component-suites/[^"]+)"', page)
    assert bundle, "the page loads Dash's bundles from this server"
    for path in ("/assets/stocklens.css", "/assets/stocklens.js", bundle.group(1)):
        answer = signed_in.get(base_url + path)
        assert answer.status_code == 200, path
        assert_secured(answer)


def test_redirects_and_error_answers(base_url: str, signed_in: requests.Session) -> None:
    anonymous = requests.get(f"{base_url}/products", allow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert "/login" in anonymous.headers["Location"]
    assert_secured(anonymous)
    for path in ("/api/v1/query", "/_dash-layout"):  # no session: 401
        answer = requests.get(base_url + path) if path != "/api/v1/query" else \
            requests.post(base_url + path, json=QUERY)
        assert answer.status_code == 401, path
        assert_secured(answer)
    login = requests.get(f"{base_url}/login")
    assert login.status_code == 200
    assert_secured(login)
    for path in ("/assets/no-such-file.css", "/api/v1/no-such-endpoint"):
        missing = signed_in.get(base_url + path)
        assert missing.status_code == 404, path
        assert_secured(missing)
    wrong_method = signed_in.delete(f"{base_url}/api/v1/query")
    assert wrong_method.status_code == 405
    assert_secured(wrong_method)


def test_embedding_and_hsts_follow_the_environment(
        demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOCKLENS_STATE_DB", str(tmp_path / "state.sqlite"))  # demo mode
    monkeypatch.setenv(FRAME_ANCESTORS_ENV, "https://intranet.example.com  'self'")
    monkeypatch.setenv(HSTS_ENV, "1")
    client = create_app(open_duckdb(demo_db)).server.test_client()
    board = client.get("/")
    assert board.status_code == 200
    assert "frame-ancestors https://intranet.example.com 'self'" in \
        board.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in board.headers  # it has no equal of a list of origins
    assert "Strict-Transport-Security" not in board.headers  # never over plain HTTP
    secure = client.get("/", base_url="https://127.0.0.1")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    # the login form is never framed by another site
    login = client.get("/login")
    assert login.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]

    monkeypatch.setenv(FRAME_ANCESTORS_ENV, "'self'")
    monkeypatch.delenv(HSTS_ENV)
    client = create_app(open_duckdb(demo_db)).server.test_client()
    board = client.get("/", base_url="https://127.0.0.1")
    assert board.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in board.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in board.headers

    monkeypatch.setenv(FRAME_ANCESTORS_ENV, "https://a.example.com; script-src *")
    with pytest.raises(ValueError, match=FRAME_ANCESTORS_ENV):
        create_app(open_duckdb(demo_db))
