"""Who is signed in, in the navbar (name and role, Log out and Sign out everywhere), and
the demo mode banner every page shows while no account exists.

Log out and Sign out everywhere are real HTML forms POSTing to /logout and
/logout-everywhere with the session's CSRF token (a link would let any site log people
out with an <img>); the browser submits them itself, no callback involved.
"""

from __future__ import annotations

from dash import dcc, html

from auth.identity import CSRF, DEMO, auth_mode, current_user
from i18n import t


def user_menu(lang: str) -> html.Div | None:
    """Name, role and Log out for a signed-in person; nothing otherwise."""
    user = current_user()
    if user is None or not user.signed_in:
        return None
    from flask import session

    role = t(f"role.{user.role}", lang)
    csrf = session.get(CSRF, "")

    def form(action: str, button: html.Button) -> html.Form:
        return html.Form([dcc.Input(type="hidden", name="csrf_token", value=csrf), button],
                         method="POST", action=action, className="logout-form")

    return html.Div([
        html.Span([html.Span(user.name, className="user-name"),
                   html.Span(role, className="user-role")],
                  className="nav-info user-badge", id="nav-user",
                  title=t("auth.signed_in_as", lang, name=user.name, role=role)),
        form("/logout", html.Button(t("auth.log_out", lang), type="submit",
                                    id="logout-button",
                                    className="btn btn-sm btn-outline-light")),
        form("/logout-everywhere", html.Button(
            t("auth.log_out_everywhere", lang), type="submit", id="logout-everywhere-button",
            title=t("auth.log_out_everywhere_title", lang),
            className="btn btn-sm btn-link link-light text-decoration-none opacity-75 px-1")),
    ], className="d-flex align-items-center gap-2 user-menu")


def demo_banner(lang: str) -> html.Div | None:
    """The warning that nothing is protected, on every page in demo mode."""
    try:
        demo = auth_mode() == DEMO
    except RuntimeError:  # outside a request (a layout built by a test): no banner
        return None
    if not demo:
        return None
    return html.Div(t("auth.demo_banner", lang), className="demo-banner", id="demo-banner",
                    role="alert")
