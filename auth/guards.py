"""Role checks for pages and callbacks, enforced on the server.

A page that is not for everyone wraps its layout, and each of its callbacks checks too —
the layout alone is not enough, since anyone signed in can POST to any callback:

    from auth import has_role, require_role, restricted_layout, role_required

    @restricted_layout(ADMIN)                 # others get the "no access" frame
    def layout(**params): ...

    @callback(Output(...), Input(...))
    @role_required(ADMIN)                     # others: PreventUpdate (nothing changes)
    def save(...): ...

    def export(...):
        require_role(ADMIN, EXECUTIVE)        # same, inside a body
        if has_role(ADMIN): ...

In demo mode (no accounts) the visitor counts as an admin; a wall screen's session has
the role "wall" and passes no check but WALL.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from dash.exceptions import PreventUpdate

from auth.identity import CurrentUser, current_user
from auth.scopes import ROLES

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


class AccessDenied(PreventUpdate):
    """The current identity lacks the role. A PreventUpdate, so a callback that raises
    it leaves every output as it was (Dash answers 204)."""


def _checked(roles: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise ValueError(f"roles must be among {', '.join(ROLES)}; got {roles!r}")
    return roles


def has_role(*roles: str) -> bool:
    """Whether the current identity has one of `roles` (False when nobody is)."""
    user = current_user()
    return user is not None and user.role in _checked(roles)


def require_role(*roles: str) -> CurrentUser:
    """The current identity, if it has one of `roles`; else AccessDenied."""
    user = current_user()
    if user is None or user.role not in _checked(roles):
        log.warning("refused: %s (%s) needs %s", user.name if user else "nobody",
                    user.role if user else "-", "/".join(roles))
        raise AccessDenied(f"needs role {' or '.join(roles)}")
    return user


def role_required(*roles: str) -> Callable[[F], F]:
    """Decorate a callback (under @callback) so it only runs for `roles`."""
    _checked(roles)

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            require_role(*roles)
            return func(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap


def no_access(lang: str) -> Any:
    """The page shown instead of one the identity may not open (in the app's frame)."""
    from dash import html

    from components.kit.page_frame import page_frame
    from i18n import t

    user = current_user()
    role = t(f"role.{user.role}", lang) if user else "-"
    return page_frame(lang, html.Div([
        html.H1(t("auth.no_access", lang), className="page-title"),
        html.P(t("auth.no_access_text", lang, role=role), className="page-subtitle"),
        html.A(t("misc.back_home", lang), href="/"),
    ], className="page-head no-access", id="no-access"))


def restricted_layout(*roles: str) -> Callable[[F], F]:
    """Decorate a page's `layout(**params)`: identities without `roles` get
    `no_access` (in the language of ?lang=, the cookie or the browser)."""
    _checked(roles)

    def wrap(layout: F) -> F:
        @functools.wraps(layout)
        def guarded(**params: Any) -> Any:
            if not has_role(*roles):
                from i18n import resolve_language

                return no_access(resolve_language(params.get("lang")))
            return layout(**params)

        return guarded  # type: ignore[return-value]

    return wrap
