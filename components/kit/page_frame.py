"""The frame around every navigable page (navbar + content) and the card-like section."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

import service
from auth.principal import request_principal
from components.kit.navbar import navbar
from components.kit.stale_banner import stale_banner
from components.kit.user_menu import demo_banner
from data_connectors.source import SourceError
from service import sources
from service.extracts import extracted_at


def page_frame(lang: str, content: object, source: str | None = None) -> html.Div:
    """`content` under the navbar; `source` is the source the page shows (None: pages
    that show no data of their own, such as boards, import and settings: their navbar
    still names the source the user is on and its last day, "Source: demo · Data to …",
    like every other page)."""
    choices: dict[str, str] = {}
    last = None
    context = source
    try:
        registry = sources.registry()
        choices = {name: registry.label(name) for name in registry.names()}
        context = source if source is not None else sources.source_name(None)
        last = service.data_range(request_principal(), context)[1]
    except SourceError:
        pass
    extracted = extracted_at(context) if context is not None else None  # an extract's as-of
    return html.Div([navbar(lang, context, choices, last, extracted), demo_banner(lang),
                     stale_banner(source, lang),
                     dbc.Container(content, fluid=True, className="page-body")],
                    lang="zh-CN" if lang == "zh" else "en")


def section(title: str, body: object, tools: object | None = None,
            hint_id: str | None = None) -> html.Div:
    """A titled white panel; `tools` (e.g. a metric picker) sit at the right of the title."""
    head = [html.H2(title, className="section-title")]
    if hint_id:
        head.append(html.Span(id=hint_id, className="section-hint"))
    if tools is not None:
        head.append(html.Div(tools, className="section-tools"))
    return html.Div([html.Div(head, className="section-head"), body], className="panel")


def loading(child: object) -> dcc.Loading:
    """Dims the old content under a spinner while a callback runs (shown only after
    250 ms, so fast updates do not flicker)."""
    return dcc.Loading(child, delay_show=250, color="#2f6fde",
                       overlay_style={"visibility": "visible", "opacity": 0.55})
