"""Data sources (数据源): every configured source with its health — reachable or not (and
why), rows per entity, the data's date range and latest stock snapshot."""

from __future__ import annotations

from datetime import datetime

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from app_state.alerts import failing_channels
from auth import ADMIN, restricted_layout
from auth.permissions import SOURCES, needs
from auth.principal import request_principal
from components.admin.channel_health import channel_health
from components.admin.source_card import source_card
from components.kit.page_frame import loading, page_frame
from components.kit.page_title import page_title
from i18n import resolve_language, t
from service import sources
from service.health import source_health

dash.register_page(__name__, path="/settings", name="sources", title=page_title("nav.settings"))

P = "sources"


@restricted_layout(ADMIN)
def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    return page_frame(lang, [
        html.Div([html.H1(t("sources.title", lang), className="page-title"),
                  html.Div(t("sources.subtitle", lang), className="page-subtitle"),
                  dbc.Button(t("sources.recheck", lang), id=f"{P}-recheck", size="sm",
                             color="secondary", outline=True, className="ms-auto")],
                 className="page-head"),
        dcc.Store(id=f"{P}-lang", data=lang),
        loading(html.Div(id=f"{P}-cards", className="source-grid")),
        html.Div(id=f"{P}-checked", className="page-subtitle mt-2"),
        html.P(t("sources.how_to_add", lang), className="source-help"),
    ])


@callback(
    Output(f"{P}-cards", "children"),
    Output(f"{P}-checked", "children"),
    Input(f"{P}-recheck", "n_clicks"),
    State(f"{P}-lang", "data"),
)
@needs(SOURCES)
def show_health(clicks, lang):
    """Check every source; "check again" reconnects (a source that was down may be back)."""
    registry = sources.registry()
    if clicks:
        for name in registry.names():
            registry.release(name)
    cards = [source_card(source_health(request_principal(), name), name == registry.default,
                         lang)
             for name in registry.names()]
    failing = channel_health(failing_channels(), lang)
    if failing is not None:
        cards.append(failing)
    return cards, t("sources.checked", lang, time=f"{datetime.now():%H:%M:%S}")
