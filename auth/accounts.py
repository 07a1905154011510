"""Administering accounts and tokens: each change validated, stored and audited in one
call, so the command line (and any future admin page) cannot forget a step.

Every error a person can cause is an `AccountError` (a ValueError) with a one-line
message that names the problem.
"""

from __future__ import annotations

from app_state import tokens as token_store
from app_state import users as store
from app_state.tokens import TokenError, TokenInfo
from app_state.users import User, UserError
from auth.audit import (
    LOGOUT_EVERYWHERE,
    TOKEN_CREATED,
    TOKEN_REVOKED,
    USER_ADDED,
    USER_CHANGED,
    USER_REMOVED,
    audit,
)
from auth.passwords import PasswordError, check_password_rules, hash_password
from auth.scopes import Scope, ScopeError, scope_text
from auth.tokens import NewToken, create_api_token, create_wall_token

AccountError = (UserError, ScopeError, PasswordError, TokenError)


def add_account(name: str, role: str, password: str, scope: Scope | None = None) -> User:
    check_password_rules(password)
    store.add_user(name, role, hash_password(password), scope)
    user = store.get_user(name)
    assert user is not None
    audit(USER_ADDED, f"{user.name}: role {user.role}, scope {scope_text(user.scope)}")
    return user


def remove_account(name: str) -> User:
    user = store.remove_user(name)
    audit(USER_REMOVED, user.name)
    return user


def change_role(name: str, role: str, scope: Scope | None = None) -> User:
    before = store.get_user(name)
    user = store.set_role(name, role, scope)
    audit(USER_CHANGED, f"{user.name}: role {before.role if before else '?'} → {user.role}, "
                        f"scope {scope_text(user.scope)}")
    return user


def change_scope(name: str, scope: Scope) -> User:
    user = store.set_scope(name, scope)
    audit(USER_CHANGED, f"{user.name}: scope {scope_text(user.scope)}")
    return user


def change_password(name: str, password: str) -> User:
    check_password_rules(password)
    user = store.set_password_hash(name, hash_password(password))
    audit(USER_CHANGED, f"{user.name}: password changed")
    return user


def set_enabled(name: str, enabled: bool) -> User:
    user = store.set_disabled(name, not enabled)
    audit(USER_CHANGED, f"{user.name}: {'enabled' if enabled else 'disabled'}")
    return user


def sign_out(name: str) -> tuple[User, int]:
    """End every session of the account, in every browser (its API tokens stay: revoke
    them with revoke_token); the account, and how many sessions were live."""
    from app_state.sessions import revoke_user_sessions

    user = store.get_user(name)
    if user is None:
        raise UserError(f"there is no user named {name.strip()!r}")
    ended = revoke_user_sessions(user.id)
    audit(LOGOUT_EVERYWHERE, f"{user.name}: {ended} session(s) ended")
    return user, ended


def new_api_token(name: str, label: str | None = None) -> NewToken:
    made = create_api_token(name, label)
    audit(TOKEN_CREATED, f"API token {made.info.ident} ({made.info.prefix}…) for "
                         f"{made.info.user_name}")
    return made


def new_wall_token(board_id: int | None, scope: Scope, label: str | None = None) -> NewToken:
    made = create_wall_token(board_id, scope, label)
    audit(TOKEN_CREATED, f"wall token {made.info.ident} ({made.info.prefix}…): board "
                         f"{board_id or '-'}, scope {scope_text(made.info.scope)}")
    return made


def revoke_token(ident: str) -> TokenInfo:
    token = token_store.revoke(ident)
    audit(TOKEN_REVOKED, f"{token.ident} ({token.prefix}…)")
    return token
