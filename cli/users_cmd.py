"""`app.py users …`: accounts, API and wall tokens, and the audit log.

Passwords are never command-line arguments (they would show in `ps` and in shell
history): they are asked twice on the terminal, or read as one line from stdin with
--password-stdin. A token is printed once, when made, alone on stdout (so a script can
capture it); what it is goes to stderr. Errors are one line on stderr, exit code 1.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
from collections.abc import Callable

from app_state.users import UserError
from auth.accounts import (
    AccountError,
    add_account,
    change_password,
    change_role,
    change_scope,
    remove_account,
    set_enabled,
    sign_out,
)
from auth.scopes import (
    SCOPE_DIMENSIONS,
    USER_ROLES,
    check_role_scope,
    parse_scope_args,
    scope_text,
)
from cli import users_tokens_cmd
from cli.tables import print_table

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SCOPE_HELP = (f"dimension=value, repeatable ({', '.join(SCOPE_DIMENSIONS)}); the same "
              "dimension ORs, different ones AND")


def read_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or asked twice on the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask the password on: pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise UserError("the two passwords differ; nothing was changed")
    return first


def _add(args: argparse.Namespace) -> None:
    scope = parse_scope_args(args.scope or [])
    check_role_scope(args.role, scope)  # before asking for a password in vain
    user = add_account(args.name, args.role, read_password(args.password_stdin), scope)
    print(f"added {user.name} ({user.role}, {scope_text(user.scope)})")


def _list(_: argparse.Namespace) -> None:
    from app_state.users import list_users

    rows = [(u.name, u.role, scope_text(u.scope), "disabled" if u.disabled else "enabled",
             u.last_login.strftime("%Y-%m-%d %H:%M UTC") if u.last_login else "never",
             u.created_at.strftime("%Y-%m-%d"))
            for u in list_users()]
    if not rows:
        print("no users: StockLens runs in demo mode (no login) on 127.0.0.1 only; "
              "add an admin with: python app.py users add NAME --role admin")
        return
    print_table(("NAME", "ROLE", "SCOPE", "STATUS", "LAST LOGIN", "CREATED"), rows)


def _remove(args: argparse.Namespace) -> None:
    user = remove_account(args.name)
    print(f"removed {user.name}")


def _set_role(args: argparse.Namespace) -> None:
    scope = parse_scope_args(args.scope) if args.scope else None
    user = change_role(args.name, args.role, scope)
    print(f"{user.name} is now {user.role} ({scope_text(user.scope)})")


def _set_scope(args: argparse.Namespace) -> None:
    user = change_scope(args.name, parse_scope_args(args.scope))
    print(f"{user.name} now sees {scope_text(user.scope)}")


def _set_password(args: argparse.Namespace) -> None:
    from app_state.users import get_user

    if get_user(args.name) is None:  # before asking for a password in vain
        raise UserError(f"there is no user named {args.name.strip()!r}")
    user = change_password(args.name, read_password(args.password_stdin))
    print(f"password of {user.name} changed; their open sessions end")


def _enable(args: argparse.Namespace) -> None:
    user = set_enabled(args.name, True)
    print(f"{user.name} is enabled")


def _disable(args: argparse.Namespace) -> None:
    user = set_enabled(args.name, False)
    print(f"{user.name} is disabled; their open sessions end")


def _sign_out(args: argparse.Namespace) -> None:
    user, ended = sign_out(args.name)
    print(f"{user.name} is signed out everywhere ({ended} session(s) ended); their API "
          "tokens still work (users revoke-token)")


def _set_email(args: argparse.Namespace) -> None:
    from app_state.alerts import set_email
    from app_state.users import get_user

    user = get_user(args.name)
    if user is None:
        raise AccountError(f"no account named {args.name!r}")
    address = (args.address or "").strip()
    if address and not EMAIL.fullmatch(address):
        raise AccountError(f"not an e-mail address: {address!r}")
    set_email(user.id, address or None)
    print(f"{user.name}'s alerts and subscriptions go to {address}" if address
          else f"{user.name} has no e-mail address now")


def _rotate_key(args: argparse.Namespace) -> None:
    from app_state.server_secret import rotate_secret
    from auth.setup import SECRET_ENV

    kept = rotate_secret(keep_old=not args.forget_old)
    print("a new session signing key is stored; restart the server to use it. "
          + (f"Cookies signed with the old one keep working for {kept} more day(s)."
             if kept else "Cookies signed with the old one stop working at the restart: "
                          "everyone signs in again."))
    if os.environ.get(SECRET_ENV):
        print(f"note: ${SECRET_ENV} is set, and takes precedence over the stored key",
              file=sys.stderr)


def _runner(action: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            action(args)
        except AccountError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0

    return run


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="user accounts, API and wall tokens, the audit log",
                       description="Manage who may sign in (roles: admin, executive, "
                                   "manager), API and wall-screen tokens, and read the "
                                   "audit log. Without any user, StockLens runs in demo "
                                   "mode (no login), on 127.0.0.1 only.")
    commands = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)

    def command(name: str, action: Callable[[argparse.Namespace], None],
                text: str) -> argparse.ArgumentParser:
        cmd = commands.add_parser(name, help=text, description=text)
        cmd.set_defaults(handler=_runner(action))
        return cmd

    add = command("add", _add, "add an account (the password is asked twice)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=USER_ROLES)
    add.add_argument("--scope", action="append", metavar="DIM=VALUE",
                     help="what a manager may see: " + SCOPE_HELP)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password as one line from stdin")
    command("list", _list, "list accounts (no password hashes)")
    command("remove", _remove, "remove an account and its API tokens").add_argument("name")
    role = command("set-role", _set_role, "change an account's role (ends its sessions)")
    role.add_argument("name")
    role.add_argument("role", choices=USER_ROLES)
    role.add_argument("--scope", action="append", metavar="DIM=VALUE",
                      help="the scope, when becoming a manager: " + SCOPE_HELP)
    scope = command("set-scope", _set_scope, "change a manager's scope (ends its sessions)")
    scope.add_argument("name")
    scope.add_argument("--scope", action="append", metavar="DIM=VALUE", required=True,
                       help=SCOPE_HELP)
    password = command("set-password", _set_password,
                       "change an account's password (ends its sessions)")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true",
                          help="read the password as one line from stdin")
    command("disable", _disable, "stop an account from signing in (ends its sessions)") \
        .add_argument("name")
    command("enable", _enable, "let a disabled account sign in again").add_argument("name")
    command("sign-out", _sign_out, "end every session of an account, in every browser") \
        .add_argument("name")
    email = command("set-email", _set_email,
                    "the address alerts and subscriptions addressed to the account go to "
                    "(empty: none)")
    email.add_argument("name")
    email.add_argument("address", nargs="?", default="")
    rotate = command("rotate-key", _rotate_key,
                     "make a new stored key for signing session cookies (used after a "
                     "restart); the old one is still accepted for 30 days unless "
                     "--forget-old")
    rotate.add_argument("--forget-old", action="store_true",
                        help="do not accept cookies signed with the old key (everyone "
                             "signs in again)")
    users_tokens_cmd.add_commands(command)
