"""Logging in and out through the real forms: CSRF, cookies, rate limiting, the audit
log, the ?next= redirect, and sessions that end when the account changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from app_state import sessions as sessions_store
from app_state import users as store
from app_state.audit_log import last_entries
from data_connectors.registry import SourceRegistry
from tests.integration.api_support import use
from tests.integration.auth_support import (
    PASSWORD,
    csrf_of,
    login,
    make_user,
    password_hash,
    render_page,
)


@pytest.fixture(autouse=True)
def _answering_from_demo(registry: SourceRegistry, app) -> Iterator[None]:
    use(registry)
    make_user("ada", "admin")
    make_user("max", "manager", {"region": ["East"]})
    yield


@pytest.fixture()
def client(app) -> FlaskClient:
    return app.server.test_client()


def signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_login_with_the_form_s_csrf_token_signs_in_with_safe_cookies(
        client: FlaskClient) -> None:
    response = login(client, "ADA", next_path="/explore?metric=turnover")  # any case
    assert response.status_code == 303
    assert response.headers["Location"] == "/explore?metric=turnover"
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("stocklens_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the HTTPS test
    assert "Expires" not in cookie  # ends with the browser unless "remember me"
    assert signed_in(client)
    entry = last_entries(1)[0]
    assert (entry.event, entry.user, entry.ip) == ("login", "ada", "127.0.0.1")
    assert store.get_user("ada").last_login is not None


def test_over_https_the_cookie_is_secure_and_remember_me_keeps_it(app) -> None:
    client = app.server.test_client()
    token = csrf_of(client.get("/login", base_url="https://stocklens.example"))
    response = client.post("/login", base_url="https://stocklens.example",
                           data={"name": "ada", "password": PASSWORD, "csrf_token": token,
                                 "remember": "1"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("stocklens_session="))
    assert "Secure" in cookie and "Expires" in cookie


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_login_without_the_right_csrf_token_fails(client: FlaskClient,
                                                  token: str | None) -> None:
    client.get("/login")
    data = {"name": "ada", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "expired or did not come from this page" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert last_entries(1)[0].detail == "name 'ada': missing or wrong CSRF token"


def test_another_session_s_csrf_token_does_not_work(app, client: FlaskClient) -> None:
    attacker = app.server.test_client()
    stolen = csrf_of(attacker.get("/login"))
    client.get("/login")
    response = client.post("/login", data={"name": "ada", "password": PASSWORD,
                                           "csrf_token": stolen})
    assert response.status_code == 400 and not signed_in(client)


def test_wrong_passwords_are_audited_then_rate_limited(app, client: FlaskClient) -> None:
    for _ in range(5):
        response = login(client, "max", "wrong password!")
        assert response.status_code == 401
        assert "Wrong user name or password." in response.get_data(as_text=True)
    unknown = login(client, "nobody", "whatever1")
    assert unknown.status_code == 401  # the same answer for a name that does not exist
    limited = login(client, "max")  # even the right password, now
    assert limited.status_code == 429
    assert "try again in 15 minute(s)" in limited.get_data(as_text=True)
    assert 0 < int(limited.headers["Retry-After"]) <= 900
    assert not signed_in(client)
    failed = last_entries(20, "login_failed")
    reasons = [e.detail for e in failed]
    assert reasons == ["name 'max': wrong password"] * 5 + [
        "name 'nobody': unknown user", "name 'max': rate limited"]
    assert all(e.user is None and e.ip == "127.0.0.1" for e in failed)
    assert not any("wrong password!" in e.detail or PASSWORD in e.detail for e in failed)
    # the limit is per name and address: max from elsewhere, ada from here, still may
    elsewhere = app.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(elsewhere, "max").status_code == 303
    assert login(app.server.test_client(), "ada").status_code == 303


def test_a_disabled_account_cannot_sign_in(client: FlaskClient) -> None:
    store.set_disabled("max", True)
    assert login(client, "max").status_code == 401
    assert last_entries(1)[0].detail == "name 'max': account disabled"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_only_leads_to_a_local_path(client: FlaskClient, target: str) -> None:
    response = login(client, "ada", next_path=target)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_logout_needs_its_csrf_token_and_ends_the_session(client: FlaskClient) -> None:
    login(client, "ada")
    assert client.post("/logout", data={}).status_code == 400
    assert signed_in(client)  # a forged logout changes nothing
    token = csrf_of(client.get("/logout"))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/login?notice=out"
    assert any(c.startswith("stocklens_session=;") for c in
               response.headers.getlist("Set-Cookie"))  # the cookie is deleted
    assert not signed_in(client)
    assert render_page(client, "/").status_code == 401
    assert [e.event for e in last_entries(2)] == ["login", "logout"]


CHANGES: dict[str, Callable[[], object]] = {
    "role": lambda: store.set_role("max", "executive"),
    "scope": lambda: store.set_scope("max", {"region": ["West"]}),
    "password": lambda: store.set_password_hash("max", password_hash()),
    "disabled": lambda: store.set_disabled("max", True),
    "removed": lambda: store.remove_user("max"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changing_the_account_ends_its_session_on_the_next_request(
        client: FlaskClient, change: str) -> None:
    login(client, "max")
    assert signed_in(client) and render_page(client, "/").status_code == 200
    CHANGES[change]()
    assert render_page(client, "/").status_code == 401
    assert client.get("/").headers["Location"] == "/login?next=%2F"


def test_a_session_expires_after_twelve_hours(client: FlaskClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The expiry is kept on the server, in the session's row (the cookie holds only its
    # id), so the server's clock is moved on instead of the cookie's issue time.
    login(client, "ada")
    started = sessions_store.now()
    monkeypatch.setattr(sessions_store, "now", lambda: started + timedelta(hours=11.9))
    assert signed_in(client)
    monkeypatch.setattr(sessions_store, "now",
                        lambda: started + timedelta(hours=12, seconds=1))
    assert not signed_in(client)


def test_a_tampered_session_cookie_is_ignored(client: FlaskClient) -> None:
    login(client, "ada")
    cookie = client.get_cookie("stocklens_session")
    client.set_cookie("stocklens_session", cookie.value[:-3] + "AAA")
    assert not signed_in(client)
