"""Rotating the key that signs session cookies logs nobody out (Flask's
SECRET_KEY_FALLBACKS): a cookie signed with the old key still opens pages after the new
key is in force, and is re-signed with the new one; once the old key is dropped, only
re-signed cookies work. Both ways of giving the key: the environment, and the stored key
with `app.py users rotate-key`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app_state.server_secret import RETIRED_FOR_S, retired_secrets, rotate_secret, stored_secret
from auth.setup import FALLBACKS_ENV, SECRET_ENV, apply_signing_keys
from cli.main import main
from tests.integration.auth_support import PASSWORD, csrf_of, make_user

COOKIE = "stocklens_session"
K1, K2 = "first-key-" + "1" * 30, "second-key-" + "2" * 30


@pytest.fixture()
def server(app, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app's Flask server; its keys are put back afterwards (the app is shared)."""
    monkeypatch.delenv(SECRET_ENV, raising=False)
    monkeypatch.delenv(FALLBACKS_ENV, raising=False)
    make_user("ada", "admin")
    flask_app = app.server
    before = flask_app.secret_key, flask_app.config["SECRET_KEY_FALLBACKS"]
    yield flask_app
    flask_app.secret_key, flask_app.config["SECRET_KEY_FALLBACKS"] = before


def remembered_cookie(server: Flask) -> str:
    """Sign in with "keep me signed in" (a permanent cookie, re-signed on each request)."""
    client = server.test_client()
    token = csrf_of(client.get("/login"))
    response = client.post("/login", data={"name": "ada", "password": PASSWORD,
                                           "csrf_token": token, "remember": "1"})
    assert response.status_code == 303
    return client.get_cookie(COOKIE).value


def opens_the_board(server: Flask, cookie: str) -> tuple[bool, str | None]:
    """Whether a browser with this cookie gets the board, and the cookie it is sent back."""
    client = server.test_client()
    client.set_cookie(COOKIE, cookie)
    response = client.get("/")
    returned = client.get_cookie(COOKIE)
    return response.status_code == 200, returned.value if returned else None


def test_a_new_key_in_the_environment_accepts_the_old_key_s_cookies(
        server: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, K1)
    apply_signing_keys(server)
    old = remembered_cookie(server)

    monkeypatch.setenv(SECRET_ENV, K2)
    monkeypatch.setenv(FALLBACKS_ENV, f" {K1} ,")
    apply_signing_keys(server)
    assert server.secret_key == K2 and server.config["SECRET_KEY_FALLBACKS"] == [K1]
    works, resigned = opens_the_board(server, old)
    assert works and resigned is not None and resigned != old  # re-signed with K2

    monkeypatch.delenv(FALLBACKS_ENV)  # the old key dropped
    apply_signing_keys(server)
    assert opens_the_board(server, old)[0] is False
    assert opens_the_board(server, resigned)[0] is True


def test_a_fallback_key_must_be_long_enough(server: Flask,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, K2)
    monkeypatch.setenv(FALLBACKS_ENV, f"{K1},short")
    with pytest.raises(ValueError, match=FALLBACKS_ENV):
        apply_signing_keys(server)


def test_rotating_the_stored_key_keeps_sessions_until_the_old_key_is_forgotten(
        server: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    apply_signing_keys(server)
    first = stored_secret()
    assert server.secret_key == first and server.config["SECRET_KEY_FALLBACKS"] == []
    old = remembered_cookie(server)

    assert main(["users", "rotate-key"]) == 0
    assert "Cookies signed with the old one keep working for 30 more day(s)" in \
        capsys.readouterr().out
    apply_signing_keys(server)  # what a restart does
    assert server.secret_key == stored_secret() != first
    assert server.config["SECRET_KEY_FALLBACKS"] == [first]
    works, resigned = opens_the_board(server, old)
    assert works and resigned != old

    assert main(["users", "rotate-key", "--forget-old"]) == 0
    assert "everyone signs in again" in capsys.readouterr().out
    apply_signing_keys(server)
    assert server.config["SECRET_KEY_FALLBACKS"] == []
    assert opens_the_board(server, old)[0] is False
    assert opens_the_board(server, resigned)[0] is False  # signed with the forgotten key


def test_a_retired_key_is_accepted_as_long_as_the_longest_session() -> None:
    first = stored_secret()
    rotate_secret(at=1_000_000.0)
    assert retired_secrets(at=1_000_000.0 + RETIRED_FOR_S - 60) == [first]
    assert retired_secrets(at=1_000_000.0 + RETIRED_FOR_S) == []
    second = stored_secret()
    rotate_secret(at=1_000_000.0 + RETIRED_FOR_S + 1)  # forgets the stale one
    assert retired_secrets(at=1_000_000.0 + RETIRED_FOR_S + 2) == [second]
