"""The access rules every request passes before Flask, Dash or the API see it (one
before_request hook, installed by auth/setup.py).

1. Public: /login, /logout (they check their own CSRF token), static files (/assets/,
   /_dash-component-suites/, the favicon). Nothing else is, not even Dash's layout and
   dependency lists.
2. An unsafe request (POST, …) whose Origin header names another host is refused (403):
   a cheap extra defence against cross-site requests (see auth/csrf.py).
3. With no account and a server that may not run without login: 503 for everything.
4. /wall?token=… exchanges a valid wall token for a wall session and redirects to the
   same address without the token (so it stays out of history and Referer headers).
5. On /api/v1, `Authorization: Bearer <token>` identifies the account of an API token.
6. Nobody identified: pages redirect to /login?next=…; Dash's endpoints and the API get
   401 JSON (the API's error shape; Dash's front end is sent to the login page by
   assets/auth.js, told by the X-StockLens-Login header).
7. A wall session reaches /wall and the callbacks of the wall page only (403 otherwise):
   Dash's page router only for the path /wall, any other callback only if it was
   defined by the wall's modules (pages/wall.py, components/wall_*.py).

Roles beyond that (admin pages) are the pages' business: auth/guards.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response, redirect, request

from auth.audit import LOGIN_FAILED, WALL_OPENED, audit
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
from auth.scopes import WALL, scope_text
from auth.tokens import check_api_token, check_wall_token
from i18n import resolve_language, t
from web.json_errors import API_PREFIX, error_response

PUBLIC_PATHS = frozenset({"/login", "/logout", "/favicon.ico", "/_favicon.ico"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DASH_CALLBACK = "/_dash-update-component"
DASH_DATA = frozenset({"/_dash-layout", "/_dash-dependencies", DASH_CALLBACK})
WALL_PATH = "/wall"
# The wall page module and the wall's component package: a callback defined anywhere else
# (a moved or new module included) is refused to a wall session: the check fails closed.
WALL_PAGE, WALL_PACKAGE = "pages.wall", "components.wall."
PAGES_CONTENT, PAGES_LOCATION = "_pages_content", "_pages_location"
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


def _listed(value: Any) -> list[dict[str, Any]]:
    """Dash sends one output/input as a dict, several as a list (of lists for ALL)."""
    if isinstance(value, dict):
        return [value]
    out: list[dict[str, Any]] = []
    for item in value if isinstance(value, list) else []:
        out.extend(_listed(item))
    return out


def wall_callback_allowed(body: Any, callback_map: dict[str, Any]) -> bool:
    """Whether a wall session may run the callback this request body calls."""
    if not isinstance(body, dict):
        return False
    outputs = _listed(body.get("outputs"))
    if any(o.get("id") == PAGES_CONTENT for o in outputs):
        paths = [i.get("value") for i in _listed(body.get("inputs"))
                 if i.get("id") == PAGES_LOCATION and i.get("property") == "pathname"]
        return paths == [WALL_PATH]
    entry = callback_map.get(str(body.get("output")))
    module = getattr(entry.get("callback"), "__module__", "") if isinstance(entry, dict) else ""
    return module == WALL_PAGE or module.startswith(WALL_PACKAGE)


def _wall_only(callback_map: Callable[[], dict[str, Any]]) -> Response | None:
    path = request.path
    if (path == WALL_PATH and request.method in SAFE_METHODS) or \
            path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        return None
    if path == DASH_CALLBACK and wall_callback_allowed(request.get_json(silent=True),
                                                       callback_map()):
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
        if user.role == WALL:
            return _wall_only(callback_map)
        return None

    return gate
