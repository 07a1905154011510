"""A card describing one source's health on the Sources page."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from canonical.model import ENTITIES
from i18n import t
from service.health import SourceHealth


def source_card(health: SourceHealth, is_default: bool, lang: str) -> html.Div:
    state = "good" if health.reachable else "bad"
    head = [
        html.Span(health.label, className="source-name"),
        html.Span(t("sources.default", lang), className="kpi-badge badge-none-visible")
        if is_default else None,
        html.Span(t("sources.reachable" if health.reachable else "sources.unreachable", lang),
                  className=f"kpi-badge badge-{state} ms-auto"),
    ]
    body: list[object] = [html.Div(health.url, className="source-url")]
    if health.error:
        body.append(dbc.Alert(health.error, color="danger", className="source-error"))
    if health.reachable:
        body.append(html.Table([
            html.Thead(html.Tr([html.Th(t(f"entity.{e}", lang)) for e in ENTITIES])),
            html.Tbody(html.Tr([html.Td(f"{health.row_counts.get(e, 0):,}",
                                        className="num") for e in ENTITIES])),
        ], className="table table-sm source-counts"))
        facts = []
        if health.first_date and health.last_date:
            facts.append(t("sources.range", lang, first=health.first_date,
                           last=health.last_date))
        facts.append(t("sources.snapshot", lang, date=health.latest_snapshot)
                     if health.latest_snapshot else t("sources.no_snapshot", lang))
        if health.data_version:
            facts.append(t("sources.version", lang, version=health.data_version))
        body.append(html.Div(" · ".join(facts), className="source-facts"))
        body.append(html.A(t("sources.open", lang), href=f"/?source={health.name}",
                           className="source-open"))
    return html.Div([html.Div([h for h in head if h is not None], className="source-head"),
                     *body], className=f"panel source-card status-{state}",
                    id=f"source-card-{health.name}")
