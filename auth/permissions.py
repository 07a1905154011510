"""What each role may do: one permission per kind of action, declared on every callback.

Every server callback says which permission it needs (`@needs(EXPORT)` under
`@callback`); the access gate (auth/gate.py, through auth/callback_request.py) checks it
before Dash runs anything, so a refused action changes nothing, is answered 403 with a
JSON reason and is written to the audit log. A callback that declares nothing is refused
to everyone (fail closed), and tests/integration/test_permissions_map.py walks the app's
whole callback map so none is forgotten.

The rule (README, "Users, roles and security"):

| role      | view | export | edit views, boards | alerts  | thresholds | sources | import | users |
|-----------|------|--------|--------------------|---------|------------|---------|--------|-------|
| admin     | yes  | yes    | yes                | yes     | yes        | yes     | yes    | yes   |
| executive | yes  | yes    | yes                | yes     |            |         |        |       |
| manager   | yes  | yes    |                    | own (1) |            |         |        |       |
| wall      | yes (the wall's own callbacks only)                                             |

Saved views and boards are shared by everyone who may see them, so editing them is for
the people who decide what the company looks at (admins and executives); a manager reads
and exports within her scope.

(1) `edit_alerts` (the Alerts page: save, enable, delete, send test): a manager's rules
are addressed to herself only — recipients = [her own name], e-mail to her own address,
no robot or webhook (pages/alerts.py checks it on the server at save), because a message
that leaves StockLens reaches people whose scope nobody checks (issue 16 item 4).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from auth.scopes import ADMIN, EXECUTIVE, MANAGER, WALL

VIEW, EXPORT, EDIT_BOARDS = "view", "export", "edit_boards"
EDIT_ALERTS = "edit_alerts"
THRESHOLDS, SOURCES, IMPORT, USERS = "thresholds", "sources", "import", "users"
PERMISSIONS = (VIEW, EXPORT, EDIT_BOARDS, EDIT_ALERTS, THRESHOLDS, SOURCES, IMPORT, USERS)
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset(PERMISSIONS),
    EXECUTIVE: frozenset({VIEW, EXPORT, EDIT_BOARDS, EDIT_ALERTS}),
    MANAGER: frozenset({VIEW, EXPORT, EDIT_ALERTS}),
    WALL: frozenset({VIEW}),
}
ATTRIBUTE = "stocklens_permission"
# The largest callback body a permission's callbacks take: uploads (imports, board files)
# travel base64-encoded inside the body; anything else is a few kilobytes of state.
BODY_LIMITS = {IMPORT: 300 * 1024 * 1024, EDIT_BOARDS: 8 * 1024 * 1024}
DEFAULT_BODY_LIMIT = 1024 * 1024
F = TypeVar("F", bound=Callable[..., Any])


def allows(role: str | None, permission: str) -> bool:
    return role is not None and permission in ROLE_PERMISSIONS.get(role, frozenset())


def needs(permission: str) -> Callable[[F], F]:
    """Declare (under @callback) the permission a callback needs. The gate enforces it
    before the callback runs; the wrapper checks again when the function is called in
    any other way (defence in depth: AccessDenied leaves every output as it was)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")

    def declare(func: F) -> F:
        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            from auth.guards import AccessDenied
            from auth.identity import current_user

            user = current_user()
            if not allows(user.role if user else None, permission):
                raise AccessDenied(f"needs the {permission} permission")
            return func(*args, **kwargs)

        setattr(checked, ATTRIBUTE, permission)
        return checked  # type: ignore[return-value]

    return declare


def declared(func: object) -> str | None:
    """The permission a registered callback declared (None: none)."""
    found = getattr(func, ATTRIBUTE, None)
    return found if found in PERMISSIONS else None


def body_limit(permission: str | None) -> int:
    return BODY_LIMITS.get(permission or "", DEFAULT_BODY_LIMIT)
