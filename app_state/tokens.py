"""API tokens and wall tokens in the app-state database — only their SHA-256 hashes.

An API token belongs to an account and acts with that account's current role and scope
(`Authorization: Bearer …` on /api/v1); it dies with the account. A wall token belongs to
no one: it is bound to one board and one scope, and it is the secret in a wall screen's
URL (/wall?token=…). Both are revocable; a revoked token is kept (with when) so the list
shows what existed. The first characters of each token (`prefix`) are stored in clear
so a person can tell which one to revoke without the secret.

Tokens are long random strings (auth/tokens.py), so a fast hash is enough: unlike a
password there is nothing to guess. `last_used` is written at most every few minutes,
so a wall refreshing every 10 s does not turn into a stream of writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    insert,
    or_,
    select,
    update,
)

from app_state.db import metadata, state_engine
from app_state.dialect import NEVER_REUSED_IDS
from app_state.records import as_utc, now
from app_state.users import users
from auth.scopes import Scope, scope_from_json, scope_json

TOUCH_EVERY = timedelta(minutes=5)
API, WALL = "api", "wall"

api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String, nullable=False, unique=True),
    Column("prefix", String, nullable=False),
    Column("label", String, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    **NEVER_REUSED_IDS,
)

wall_tokens = Table(
    "wall_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String, nullable=False, unique=True),
    Column("prefix", String, nullable=False),
    Column("board_id", Integer, nullable=True),  # None: the wall's own panels only
    Column("scope", Text, nullable=False),  # auth/scopes.py, as JSON ({}: all data)
    Column("label", String, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    **NEVER_REUSED_IDS,
)


class TokenError(ValueError):
    """No such token, several match, or it is revoked already."""


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed (never the secret): `ident` is "api:3" or "wall:5"."""

    kind: str
    id: int
    prefix: str
    label: str | None
    created_at: datetime
    last_used: datetime | None
    revoked_at: datetime | None
    user_id: int | None = None
    user_name: str | None = None
    board_id: int | None = None
    scope: Scope | None = None

    @property
    def ident(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _moment(value: datetime | None) -> datetime | None:
    return as_utc(value) if value else None


def _api_info(row) -> TokenInfo:
    return TokenInfo(API, row.id, row.prefix, row.label, as_utc(row.created_at),
                     _moment(row.last_used), _moment(row.revoked_at),
                     user_id=row.user_id, user_name=row.user_name)


def _wall_info(row) -> TokenInfo:
    return TokenInfo(WALL, row.id, row.prefix, row.label, as_utc(row.created_at),
                     _moment(row.last_used), _moment(row.revoked_at),
                     board_id=row.board_id, scope=scope_from_json(row.scope))


def _api_rows():
    return select(api_tokens, users.c.name.label("user_name")).select_from(
        api_tokens.join(users, users.c.id == api_tokens.c.user_id))


def store_api_token(user_id: int, token_hash: str, prefix: str, label: str | None) -> int:
    with state_engine().begin() as conn:
        result = conn.execute(insert(api_tokens).values(
            user_id=user_id, token_hash=token_hash, prefix=prefix, label=label,
            created_at=now()))
        return int(result.inserted_primary_key[0])


def store_wall_token(token_hash: str, prefix: str, board_id: int | None, scope: Scope,
                     label: str | None) -> int:
    with state_engine().begin() as conn:
        result = conn.execute(insert(wall_tokens).values(
            token_hash=token_hash, prefix=prefix, board_id=board_id, scope=scope_json(scope),
            label=label, created_at=now()))
        return int(result.inserted_primary_key[0])


def find_api_token(token_hash: str) -> TokenInfo | None:
    """The token with this hash (revoked or not), or None."""
    with state_engine().connect() as conn:
        row = conn.execute(_api_rows().where(api_tokens.c.token_hash == token_hash)).first()
    return _api_info(row) if row else None


def find_wall_token(token_hash: str) -> TokenInfo | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(wall_tokens)
                           .where(wall_tokens.c.token_hash == token_hash)).first()
    return _wall_info(row) if row else None


def get_wall_token(token_id: int) -> TokenInfo | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(wall_tokens).where(wall_tokens.c.id == token_id)).first()
    return _wall_info(row) if row else None


def touch(token: TokenInfo) -> None:
    """Record a use, at most every TOUCH_EVERY."""
    moment = now()
    if token.last_used is not None and moment - token.last_used < TOUCH_EVERY:
        return
    table = api_tokens if token.kind == API else wall_tokens
    with state_engine().begin() as conn:
        conn.execute(update(table).where(table.c.id == token.id).values(last_used=moment))


def list_tokens(include_revoked: bool = True) -> list[TokenInfo]:
    """Every API token, then every wall token, oldest first."""
    with state_engine().connect() as conn:
        api = [_api_info(r) for r in conn.execute(_api_rows().order_by(api_tokens.c.id))]
        wall = [_wall_info(r) for r in conn.execute(select(wall_tokens)
                                                    .order_by(wall_tokens.c.id))]
    return [t for t in api + wall if include_revoked or not t.revoked]


def _matching(conn: Connection, ident: str) -> list[TokenInfo]:
    kind, sep, number = ident.partition(":")
    if sep and kind in (API, WALL) and number.isdigit():
        if kind == API:
            rows = conn.execute(_api_rows().where(api_tokens.c.id == int(number)))
            return [_api_info(r) for r in rows]
        rows = conn.execute(select(wall_tokens).where(wall_tokens.c.id == int(number)))
        return [_wall_info(r) for r in rows]
    if len(ident) < 8:
        raise TokenError("give a token id (api:3, wall:5) or at least the first 8 "
                         "characters of the token")
    # The start of a token (up to its stored prefix), or a whole token.
    head = ident[:len_prefix(ident)]
    api = conn.execute(_api_rows().where(or_(
        api_tokens.c.prefix.startswith(ident, autoescape=True), api_tokens.c.prefix == head)))
    wall = conn.execute(select(wall_tokens).where(or_(
        wall_tokens.c.prefix.startswith(ident, autoescape=True), wall_tokens.c.prefix == head)))
    return [_api_info(r) for r in api] + [_wall_info(r) for r in wall]


def len_prefix(token: str) -> int:
    """How many leading characters of a token are stored as its prefix."""
    kind_end = token.find("_", 3) + 1  # "sl_api_…" / "sl_wall_…"
    return kind_end + 8


def revoke(ident: str) -> TokenInfo:
    """Revoke the one token `ident` names (id, prefix or the whole token)."""
    ident = ident.strip()
    with state_engine().begin() as conn:
        found = _matching(conn, ident)
        if not found:
            raise TokenError(f"no token matches {ident[:24]!r} (python app.py users tokens "
                             "lists them)")
        if len(found) > 1:
            raise TokenError(f"{ident!r} matches several tokens "
                             f"({', '.join(t.ident for t in found)}); give its id")
        token = found[0]
        if token.revoked:
            raise TokenError(f"token {token.ident} is already revoked")
        table = api_tokens if token.kind == API else wall_tokens
        conn.execute(update(table).where(table.c.id == token.id).values(revoked_at=now()))
    return token
