"""The notice a page shows while its source is failing: "stale since HH:MM — showing the
last values read; retrying". It asks the server every 15 s (a cheap in-memory check, no
query) and disappears by itself when the source answers again. The time is written in the
browser's timezone, like the wall's clock, so a screen and a desk never disagree."""

from __future__ import annotations

from dash import Input, Output, State, callback, clientside_callback, dcc, html

from auth.permissions import VIEW, needs
from data_connectors.source import SourceError
from i18n import t
from service import sources

POLL_MS = 15_000


def stale_banner(source: str | None, lang: str) -> html.Div:
    return html.Div([
        dcc.Store(id="stale-source", data={"source": source, "lang": lang}),
        dcc.Store(id="stale-status"),
        dcc.Interval(id="stale-poll", interval=POLL_MS),
        html.Div(id="stale-banner", role="status", **{"aria-live": "polite"}),
    ])


def stale_status(source: str | None, lang: str) -> dict | None:
    """{"text": the notice with a {since} slot, "since": ISO time} while failing, else None."""
    if source is None:
        return None
    try:
        status = sources.source_status(source)
    except SourceError:
        return None
    if status.ok:
        return None
    return {"text": t("stale.notice", lang, since="{since}", error=status.message or ""),
            "since": status.since.isoformat() if status.since else None}


@callback(Output("stale-status", "data"), Input("stale-poll", "n_intervals"),
          State("stale-source", "data"))
@needs(VIEW)
def poll_status(_n, data):
    return stale_status(data["source"], data["lang"])


clientside_callback(
    """function (status) {
        if (!status) { return null; }
        const since = status.since ? new Date(status.since).toLocaleTimeString(
            [], {hour: '2-digit', minute: '2-digit', hour12: false}) : '?';
        const text = status.text.replace('{since}', since);
        return {type: 'Div', namespace: 'dash_html_components',
                props: {className: 'stale-notice', children: text}};
    }""",
    Output("stale-banner", "children"),
    Input("stale-status", "data"),
)
