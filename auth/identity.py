"""Who is asking: the signed-in account, a wall screen's token, an API token — or, in
demo mode, nobody in particular, who may see everything.

Sessions are Flask's signed cookie (auth/setup.py configures it). An account's session
holds only a random session id, whose row in the state database (app_state/sessions.py)
says whose it is, until when, with which account `version`, and whether it was revoked;
a wall session holds its token's id. Both are checked against the database on every
request (small reads, cached for the request in flask.g), so logging out, signing out
everywhere, disabling an account, changing its role, scope or password, or revoking a
wall token, takes effect on the next request in every server process — and a cookie
saved before is worth nothing afterwards: nothing about rights is trusted from it.

Why not Flask-Login: it keeps the user id in the cookie and has no server-side end of a
session; revocation would still need this table and this lookup, so it would add a
dependency without removing any of this code.

The mode (login required, demo, or locked) is decided per request as well: "login" as
soon as one enabled account exists; without any, "demo" where the server was allowed to
run without login (a loopback address, or STOCKLENS_ALLOW_NO_AUTH=1), else "locked" —
a public server whose last account was removed refuses everyone instead of opening up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g, has_request_context, session

from app_state.sessions import create_session, live_session, revoke_session
from app_state.users import any_enabled_user, get_user_by_id
from auth.scopes import ADMIN, WALL, Scope

# The session's keys: an account's session id, a wall's token id, the CSRF token.
SESSION_ID, WALL_TOKEN, CSRF = "sid", "wall", "csrf"
SESSION_HOURS = 12
REMEMBER_DAYS = 30
ALLOW_DEMO = "STOCKLENS_ALLOW_DEMO"  # Flask config key set by auth/setup.py
LOGIN, DEMO, LOCKED = "login", "demo", "locked"


@dataclass(frozen=True)
class WallBinding:
    """What a wall token allows: one board (None: the wall's own panels only) and one
    scope ({}: all data)."""

    token_id: int
    board_id: int | None
    scope: Scope
    label: str | None


@dataclass(frozen=True)
class CurrentUser:
    """The identity of a request. `scope` None means all data. `via` is "session" (an
    account signed in with its password), "token" (an API token), "wall" (a wall token;
    `wall` says what it is bound to) or "demo" (no accounts exist: everyone is admin)."""

    name: str
    role: str
    scope: Scope | None
    via: str
    user_id: int | None = None
    wall: WallBinding | None = None

    @property
    def signed_in(self) -> bool:
        """A person with a session they can log out of."""
        return self.via == "session"


DEMO_USER = CurrentUser("demo", ADMIN, None, "demo")


def auth_mode() -> str:
    """LOGIN, DEMO or LOCKED for this request (see the module)."""
    if "stocklens_mode" not in g:
        if any_enabled_user():
            g.stocklens_mode = LOGIN
        else:
            g.stocklens_mode = DEMO if current_app.config.get(ALLOW_DEMO, True) else LOCKED
    return g.stocklens_mode


def _account_user() -> CurrentUser | None:
    session_id = session.get(SESSION_ID)
    if session_id is None:
        return None
    live = live_session(session_id)
    user = get_user_by_id(live.user_id) if live is not None else None
    if live is None or user is None or user.disabled or live.user_version != user.version:
        session.clear()  # revoked, expired or outdated: the browser drops the cookie
        return None
    return CurrentUser(user.name, user.role, user.scope or None, "session", user.id)


def _wall_user() -> CurrentUser | None:
    from auth.tokens import live_wall_token

    info = live_wall_token(int(session[WALL_TOKEN]))
    if info is None:
        session.clear()
        return None
    binding = WallBinding(info.id, info.board_id, info.scope or {}, info.label)
    return CurrentUser(info.label or f"wall {info.ident}", WALL, info.scope or None, "wall",
                       wall=binding)


def _resolve() -> CurrentUser | None:
    if isinstance(session.get(WALL_TOKEN), int):
        return _wall_user()
    mode = auth_mode()
    if mode == DEMO:
        return DEMO_USER
    return _account_user() if mode == LOGIN else None


def current_user() -> CurrentUser | None:
    """The identity of this request; None outside a request, when nobody is signed in,
    or when the server is locked. Cached for the request."""
    if not has_request_context():
        return None
    if "stocklens_user" not in g:
        g.stocklens_user = _resolve()
    return g.stocklens_user


def set_request_user(user: CurrentUser) -> None:
    """For this request only (an API token identified it: auth/gate.py)."""
    g.stocklens_user = user


def current_wall_binding() -> WallBinding | None:
    """The board and scope of this request's wall token; None when the request is not a
    wall screen's (then the wall page reads its URL as before)."""
    user = current_user()
    return user.wall if user is not None else None


def start_session(user_id: int, version: int, remember: bool) -> None:
    """Sign an account in: a new session row, and a fresh cookie holding its id (no key
    of the one before survives, so a planted cookie cannot be carried into it) with a new
    CSRF token."""
    lifetime = timedelta(days=REMEMBER_DAYS) if remember else timedelta(hours=SESSION_HOURS)
    session_id = create_session(user_id, version, lifetime)
    session.clear()
    session.update({SESSION_ID: session_id, CSRF: secrets.token_urlsafe(32)})
    session.permanent = remember  # else the cookie ends with the browser
    g.pop("stocklens_user", None)


def start_wall_session(token_id: int) -> None:
    """A wall screen's session: lasts while its token is not revoked; the cookie is
    renewed by each refresh (permanent session, refreshed on every request)."""
    session.clear()
    session.update({WALL_TOKEN: token_id, CSRF: secrets.token_urlsafe(32)})
    session.permanent = True
    g.pop("stocklens_user", None)


def end_session() -> None:
    """Log out: this session's row is revoked (a saved copy of the cookie no longer
    works), and the browser is told to drop the cookie."""
    revoke_session(session.get(SESSION_ID))
    session.clear()
    g.pop("stocklens_user", None)
