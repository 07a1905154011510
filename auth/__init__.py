"""Users, roles, sessions and the access rules of StockLens (issue 7).

What pages, callbacks and exports use — all importable from `auth`:

    current_user() -> CurrentUser | None     who is asking (name, role, scope, via)
    has_role(*roles) -> bool                 e.g. has_role(ADMIN)
    require_role(*roles) -> CurrentUser      else AccessDenied (a PreventUpdate)
    role_required(*roles)                    decorator for callbacks
    restricted_layout(*roles)                decorator for page layouts ("no access" frame)
    no_access(lang)                          that frame
    request_principal() -> Principal         whom the query service answers for
    current_wall_binding() -> WallBinding | None   a wall token's board and scope
    (auth.audit.audit(event, detail)         write the audit log (EXPORT, …); import it
                                             from auth.audit: the submodule's name would
                                             shadow a re-export here)
    auth_mode() -> "login" | "demo" | "locked"

Names resolve lazily (PEP 562), so `app_state` can use auth.scopes without importing
Flask-side modules, and the command line stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "current_user": "auth.identity",
    "request_principal": "auth.principal",
    "current_wall_binding": "auth.identity",
    "auth_mode": "auth.identity",
    "CurrentUser": "auth.identity",
    "WallBinding": "auth.identity",
    "has_role": "auth.guards",
    "require_role": "auth.guards",
    "role_required": "auth.guards",
    "restricted_layout": "auth.guards",
    "no_access": "auth.guards",
    "AccessDenied": "auth.guards",
    "ADMIN": "auth.scopes",
    "EXECUTIVE": "auth.scopes",
    "MANAGER": "auth.scopes",
    "WALL": "auth.scopes",
    "install_auth": "auth.setup",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'auth' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
