"""`app.py users token | wall-token | tokens | revoke-token | audit`: the token and audit
half of `app.py users` (cli/users_cmd.py)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

from auth.accounts import new_api_token, new_wall_token, revoke_token
from auth.scopes import SCOPE_DIMENSIONS, parse_scope_args, scope_text
from cli.tables import print_table

Command = Callable[[str, Callable[[argparse.Namespace], None], str], argparse.ArgumentParser]


def _when(moment: datetime | None, never: str = "never") -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else never


def _token(args: argparse.Namespace) -> None:
    made = new_api_token(args.name, args.label)
    print(f"API token {made.info.ident} for {made.info.user_name} — shown only now, keep it "
          "secret; use it as: Authorization: Bearer <token>", file=sys.stderr)
    print(made.secret)


def _wall_token(args: argparse.Namespace) -> None:
    from auth.scopes import ScopeError

    if bool(args.scope) == args.all_data:
        raise ScopeError("say what the wall shows: --scope DIM=VALUE (repeatable) or "
                         "--all-data")
    scope = parse_scope_args(args.scope or [])
    made = new_wall_token(args.board, scope, args.label)
    board = f"board #{args.board}" if args.board is not None else "no board"
    print(f"wall token {made.info.ident} ({board}, {scope_text(made.info.scope)}) — shown "
          "only now; open this path on the wall screen's browser:", file=sys.stderr)
    print(f"/wall?token={made.secret}")


def _tokens(args: argparse.Namespace) -> None:
    from app_state.tokens import list_tokens

    rows = []
    for tok in list_tokens(include_revoked=not args.active):
        what = (f"user {tok.user_name}" if tok.kind == "api" else
                f"board {tok.board_id or '-'}, {scope_text(tok.scope)}")
        rows.append((tok.ident, tok.prefix + "…", what, tok.label or "",
                     _when(tok.created_at), _when(tok.last_used),
                     _when(tok.revoked_at, "") if tok.revoked else "active"))
    if not rows:
        print("no tokens")
        return
    print_table(("ID", "PREFIX", "FOR", "LABEL", "CREATED", "LAST USED", "REVOKED"), rows)


def _revoke(args: argparse.Namespace) -> None:
    token = revoke_token(args.token)
    print(f"revoked {token.ident} ({token.prefix}…); it stops working at once")


def _audit(args: argparse.Namespace) -> None:
    from app_state.audit_log import last_entries

    rows = [(e.ts.strftime("%Y-%m-%d %H:%M:%S"), e.event, e.user or "-", e.ip or "-",
             e.detail) for e in last_entries(args.last, args.event)]
    if not rows:
        print("the audit log is empty")
        return
    print_table(("TIME (UTC)", "EVENT", "USER", "IP", "DETAIL"), rows)


def add_commands(command: Command) -> None:
    token = command("token", _token, "make an API token for an account (printed once)")
    token.add_argument("name")
    token.add_argument("--label", help="what the token is for, shown in `users tokens`")
    wall = command("wall-token", _wall_token,
                   "make a wall-screen token bound to one board and one scope (prints the "
                   "/wall?token=… path once)")
    wall.add_argument("--board", type=int, help="a saved board's id (default: the wall's "
                                                "KPI and trend panels only)")
    wall.add_argument("--scope", action="append", metavar="DIM=VALUE",
                      help=f"what the wall shows ({', '.join(SCOPE_DIMENSIONS)}); repeatable")
    wall.add_argument("--all-data", action="store_true",
                      help="the wall shows all data (instead of --scope)")
    wall.add_argument("--label", help="e.g. the screen's place, shown in `users tokens`")
    tokens = command("tokens", _tokens, "list API and wall tokens (never the secrets)")
    tokens.add_argument("--active", action="store_true", help="leave out revoked tokens")
    revoke = command("revoke-token", _revoke, "revoke a token at once")
    revoke.add_argument("token", metavar="TOKEN_PREFIX_OR_ID",
                        help="its id (api:3, wall:5, from `users tokens`) or its first "
                             "characters (at least 8)")
    audit = command("audit", _audit, "show the latest audit log entries")
    audit.add_argument("--last", type=int, default=50, metavar="N",
                       help="how many (default 50)")
    audit.add_argument("--event", help="only this event (login, login_failed, logout, "
                                       "export, …)")
