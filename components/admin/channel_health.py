"""Alert channels that keep failing, on the Sources page: a robot whose key was revoked
or an SMTP server that refuses us should be seen by an admin, not only found in a log."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from i18n import t


def channel_health(failing: dict[str, str], lang: str) -> html.Div | None:
    """A panel naming each failing channel (secrets already masked) and its last error;
    None when every channel delivers."""
    if not failing:
        return None
    rows = [html.Li([html.Strong(name), html.Span(f" — {error}", className="source-url")])
            for name, error in sorted(failing.items())]
    return html.Div([
        html.Div([html.Span(t("alert_channels.title", lang), className="source-name"),
                  html.Span(t("alert_channels.failing", lang, n=len(failing)),
                            className="kpi-badge badge-bad ms-auto")],
                 className="source-head"),
        dbc.Alert(t("alert_channels.hint", lang), color="danger", className="source-error"),
        html.Ul(rows, className="channel-failures"),
    ], className="panel source-card status-bad", id="alert-channel-health")
