"""Signed-in sessions, one row per login, so that a session can end on the server.

The session cookie (Flask's, signed: auth/setup.py) carries only a random session id;
this table says whether that id is live. Logging out revokes the row, "sign out
everywhere" (the user menu, `app.py users sign-out NAME`) revokes all of an account's
rows, and a cookie saved before either — copied from a browser, replayed by whoever
stole it — is refused from then on, by every server process, because each request looks
its row up (auth/identity.py). Only the SHA-256 of the id is stored (like API tokens): a
copy of the database does not give live cookies.

A row also holds the account's `version` at login (a change of role, scope or password
bumps it and so ends the session: app_state/users.py) and when the session expires (12
hours, or 30 days with "keep me signed in"); rows past their expiry are deleted as new
sessions start. `last_seen` is written at most every TOUCH_EVERY, not on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)

from app_state.db import metadata, state_engine
from app_state.records import as_utc, now
from app_state.users import users

TOUCH_EVERY = timedelta(minutes=5)
MAX_ID = 100  # the cookie's id is 43 characters; anything much longer is not ours

sessions = Table(
    "sessions", metadata,
    Column("id", String, primary_key=True),  # SHA-256 (hex) of the id in the cookie
    Column("user_id", Integer, ForeignKey(users.c.id, ondelete="CASCADE"), nullable=False),
    Column("user_version", Integer, nullable=False),  # the account's version at login
    Column("created", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=False),
    Column("revoked", DateTime(timezone=True), nullable=True),  # None: live
)
Index("sessions_by_user", sessions.c.user_id)


@dataclass(frozen=True)
class LiveSession:
    user_id: int
    user_version: int
    created: datetime
    expires: datetime


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def create_session(user_id: int, user_version: int, lifetime: timedelta) -> str:
    """A new live session for the account; its id (for the cookie, stored only hashed)."""
    session_id = secrets.token_urlsafe(32)
    moment = now()
    with state_engine().begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires < moment))
        conn.execute(insert(sessions).values(
            id=_digest(session_id), user_id=user_id, user_version=user_version,
            created=moment, last_seen=moment, expires=moment + lifetime, revoked=None))
    return session_id


def live_session(session_id: object) -> LiveSession | None:
    """The session of this id when it is live (exists, not revoked, not expired)."""
    if not isinstance(session_id, str) or not session_id or len(session_id) > MAX_ID:
        return None
    digest, moment = _digest(session_id), now()
    with state_engine().connect() as conn:
        row = conn.execute(select(sessions).where(sessions.c.id == digest)).first()
    if row is None or row.revoked is not None or as_utc(row.expires) <= moment:
        return None
    if moment - as_utc(row.last_seen) >= TOUCH_EVERY:
        with state_engine().begin() as conn:
            conn.execute(update(sessions).where(sessions.c.id == digest)
                         .values(last_seen=moment))
    return LiveSession(row.user_id, row.user_version, as_utc(row.created),
                       as_utc(row.expires))


def revoke_session(session_id: object) -> bool:
    """End one session (logout); whether it was live."""
    if not isinstance(session_id, str) or not session_id:
        return False
    with state_engine().begin() as conn:
        done = conn.execute(update(sessions).where(sessions.c.id == _digest(session_id),
                                                   sessions.c.revoked.is_(None))
                            .values(revoked=now()))
    return done.rowcount > 0


def revoke_user_sessions(user_id: int) -> int:
    """End every live session of the account (sign out everywhere); how many there were."""
    moment = now()
    with state_engine().begin() as conn:
        done = conn.execute(update(sessions).where(sessions.c.user_id == user_id,
                                                   sessions.c.revoked.is_(None),
                                                   sessions.c.expires > moment)
                            .values(revoked=moment))
    return done.rowcount


def live_session_count(user_id: int) -> int:
    with state_engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(sessions).where(
            sessions.c.user_id == user_id, sessions.c.revoked.is_(None),
            sessions.c.expires > now())).scalar_one())
