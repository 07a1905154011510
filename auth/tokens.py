"""Making and checking API tokens and wall tokens (stored by app_state/tokens.py).

A token is `sl_api_…` or `sl_wall_…` followed by 32 (API) or 24 (wall) random bytes in
URL-safe base64 — the kind is visible so a leaked string can be recognised, and a wall
token fits in a URL as it is. Only its SHA-256 is stored, and it is shown once, when made.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from app_state import tokens as store
from app_state.boards import get_board
from app_state.records import NotFound
from app_state.tokens import TokenInfo, len_prefix
from app_state.users import User, UserError, get_user, get_user_by_id
from auth.scopes import Scope, normalise_scope

API_PREFIX, WALL_PREFIX = "sl_api_", "sl_wall_"
MAX_TOKEN = 200


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` is shown once and never stored."""

    secret: str
    info: TokenInfo


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _make(prefix: str, nbytes: int) -> tuple[str, str, str]:
    secret = prefix + secrets.token_urlsafe(nbytes)
    return secret, token_hash(secret), secret[:len_prefix(secret)]


def _label(label: str | None) -> str | None:
    text = " ".join((label or "").split())
    return text[:80] or None


def create_api_token(user_name: str, label: str | None = None) -> NewToken:
    """A new API token for the account `user_name` (UserError when there is none)."""
    user = get_user(user_name)
    if user is None:
        raise UserError(f"there is no user named {user_name.strip()!r}")
    secret, digest, prefix = _make(API_PREFIX, 32)
    token_id = store.store_api_token(user.id, digest, prefix, _label(label))
    info = store.find_api_token(digest)
    assert info is not None and info.id == token_id
    return NewToken(secret, info)


def create_wall_token(board_id: int | None, scope: Scope,
                      label: str | None = None) -> NewToken:
    """A new wall token for `board_id` (which must exist) showing `scope` ({}: all)."""
    if board_id is not None:
        try:
            get_board(board_id)
        except NotFound:
            raise UserError(f"there is no board #{board_id} (the Boards page lists them)") \
                from None
    secret, digest, prefix = _make(WALL_PREFIX, 24)
    store.store_wall_token(digest, prefix, board_id, normalise_scope(scope), _label(label))
    info = store.find_wall_token(digest)
    assert info is not None
    return NewToken(secret, info)


def _usable(token: str, prefix: str) -> bool:
    return isinstance(token, str) and token.startswith(prefix) and len(token) <= MAX_TOKEN


def check_api_token(token: str) -> User | None:
    """The enabled account an unrevoked API token acts for, else None."""
    if not _usable(token, API_PREFIX):
        return None
    info = store.find_api_token(token_hash(token))
    if info is None or info.revoked or info.user_id is None:
        return None
    user = get_user_by_id(info.user_id)
    if user is None or user.disabled:
        return None
    store.touch(info)
    return user


def check_wall_token(token: str) -> TokenInfo | None:
    """The unrevoked wall token, else None."""
    if not _usable(token, WALL_PREFIX):
        return None
    info = store.find_wall_token(token_hash(token))
    return None if info is None or info.revoked else info


def live_wall_token(token_id: int) -> TokenInfo | None:
    """A wall session's token, re-read on every request so revoking takes effect at
    once; None when revoked or gone."""
    info = store.get_wall_token(token_id)
    if info is None or info.revoked:
        return None
    store.touch(info)
    return info
