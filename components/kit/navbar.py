"""The top bar: product name, page links, which source and data are shown, the source
switcher (when several sources are configured), the language switch and who is signed in.

Below the `xl` breakpoint (1200 px: the page links, the source, the date, the language
switch and a signed-in user no longer fit on one line) the bar collapses to the brand and
a menu button; everything else is inside the menu, opened by a clientside callback
(assets/stocklens_mobile.js: no server round trip). From 1200 px up it is one line, as
before."""

from __future__ import annotations

import weakref
from datetime import date, datetime

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

from components.kit.user_menu import user_menu
from i18n import t

# (label key, href) or (label key, [(label key, href), …]) for a menu
NAV_PAGES: tuple = (
    ("nav.overview", "/"),
    ("nav.analysis", [("nav.products", "/products"), ("nav.locations", "/locations"),
                      ("nav.channels", "/channels"), ("nav.ageing", "/ageing"),
                      ("nav.slow_movers", "/slow-movers"), ("nav.abc", "/abc")]),
    ("nav.planning", [("nav.replenishment", "/replenishment"),
                      ("nav.suppliers", "/suppliers")]),
    ("nav.explore", "/explore"),
    ("nav.boards", "/boards"),
    ("nav.alerts", "/alerts"),
    ("nav.import", "/import"),
    ("nav.admin", [("nav.settings", "/settings"), ("nav.thresholds", "/thresholds")]),
)


ADMIN_ONLY = {"nav.import", "nav.admin"}  # the server refuses them to others anyway
EXPAND = "xl"  # one line from here up; brand + menu button below (the CSS says 1199.98px)
TOGGLER, MENU = "nav-toggler", "nav-collapse"


def nav_items(lang: str) -> list:
    from auth import ADMIN, has_role

    items = []
    for key, target in NAV_PAGES:
        if key in ADMIN_ONLY and not has_role(ADMIN):
            continue
        if isinstance(target, str):
            items.append(dbc.NavItem(dbc.NavLink(t(key, lang), href=target, active="exact")))
        else:
            items.append(dbc.DropdownMenu(
                [dbc.DropdownMenuItem(t(k, lang), href=h) for k, h in target],
                label=t(key, lang), nav=True, in_navbar=True))
    return items


def source_switcher(lang: str, current: str | None, choices: dict[str, str]) -> object:
    """A menu of the configured sources; picking one reopens the page on it (?source=),
    which the page remembers in a cookie for the next visit."""
    if current is None:
        return None
    if len(choices) <= 1:
        return html.Span(t("nav.source", lang, name=choices.get(current, current)),
                         className="nav-info", id="nav-source")
    return dbc.DropdownMenu(
        [dbc.DropdownMenuItem(label, href=f"?source={name}", external_link=True,
                              active=name == current)
         for name, label in choices.items()],
        label=t("nav.source", lang, name=choices.get(current, current)), id="nav-source",
        size="sm", color="dark", align_end=True, className="source-switcher",
    )


def navbar(lang: str, source: str | None, choices: dict[str, str],
           last_day: date | None, extracted: datetime | None = None) -> dbc.Navbar:
    """`extracted`: when an extract-mode source's copy was read (its "data as of")."""
    info = [source_switcher(lang, source, choices)]
    if last_day:
        info.append(html.Span(t("nav.as_of", lang, date=last_day.isoformat()),
                              className="nav-info", id="nav-as-of"))
    if extracted:
        info.append(html.Span(t("nav.extract_as_of", lang,
                                time=f"{extracted:%Y-%m-%d %H:%M} UTC"),
                              className="nav-info", id="nav-extract-as-of"))
    return dbc.Navbar(
        dbc.Container([
            html.A([html.Span("◧", className="brand-mark"), t("app.name", lang)],
                   href="/", className="navbar-brand"),
            html.Button(html.Span(className="navbar-toggler-icon"), id=TOGGLER, n_clicks=0,
                        type="button", className="navbar-toggler",
                        title=t("mobile.menu", lang),
                        **{"aria-label": t("mobile.menu", lang), "aria-controls": MENU,
                           "aria-expanded": "false"}),
            dbc.Collapse([
                dbc.Nav(nav_items(lang), navbar=True, className="me-auto"),
                html.Div([
                    *[i for i in info if i is not None],
                    html.Button(t("nav.language", lang), id="lang-switch",
                                className="btn btn-sm btn-outline-light lang-switch",
                                title=t("nav.language_title", lang),
                                **{"data-lang": "zh" if lang == "en" else "en"}),
                    user_menu(lang),  # name, role and Log out when signed in
                ], className="d-flex align-items-center gap-3 nav-tools"),
            ], id=MENU, is_open=False, navbar=True),
        ], fluid=True),
        color="dark", dark=True, expand=EXPAND, className="app-navbar",
    )


_installed: weakref.WeakSet[dash.Dash] = weakref.WeakSet()


def install(app: dash.Dash) -> None:
    """The menu button opens and closes the collapsed menu, in the browser. Added by
    create_app to StockLens's own app (once): `dash.clientside_callback`'s global list
    goes to the first app that serves only, and an app without the navbar (a test's
    small app) must not get a callback whose ids it lacks."""
    if app in _installed:
        return
    _installed.add(app)
    app.clientside_callback(
        dash.ClientsideFunction("stocklensMobile", "toggleMenu"),
        Output(MENU, "is_open"),
        Output(TOGGLER, "aria-expanded"),
        Input(TOGGLER, "n_clicks"),
        State(MENU, "is_open"),
        prevent_initial_call=True,
    )
