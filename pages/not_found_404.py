"""The page shown for an unknown address."""

from __future__ import annotations

import dash
from dash import html

from components.kit.page_frame import page_frame
from components.kit.page_title import page_title
from i18n import resolve_language, t

dash.register_page(__name__, title=page_title("title.not_found"))


def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    return page_frame(lang, html.Div([
        html.H1(t("misc.not_found", lang), className="page-title"),
        html.A(t("misc.back_home", lang), href="/"),
    ], className="page-head"))
