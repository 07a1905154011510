"""A card describing one source's health on the Sources page."""

from __future__ import annotations

from datetime import datetime

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
    if health.mode == "extract":
        body.append(extract_state(health, lang))
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


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def extract_state(health: SourceHealth, lang: str) -> html.Div:
    """An extract-mode source: its copy's "data as of", the last refresh and, when that
    failed, why (the copy keeps serving)."""
    state = health.extract
    lines: list[object] = [html.Span(t("sources.mode_extract", lang),
                                     className="kpi-badge badge-none-visible")]
    if health.extracted_at:
        lines.append(html.Span(t("sources.extract_as_of", lang,
                                 time=_utc(health.extracted_at)), className="extract-as-of"))
    if state is None:
        lines.append(html.Span(t("sources.extract_none", lang, name=health.name)))
        return html.Div(lines, className="source-extract d-flex flex-wrap gap-2")
    lines.append(html.Span(t("sources.extract_attempt", lang, time=_utc(state.last_attempt),
                             status=t(f"sources.extract_status.{state.status}", lang))))
    if state.rows is not None and state.seconds is not None and state.refresh:
        lines.append(html.Span(t("sources.extract_rows", lang, rows=f"{state.rows:,}",
                                 seconds=f"{state.seconds:.1f}",
                                 kind=t(f"sources.extract_kind.{state.refresh}", lang))))
    if state.status == "running" and state.progress:
        lines.append(html.Span(t("sources.extract_progress", lang, progress=state.progress)))
    block: list[object] = [html.Div(lines, className="source-extract d-flex flex-wrap gap-2")]
    if state.status == "failed" and state.error:
        block.append(dbc.Alert(t("sources.extract_failed", lang, error=state.error,
                                 time=_utc(state.as_of) if state.as_of else "-"),
                               color="warning", className="source-extract-error"))
    return html.Div(block)
