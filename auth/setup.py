"""Wiring authentication into the app (called once by app.create_app).

Session cookie: Flask's signed cookie named `stocklens_session`, HttpOnly (no script can
read it), SameSite=Lax (not sent with cross-site POSTs), and Secure whenever the request
came over HTTPS. Behind a TLS-terminating proxy set STOCKLENS_BEHIND_PROXY=1: StockLens
then trusts one proxy's X-Forwarded-Proto / -Host / -For headers (werkzeug's ProxyFix),
so cookies are Secure and logs and rate limits see the client's address, not the
proxy's; STOCKLENS_SECURE_COOKIES=1 forces Secure regardless. Do not set the former
without a proxy in front: clients could then claim any address.

The signing key is $STOCKLENS_SECRET_KEY, else one generated once and kept in the state
database (app_state/server_secret.py), so every worker and every restart agree. Keys
are rotated without signing anyone out through Flask's SECRET_KEY_FALLBACKS: cookies
are signed with the current key, and those signed with an older one are still accepted
(and re-signed with the current key as they are refreshed) — the old keys are
$STOCKLENS_SECRET_KEY_FALLBACKS (comma-separated) when the key comes from the
environment, else the retired stored keys (`app.py users rotate-key`).

Also installed here: the Host check of demo mode (auth/hosts.py, before anything else
runs) and the masking of wall tokens in access logs (auth/access_log.py).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from app_state.server_secret import retired_secrets, stored_secret
from auth.access_log import install_token_masking
from auth.gate import make_gate
from auth.hosts import ALLOWED_HOSTS_KEY, allowed_hosts_from_env, check_host
from auth.identity import ALLOW_DEMO, REMEMBER_DAYS
from auth.views import blueprint

if TYPE_CHECKING:
    import dash

SECRET_ENV = "STOCKLENS_SECRET_KEY"
FALLBACKS_ENV = "STOCKLENS_SECRET_KEY_FALLBACKS"
PROXY_ENV = "STOCKLENS_BEHIND_PROXY"
SECURE_ENV = "STOCKLENS_SECURE_COOKIES"
COOKIE_NAME = "stocklens_session"
MIN_SECRET = 32


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies on HTTPS requests (a flag Flask otherwise only takes from config,
    for every request alike)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (
            has_request_context() and request.is_secure)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def _checked(key: str, where: str) -> str:
    if len(key) < MIN_SECRET:
        raise ValueError(f"{where} must have at least {MIN_SECRET} characters "
                         "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')")
    return key


def secret_key() -> str:
    """$STOCKLENS_SECRET_KEY (at least 32 characters), else the stored one."""
    given = os.environ.get(SECRET_ENV, "")
    if given:
        return _checked(given, f"${SECRET_ENV}")
    return stored_secret()


def secret_key_fallbacks() -> list[str]:
    """The older keys whose cookies are still accepted: $STOCKLENS_SECRET_KEY_FALLBACKS
    with a key from the environment, else the retired stored keys."""
    if os.environ.get(SECRET_ENV, ""):
        return [_checked(key.strip(), f"each key of ${FALLBACKS_ENV}")
                for key in os.environ.get(FALLBACKS_ENV, "").split(",") if key.strip()]
    return retired_secrets()


def apply_signing_keys(server: Flask) -> None:
    """The current key and its fallbacks on the Flask server (read once, at start)."""
    key = secret_key()
    server.secret_key = key
    server.config["SECRET_KEY_FALLBACKS"] = [k for k in secret_key_fallbacks() if k != key]


def install_auth(app: dash.Dash, allow_demo: bool = True) -> None:
    """Sessions, /login and /logout, the access gate and the row-level scope provider.
    `allow_demo`: whether the server may run without login while no account exists."""
    server = app.server
    install_token_masking()
    server.before_request(check_host)  # first: a foreign Host in demo mode runs nothing
    server.config[ALLOWED_HOSTS_KEY] = allowed_hosts_from_env()
    apply_signing_keys(server)
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_flag(SECURE_ENV),
        # The cookie's own lifetime; a login's is shorter and checked on the server
        # (auth/identity.py). A wall screen's session is renewed by each refresh.
        PERMANENT_SESSION_LIFETIME=timedelta(days=REMEMBER_DAYS),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    server.config[ALLOW_DEMO] = allow_demo
    if _flag(PROXY_ENV):
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    server.register_blueprint(blueprint)
    server.before_request(make_gate(lambda: app.callback_map))
