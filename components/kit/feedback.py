"""What a section shows instead of numbers: nothing matches, or the source failed."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go

from components.kit.theme import MUTED, base_layout, light_figure
from i18n import t


def error_alert(error: Exception, lang: str) -> dbc.Alert:
    return dbc.Alert(t("board.error", lang, error=str(error)), color="danger",
                     className="section-alert")


def empty_alert(lang: str) -> dbc.Alert:
    return dbc.Alert(t("board.empty", lang), color="secondary", className="section-alert")


def message_figure(text: str, height: int = 240) -> go.Figure:
    """An empty chart carrying a message in its middle (keeps the layout from jumping)."""
    fig = light_figure()
    fig.add_annotation(text=text, showarrow=False, font={"size": 14, "color": MUTED},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(**base_layout(height=height, xaxis={"visible": False},
                                    yaxis={"visible": False}))
    return fig
