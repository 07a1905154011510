"""Safe defaults when a server starts: without any account StockLens has no login (demo
mode), which is only acceptable where nobody else can connect.

- `python app.py serve` on a loopback address (127.0.0.1, localhost, ::1) may run in demo
  mode; on any other address it refuses to start until an account exists.
- gunicorn (`app:server`) cannot tell us the address it binds, so it always requires an
  account, unless STOCKLENS_ALLOW_NO_AUTH=1 says this is a local, trusted setup.

A server that started with login required never falls back to demo mode, even if every
account is removed later (auth/identity.py: "locked").

Before either, the state database must be usable: a PostgreSQL state behind this code's
schema revision (or any state ahead of it) stops the start with the one line saying what
to do (app_state/migrate.py); an embedded SQLite file has been upgraded by then.
"""

from __future__ import annotations

import ipaddress
import os

from app_state.db import StateUrlError, state_engine
from app_state.migrate import StateSchemaError
from app_state.users import any_enabled_user

ALLOW_NO_AUTH_ENV = "STOCKLENS_ALLOW_NO_AUTH"
CREATE_ADMIN = "python app.py users add NAME --role admin"


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def state_refusal() -> str | None:
    """Why the state database cannot be used (one line), or None."""
    try:
        state_engine()
    except (StateSchemaError, StateUrlError) as exc:
        return str(exc)
    return None


def serve_refusal(host: str) -> str | None:
    """Why `serve --host host` must not start (one line), or None when it may."""
    refusal = state_refusal()
    if refusal:
        return refusal
    if is_loopback(host) or any_enabled_user():
        return None
    return (f"refusing to serve on {host} without login: no user accounts exist, so anyone "
            f"who can reach it would see all data. Create an admin first ({CREATE_ADMIN}), "
            "or serve on 127.0.0.1")


def production_allows_demo() -> bool:
    return os.environ.get(ALLOW_NO_AUTH_ENV, "").strip() == "1"


def production_refusal() -> str | None:
    """Why gunicorn's app must not start (one line), or None."""
    refusal = state_refusal()
    if refusal:
        return refusal
    if production_allows_demo() or any_enabled_user():
        return None
    return (f"StockLens refuses to start without login: no user accounts exist. Create an "
            f"admin first ({CREATE_ADMIN}); for a trusted local setup only, "
            f"{ALLOW_NO_AUTH_ENV}=1 allows demo mode")


def startup_error(message: str) -> Exception:
    """The exception that stops gunicorn with `message` as one line: gunicorn prints an
    AppImportError's text and halts, instead of logging a traceback per worker and
    respawning workers forever."""
    try:
        from gunicorn.errors import AppImportError
    except ImportError:  # not under gunicorn's installation
        return RuntimeError(message)
    return AppImportError(message)
