"""`audit(event, detail)`: the one way to write the audit log (app_state/audit_log.py).

Within a request the signed-in identity and the client's address are filled in; from
the command line the operating-system account is the actor ("cli:alice") and there is
no address. Never pass a password or a token in `detail`.

Writing is best effort: if the state database cannot take the row, the error is logged
and the action goes on — an export or a login must not fail because the log is busy.
"""

from __future__ import annotations

import getpass
import logging

from flask import has_request_context, request

from app_state.audit_log import write_entry

log = logging.getLogger(__name__)

LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGOUT = "logout"
LOGOUT_EVERYWHERE = "logout_everywhere"  # every session of an account ended
EXPORT = "export"
WALL_OPENED = "wall_opened"
TOKEN_CREATED = "token_created"
TOKEN_REVOKED = "token_revoked"
USER_ADDED = "user_added"
USER_REMOVED = "user_removed"
USER_CHANGED = "user_changed"
REFUSED = "refused"  # an action the role may not take (auth/gate.py)


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "cli"


class _Current:
    """The default of `audit(user=…)`: whoever is behind the request, or the CLI."""


CURRENT = _Current()


def audit(event: str, detail: str = "", user: str | _Current | None = CURRENT) -> None:
    """Record `event` now. `user`: a name, None (nobody, e.g. a failed login), or by
    default who is behind the request (the CLI's actor outside a request)."""
    ip = request.remote_addr if has_request_context() else None
    if isinstance(user, _Current):
        if has_request_context():
            from auth.identity import current_user

            who = current_user()
            user = who.name if who is not None else None
        else:
            user = cli_actor()
    try:
        write_entry(event, detail, user, ip)
    except Exception:  # see the module: logged, never fatal
        log.exception("audit log: could not record %s %r", event, detail)
