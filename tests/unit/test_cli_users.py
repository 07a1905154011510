"""`python app.py users …` as an operator runs it: a real subprocess on a temporary state
database ($STOCKLENS_STATE_DB), passwords on stdin, errors one line with exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app_state.audit_log import last_entries
from app_state.users import get_user
from auth.passwords import verify_password
from auth.tokens import check_api_token, check_wall_token

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def users(state_db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKLENS_")}
    env["STOCKLENS_STATE_DB"] = str(state_db)
    return subprocess.run([sys.executable, "app.py", "users", *args], cwd=ROOT, env=env,
                          input=stdin if stdin is not None else "", capture_output=True,
                          text=True, timeout=120)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def one_line_error(done: subprocess.CompletedProcess, text: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and text in lines[0], lines


def test_accounts_from_the_command_line(state_db: Path) -> None:
    assert "demo mode" in ok(users(state_db, "list"))
    out = ok(users(state_db, "add", "ada", "--role", "admin", "--password-stdin",
                   stdin=PASSWORD + "\n"))
    assert out.strip() == "added ada (admin, all data)"
    ok(users(state_db, "add", "max", "--role", "manager", "--scope", "region=East",
             "--scope", "channel=online", "--password-stdin", stdin=PASSWORD + "\n"))
    assert verify_password(PASSWORD, get_user("max").password_hash)
    listing = ok(users(state_db, "list"))
    assert "channel=online; region=East" in listing and "never" in listing
    assert "$scrypt$" not in listing and PASSWORD not in listing
    assert ok(users(state_db, "set-scope", "max", "--scope", "region=West")).strip() == \
        "max now sees region=West"
    assert ok(users(state_db, "set-role", "max", "executive")).strip() == \
        "max is now executive (all data)"
    ok(users(state_db, "set-password", "max", "--password-stdin", stdin="a new password\n"))
    assert verify_password("a new password", get_user("max").password_hash)
    ok(users(state_db, "disable", "max"))
    assert get_user("max").disabled
    ok(users(state_db, "enable", "max"))
    assert ok(users(state_db, "remove", "max")).strip() == "removed max"
    assert get_user("max") is None
    events = [e.event for e in last_entries(20)]
    assert events == ["user_added", "user_added", "user_changed", "user_changed",
                      "user_changed", "user_changed", "user_changed", "user_removed"]


def test_mistakes_are_one_line_errors(state_db: Path) -> None:
    ok(users(state_db, "add", "ada", "--role", "admin", "--password-stdin",
             stdin=PASSWORD + "\n"))
    one_line_error(users(state_db, "add", "ADA", "--role", "admin", "--password-stdin",
                         stdin=PASSWORD + "\n"), "already a user named 'ADA'")
    one_line_error(users(state_db, "add", "max", "--role", "manager", "--password-stdin",
                         stdin=PASSWORD + "\n"), "a manager needs a scope")
    one_line_error(users(state_db, "add", "max", "--role", "manager", "--scope", "sku=A",
                         "--password-stdin", stdin=PASSWORD + "\n"), "not 'sku'")
    one_line_error(users(state_db, "add", "bob", "--role", "admin", "--password-stdin",
                         stdin="short\n"), "at least 8 characters")
    one_line_error(users(state_db, "add", "bob", "--role", "admin"), "--password-stdin")
    one_line_error(users(state_db, "remove", "nobody"), "no user named 'nobody'")
    ok(users(state_db, "add", "eve", "--role", "executive", "--password-stdin",
             stdin=PASSWORD + "\n"))
    one_line_error(users(state_db, "remove", "ada"), "last enabled admin")
    one_line_error(users(state_db, "set-role", "ada", "manager"), "a manager needs a scope")
    one_line_error(users(state_db, "revoke-token", "api:9"), "no token matches")
    # a password is never an argument
    assert users(state_db, "add", "x", "--role", "admin", "--password", "p").returncode == 2


def test_tokens_are_printed_once_and_revocable(state_db: Path) -> None:
    ok(users(state_db, "add", "ada", "--role", "admin", "--password-stdin",
             stdin=PASSWORD + "\n"))
    made = users(state_db, "token", "ada", "--label", "nightly")
    token = ok(made).strip()
    assert token.startswith("sl_api_") and "Bearer" in made.stderr
    assert check_api_token(token).name == "ada"
    wall = users(state_db, "wall-token", "--scope", "region=East", "--label", "dock")
    path = ok(wall).strip()
    assert path.startswith("/wall?token=sl_wall_")
    assert check_wall_token(path.split("=", 1)[1]).scope == {"region": ["East"]}
    one_line_error(users(state_db, "wall-token"), "--scope DIM=VALUE")
    one_line_error(users(state_db, "wall-token", "--board", "77", "--all-data"),
                   "no board #77")
    listing = ok(users(state_db, "tokens"))
    assert "api:1" in listing and "wall:1" in listing and "user ada" in listing
    assert token not in listing and path not in listing
    assert "revoked api:1" in ok(users(state_db, "revoke-token", token[:14]))
    assert check_api_token(token) is None
    assert "api:1" not in ok(users(state_db, "tokens", "--active"))
    audit = ok(users(state_db, "audit", "--last", "3"))
    assert "token_revoked" in audit and token not in audit
    assert len(audit.strip().splitlines()) == 4  # the header and 3 entries
