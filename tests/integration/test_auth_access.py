"""The access gate on the real app (create_app on the demo data, Flask's test client):
demo mode when no account exists, and once one does, nothing but the login page and
static files without a session."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from app import create_app
from data_connectors.registry import SourceRegistry
from tests.integration.api_support import QUERY_URL, use
from tests.integration.auth_support import (
    login,
    make_user,
    page_text,
    render_page,
    router_body,
)

BANNER = "Demo mode: no login"
QUERY = {"metrics": ["revenue"], "start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, app) -> Iterator[None]:
    use(registry)
    yield


@pytest.fixture()
def client(app) -> FlaskClient:
    return app.server.test_client()  # a fresh cookie jar per test


def test_demo_mode_serves_everything_and_says_so(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200
    page = render_page(client, "/", Origin="http://localhost")
    assert page.status_code == 200 and BANNER in page_text(page)
    assert "Log out" not in page_text(page)
    assert client.post(QUERY_URL, json=QUERY).status_code == 200
    assert "demo mode" in client.get("/login").get_data(as_text=True)


def test_once_an_account_exists_nothing_is_served_without_a_session(
        client: FlaskClient) -> None:
    make_user("ada", "admin")
    response = client.get("/products?region=East")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fproducts%3Fregion%3DEast"
    for path in ("/", "/settings", "/thresholds", "/wall", "/boards/1"):
        assert client.get(path).status_code == 302, path
    for path in ("/_dash-layout", "/_dash-dependencies"):
        refused = client.get(path)
        assert refused.status_code == 401 and refused.get_json()["error"] == "sign in first"
    callback = render_page(client, "/")
    assert callback.status_code == 401
    assert callback.headers["X-StockLens-Login"] == "/login"
    api = client.post(QUERY_URL, json=QUERY)
    assert api.status_code == 401 and set(api.get_json()) == {"error", "field"}
    assert api.headers["WWW-Authenticate"].startswith("Bearer")
    for path in ("/api/v1/metrics", "/api/v1/openapi.json", "/api/v1/nothing"):
        assert client.get(path).status_code == 401, path


def test_login_page_and_static_files_stay_public(app, client: FlaskClient) -> None:
    make_user("ada", "admin")
    signed_in = app.server.test_client()
    login(signed_in, "ada")
    index = signed_in.get("/").get_data(as_text=True)
    bundles = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert bundles
    assert client.get(bundles[0]).status_code == 200  # no session needed for code
    assert client.get("/assets/stocklens.css").status_code == 200
    assert client.get("/assets/auth.js").status_code == 200
    assert client.get("/login").status_code == 200
    assert BANNER not in client.get("/login").get_data(as_text=True)


def test_signed_in_pages_show_who_without_the_demo_banner(client: FlaskClient) -> None:
    make_user("ada", "admin")
    login(client, "ada")
    text = page_text(render_page(client, "/"))
    assert BANNER not in text
    assert "ada" in text and "admin" in text and "Log out" in text


def test_a_cross_site_post_is_refused_even_with_a_session(client: FlaskClient) -> None:
    make_user("ada", "admin")
    login(client, "ada")
    for origin in ("https://evil.example", "null", "http://localhost.evil.example"):
        refused = render_page(client, "/", Origin=origin)
        assert refused.status_code == 403, origin
        assert client.post(QUERY_URL, json=QUERY, headers={"Origin": origin}).status_code \
            == 403
    assert render_page(client, "/", Origin="http://localhost").status_code == 200
    assert render_page(client, "/").status_code == 200  # no Origin (not a browser)


def test_callbacks_need_json_so_a_form_cannot_forge_one(client: FlaskClient) -> None:
    """A cross-site HTML form can only send form encodings; Dash refuses them."""
    make_user("ada", "admin")
    login(client, "ada")
    forged = client.post("/_dash-update-component", data={"output": "x"},
                         content_type="application/x-www-form-urlencoded")
    assert forged.status_code in (400, 415)


def test_a_server_that_required_login_never_opens_up(registry: SourceRegistry) -> None:
    """Started with login required (public address) and every account removed later:
    everything is refused (503) rather than served in demo mode."""
    locked = create_app(registry=registry, allow_demo=False).server.test_client()
    page = locked.get("/")
    assert page.status_code == 503 and "users add" in page.get_data(as_text=True)
    assert locked.post(QUERY_URL, json=QUERY).status_code == 503
    assert locked.post("/_dash-update-component", json=router_body("/")).status_code == 503
