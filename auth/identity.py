"""Who is asking: the signed-in account, a wall screen's token, an API token — or, in
demo mode, nobody in particular, who may see everything.

Sessions are Flask's signed cookie (auth/setup.py configures it): an account's session
holds its id, the account's `version` when it signed in, when it did and for how long;
a wall session holds its token's id. Both are checked against the database on every
request (one small read, cached for the request in flask.g), so disabling an account,
changing its role, scope or password, or revoking a wall token, takes effect on the next
request in every server process — nothing about rights is trusted from the cookie.

The mode (login required, demo, or locked) is decided per request as well: "login" as
soon as one enabled account exists; without any, "demo" where the server was allowed to
run without login (a loopback address, or STOCKLENS_ALLOW_NO_AUTH=1), else "locked" —
a public server whose last account was removed refuses everyone instead of opening up.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from flask import current_app, g, has_request_context, session

from app_state.users import any_enabled_user, get_user_by_id
from auth.scopes import ADMIN, WALL, Scope

# The session's keys.
USER_ID, VERSION, ISSUED, TTL, WALL_TOKEN, CSRF = "uid", "ver", "iat", "ttl", "wall", "csrf"
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
    user_id = session.get(USER_ID)
    if not isinstance(user_id, int):
        return None
    user = get_user_by_id(user_id)
    issued, ttl = session.get(ISSUED, 0), session.get(TTL, 0)
    if user is None or user.disabled or session.get(VERSION) != user.version \
            or not isinstance(issued, int | float) or time.time() > issued + ttl:
        session.clear()
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
    """Sign an account in: a fresh session (no key of the one before survives, so a
    planted cookie cannot be carried into it) with a new CSRF token."""
    session.clear()
    session.update({USER_ID: user_id, VERSION: version, ISSUED: int(time.time()),
                    TTL: (REMEMBER_DAYS * 24 if remember else SESSION_HOURS) * 3600,
                    CSRF: secrets.token_urlsafe(32)})
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
    session.clear()
    g.pop("stocklens_user", None)
