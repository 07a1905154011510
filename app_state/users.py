"""Accounts in the app-state database: name, password hash, role, scope, disabled.

Names are unique regardless of case ("Alice" and "alice" are one account) and limited to
letters, digits and `. _ @ -` so that they can be typed on a command line and shown
without escaping. The password hash is made in auth/passwords.py; this module only stores
it. Every change that should end the person's open sessions — role, scope, password,
disabling — increments the row's `version`, which a session carries and compares on each
request (auth/identity.py), so the change applies on their very next click.

The last enabled admin cannot be removed, disabled or demoted while other accounts exist:
nobody could administer them from the web any more. (Removing the only account returns
the server to demo mode, which only a loopback server allows: auth/startup.py.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state.db import metadata, state_engine
from app_state.dialect import NEVER_REUSED_IDS, name_type
from app_state.records import as_utc, now
from auth.scopes import (
    ADMIN,
    EXECUTIVE,
    USER_ROLES,
    Scope,
    check_role_scope,
    scope_from_json,
    scope_json,
)

NAME_PATTERN = re.compile(r"^[\w.@-]{1,64}$")

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", name_type(), nullable=False, unique=True),
    Column("password_hash", String, nullable=False),
    Column("role", String, nullable=False),
    Column("scope", Text, nullable=False, default="{}"),  # auth/scopes.py, as JSON
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),  # sessions compare it
    Column("last_login", DateTime(timezone=True), nullable=True),
    CheckConstraint(f"role IN ({', '.join(repr(r) for r in USER_ROLES)})", name="user_role"),
    **NEVER_REUSED_IDS,  # a removed account's id never comes back to a new one
)


class UserError(ValueError):
    """A change to accounts that cannot be made; the message says why, in one line."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    scope: Scope
    disabled: bool
    version: int
    created_at: datetime
    last_login: datetime | None
    password_hash: str


def clean_user_name(name: str) -> str:
    text = (name or "").strip()
    if not NAME_PATTERN.match(text):
        raise UserError(f"a user name is 1–64 letters, digits or . _ @ - (not {text!r})")
    return text


def _user(row) -> User:
    return User(row.id, row.name, row.role, scope_from_json(row.scope), bool(row.disabled),
                int(row.version), as_utc(row.created_at),
                as_utc(row.last_login) if row.last_login else None, row.password_hash)


def _row(conn: Connection, name: str):
    row = conn.execute(select(users).where(users.c.name == name.strip())).first()
    if row is None:
        raise UserError(f"there is no user named {name.strip()!r}")
    return row


def add_user(name: str, role: str, password_hash: str, scope: Scope | None = None) -> int:
    """A new, enabled account; its id. UserError when the name is taken or the role
    and scope do not fit together."""
    name = clean_user_name(name)
    stored_scope = check_role_scope(role, scope)
    with state_engine().begin() as conn:
        try:
            result = conn.execute(insert(users).values(
                name=name, password_hash=password_hash, role=role,
                scope=scope_json(stored_scope), created_at=now(), disabled=False, version=1))
        except IntegrityError:
            raise UserError(f"there is already a user named {name!r}") from None
        return int(result.inserted_primary_key[0])


def get_user(name: str) -> User | None:
    """The account of this name (any case), or None."""
    with state_engine().connect() as conn:
        row = conn.execute(select(users).where(users.c.name == (name or "").strip())).first()
    return _user(row) if row else None


def get_user_by_id(user_id: int) -> User | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users() -> list[User]:
    with state_engine().connect() as conn:
        rows = conn.execute(select(users).order_by(func.lower(users.c.name))).all()
    return [_user(r) for r in rows]


def any_enabled_user() -> bool:
    """Whether login is in force (at least one enabled account: auth/startup.py)."""
    with state_engine().connect() as conn:
        found = conn.execute(select(users.c.id).where(users.c.disabled.is_(False)).limit(1))
        return found.first() is not None


def _enabled_admins(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users).where(
        users.c.role == ADMIN, users.c.disabled.is_(False))).scalar_one())


def _others(conn: Connection, user_id: int) -> int:
    return int(conn.execute(select(func.count()).select_from(users)
                            .where(users.c.id != user_id)).scalar_one())


def _guard_last_admin(conn: Connection, row, action: str) -> None:
    if row.role == ADMIN and not row.disabled and _enabled_admins(conn) == 1 \
            and _others(conn, row.id):
        raise UserError(f"cannot {action} {row.name!r}: it is the last enabled admin and "
                        "other users exist; add another admin first")


def remove_user(name: str) -> User:
    """Delete an account (its API tokens go with it); the account as it was."""
    with state_engine().begin() as conn:
        row = _row(conn, name)
        _guard_last_admin(conn, row, "remove")
        conn.execute(delete(users).where(users.c.id == row.id))
    return _user(row)


def _change(name: str, action: str, **values: object) -> User:
    """Apply `values` to the account and bump its version (ends its sessions)."""
    with state_engine().begin() as conn:
        row = _row(conn, name)
        role = values.get("role", row.role)
        disabled = values.get("disabled", row.disabled)
        if (role != ADMIN and row.role == ADMIN) or (disabled and not row.disabled):
            _guard_last_admin(conn, row, action)
        conn.execute(update(users).where(users.c.id == row.id)
                     .values(**values, version=users.c.version + 1))
        return _user(conn.execute(select(users).where(users.c.id == row.id)).one())


def set_role(name: str, role: str, scope: Scope | None = None) -> User:
    """A new role; a manager keeps its scope unless `scope` is given, an admin or
    executive loses it (they see everything)."""
    current = get_user(name)
    if current is None:
        raise UserError(f"there is no user named {name.strip()!r}")
    wanted = scope if scope is not None else ({} if role in (ADMIN, EXECUTIVE)
                                              else current.scope)
    stored = check_role_scope(role, wanted)
    return _change(name, "demote", role=role, scope=scope_json(stored))


def set_scope(name: str, scope: Scope) -> User:
    current = get_user(name)
    if current is None:
        raise UserError(f"there is no user named {name.strip()!r}")
    return _change(name, "rescope", scope=scope_json(check_role_scope(current.role, scope)))


def set_password_hash(name: str, password_hash: str) -> User:
    return _change(name, "change the password of", password_hash=password_hash)


def set_disabled(name: str, disabled: bool) -> User:
    return _change(name, "disable", disabled=disabled)


def store_rehash(user_id: int, password_hash: str) -> None:
    """The same password at a higher cost (at login): not a credential change, so open
    sessions stay."""
    with state_engine().begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id)
                     .values(password_hash=password_hash))


def record_login(user_id: int) -> None:
    with state_engine().begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(last_login=now()))
