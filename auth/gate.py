"""The access rules every request passes before Flask, Dash or the API see it (one
before_request hook, installed by auth/setup.py).

0. (Before this hook: in demo mode, a request whose Host header is not this computer's
   is refused — DNS rebinding; auth/hosts.py.)
1. Public: /login, /logout, /logout-everywhere (they check their own CSRF token and who
   is signed in), static files (/assets/, /_dash-component-suites/, the favicon).
   Nothing else is, not even Dash's layout and dependency lists.
2. An unsafe request (POST, …) whose Origin header names another host is refused (403):
   a cheap extra defence against cross-site requests (see auth/csrf.py).
3. With no account and a server that may not run without login: 503 for everything.
4. /wall?token=… exchanges a valid wall token for a wall session and redirects to the
   same address without the token (so it stays out of history and Referer headers).
5. On /api/v1, `Authorization: Bearer <token>` identifies the account of an API token.
6. Nobody identified: pages redirect to /login?next=…; Dash's endpoints and the API get
   401 JSON (the API's error shape; Dash's front end is sent to the login page by
   assets/auth.js, told by the X-StockLens-Login header).
7. Every Dash callback request is checked before Dash runs it (auth/callback_request.py):
   its size (413), its shape against the callback it names (400), the permission the
   callback declares (auth/permissions.py; 403, audited). A wall session runs Dash's
   page router only when every path it carries is /wall, and otherwise only callbacks
   defined by the wall's modules (pages/wall.py, components/wall/).
8. A wall session reaches /wall and nothing else.

Pages that are not for everyone also render a "no access" frame (auth/guards.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response, redirect, request

from auth.audit import LOGIN_FAILED, REFUSED, WALL_OPENED, audit
from auth.callback_request import WALL_PATH, Refused, check_call, wall_may_run
from auth.identity import (
    LOCKED,
    LOGIN,
    CurrentUser,
    auth_mode,
    current_user,
    set_request_user,
    start_wall_session,
)
from auth.login_page import message_page
from auth.permissions import DEFAULT_BODY_LIMIT, ROLE_PERMISSIONS, allows, body_limit
from auth.scopes import WALL, scope_text
from auth.tokens import check_api_token, check_wall_token
from i18n import resolve_language, t
from web.json_errors import API_PREFIX, error_response

PUBLIC_PATHS = frozenset({"/login", "/logout", "/logout-everywhere", "/favicon.ico",
                          "/_favicon.ico"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DASH_CALLBACK = "/_dash-update-component"
DASH_DATA = frozenset({"/_dash-layout", "/_dash-dependencies", DASH_CALLBACK})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_HEADER = "X-StockLens-Login"


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _wants_json(path: str) -> bool:
    return path.startswith(API_PREFIX + "/") or path in DASH_DATA \
        or request.method not in SAFE_METHODS


def _refusal(status: int, message: str) -> Response:
    """JSON for the API and Dash's requests, a page for a browser's navigation."""
    if _wants_json(request.path):
        return error_response(status, message)
    return message_page(message, status)


def login_target() -> str:
    """This request's address, for ?next= (a local path, by construction)."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def _unidentified() -> Response:
    login = "/login?" + urlencode({"next": login_target()})
    if request.path.startswith(API_PREFIX + "/"):
        response = error_response(401, "sign in first: send the session cookie of a login, "
                                       "or Authorization: Bearer <API token>")
        response.headers["WWW-Authenticate"] = 'Bearer realm="StockLens"'
        return response
    if _wants_json(request.path):
        response = error_response(401, "sign in first")
        response.headers[LOGIN_HEADER] = "/login"
        return response
    return redirect(login, 302)


def _cross_origin() -> Response | None:
    origin = request.headers.get("Origin")
    if request.method in SAFE_METHODS or origin is None:
        return None
    if urlsplit(origin).netloc.lower() == request.host.lower():
        return None
    # Behind a proxy that rewrites Host, every browser request would land here: say so.
    return error_response(403, f"cross-site request refused: its Origin {origin[:100]!r} is "
                               f"not this server ({request.host[:100]}); behind a reverse "
                               "proxy, pass the original Host header")


def _open_wall() -> Response:
    lang = resolve_language(request.args.get("lang"))
    info = check_wall_token(request.args.get("token", ""))
    if info is None:
        audit(LOGIN_FAILED, "wall token: unknown or revoked", user=None)
        return message_page(t("auth.wall_invalid", lang), 401, lang)
    start_wall_session(info.id)
    audit(WALL_OPENED, f"token {info.ident} board {info.board_id or '-'} "
                       f"scope {scope_text(info.scope)}", user=info.label or info.ident)
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
    response = redirect(WALL_PATH + (f"?{urlencode(rest)}" if rest else ""), 302)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _api_token(token: str) -> Response | None:
    user = check_api_token(token)
    if user is None:
        response = error_response(401, "the API token is unknown or was revoked")
        response.headers["WWW-Authenticate"] = 'Bearer realm="StockLens", error="invalid_token"'
        return response
    set_request_user(CurrentUser(user.name, user.role, user.scope or None, "token", user.id))
    return None


def _callback_call(user: CurrentUser,
                   callback_map: Callable[[], dict[str, Any]]) -> Response | None:
    """A Dash callback request: its size, shape and permission (auth/callback_request.py);
    a wall session's, the wall's callbacks only. A refusal changes nothing; a refused
    permission is audited."""
    size, allowed = request.content_length, ROLE_PERMISSIONS.get(user.role, frozenset())
    largest = max((body_limit(p) for p in allowed), default=DEFAULT_BODY_LIMIT)
    if size is not None and size > largest:
        return error_response(413, f"a callback request of {size:,} bytes is too large "
                                   f"(at most {largest:,})")
    body = request.get_json(silent=True)
    try:
        call = check_call(body, callback_map())
    except Refused as refusal:
        return error_response(refusal.status, refusal.reason)
    if size is not None and size > body_limit(call.permission):
        return error_response(413, f"a callback request of {size:,} bytes is too large "
                                   f"(at most {body_limit(call.permission):,})")
    if not allows(user.role, call.permission):
        audit(REFUSED, f"{call.permission}: {call.module} {call.output[:200]}")
        return error_response(403, f"your role ({user.role}) does not have the "
                                   f"{call.permission} permission this action needs")
    if user.role == WALL and not wall_may_run(call):
        audit(REFUSED, f"wall: {call.module} {call.output[:200]}")
        return error_response(403, t("auth.wall_only", resolve_language()))
    return None


def _wall_only() -> Response | None:
    path = request.path
    if (path == WALL_PATH and request.method in SAFE_METHODS) or \
            path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        return None
    return _refusal(403, t("auth.wall_only", resolve_language()))


def make_gate(callback_map: Callable[[], dict[str, Any]]) -> Callable[[], Response | None]:
    """The before_request hook; `callback_map` gives the Dash app's callbacks."""

    def gate() -> Response | None:
        path = request.path
        if _public(path):
            return None
        refused = _cross_origin()
        if refused is not None:
            return refused
        mode = auth_mode()
        if mode == LOCKED:
            return _refusal(503, t("auth.locked", resolve_language()))
        if path == WALL_PATH and "token" in request.args:
            return _open_wall()
        token = _bearer_token() if path.startswith(API_PREFIX + "/") else None
        if mode == LOGIN and token is not None:
            return _api_token(token)
        user = current_user()
        if user is None:
            return _unidentified()
        if path == DASH_CALLBACK and request.method == "POST":
            return _callback_call(user, callback_map)
        if user.role == WALL:
            return _wall_only()
        return None

    return gate
