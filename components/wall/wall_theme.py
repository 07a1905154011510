"""The dark look of the wall's charts and tables.

The server does not know the screen, so the page measures it once (clientside, into a
store) and the text size of every figure is a share of the screen's height: the same
chart reads alike on a 1080p and a 4K panel. Figures are static (no mouse on a wall) and
fill their panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import dash_ag_grid as dag
import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from components.boards.board_tile import fit_to_tile, walk_components
from components.kit.theme import FONT, STATUS_COLORS

TEXT = "#e6edf8"
MUTED = "#93a3bd"
GRID = "rgba(147, 163, 189, 0.18)"
REFERENCE_HEIGHT = 1080
FONT_SHARE = 0.021  # of the screen's height: ~23 px on 1080p, ~45 px on 4K
# the board's status colours → their brighter wall versions (as the KPI tiles use)
WALL_STATUS = {STATUS_COLORS["good"]: "#34d399", STATUS_COLORS["warn"]: "#fbbf24",
               STATUS_COLORS["bad"]: "#f87171", STATUS_COLORS[None]: "#64748b"}
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def font_size(viewport: Mapping[str, object] | None) -> int:
    """Chart text size in px for the measured screen (1080p until it is measured)."""
    height = REFERENCE_HEIGHT
    if viewport and isinstance(viewport.get("h"), int | float) and viewport["h"] > 0:
        height = float(viewport["h"])  # type: ignore[arg-type]
    return max(12, round(height * FONT_SHARE))


@lru_cache(maxsize=1)
def _dark_template() -> dict:
    """plotly's dark template as plain JSON, built once: assigning it through plotly's
    validators costs ~30 ms per figure, which a wall pays on every rendering."""
    return pio.templates["plotly_dark"].to_plotly_json()


def dark_figure(fig: go.Figure, size: int) -> dict:
    """Dark template, light text, large fonts; the figure takes its panel's size. Returns
    the figure as a dict (what dcc.Graph takes), the template attached unvalidated."""
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": size, "color": TEXT}, height=None, autosize=True,
        margin={"l": size // 2, "r": size, "t": size, "b": size // 2},
        legend={"font": {"size": size, "color": TEXT}},
    )
    axes = {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID,
            "tickfont": {"size": round(size * 0.85), "color": MUTED}, "automargin": True}
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    fig.update_traces(textfont={"size": size, "color": TEXT}, selector={"type": "bar"})
    fig.update_traces(line_width=max(2, size // 7), marker_size=max(6, size // 3),
                      selector={"type": "scatter", "mode": "lines+markers"})
    for trace in fig.data:  # status colours in the wall's palette
        colors = getattr(trace.marker, "color", None) if trace.type == "bar" else None
        if isinstance(colors, list | tuple):
            trace.marker.color = [WALL_STATUS.get(c, c) for c in colors]
    for shape in fig.layout.shapes or ():  # target and alert lines
        if shape.line.color in WALL_STATUS:
            shape.line.color = WALL_STATUS[shape.line.color]
            shape.line.width = max(2, size // 10)
    figure = fig.to_plotly_json()
    figure["layout"]["template"] = _dark_template()
    return figure


def blank_figure() -> go.Figure:
    """What a chart shows before its first data: nothing, on the dark background."""
    return go.Figure(layout={"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
                             "xaxis": {"visible": False}, "yaxis": {"visible": False},
                             "margin": {"l": 0, "r": 0, "t": 0, "b": 0}})


def dark_graph(graph_id: object, figure: go.Figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, responsive=True,
                     className="wall-graph", style={"height": "100%", "minHeight": 0})


def grid_theme(size: int) -> str:
    """AG Grid's Quartz theme in the wall's colours, rows sized to the text."""
    return ("themeQuartz.withParams({fontFamily: 'inherit', "
            f"fontSize: {size}, headerFontSize: {round(size * 0.85)}, "
            "foregroundColor: '#e6edf8', headerTextColor: '#93a3bd', "
            "backgroundColor: '#111a2c', headerBackgroundColor: '#17223a', "
            "oddRowBackgroundColor: '#131e33', borderColor: '#26334d', "
            f"rowHeight: {round(size * 2)}, headerHeight: {round(size * 2.2)}, "
            "columnBorder: false, browserColorScheme: 'dark'})")


def dark_view(component: object, size: int) -> object:
    """A rendered saved view (components/boards/view_render.py) made to fill a wall panel in the
    dark look: figures restyled and static, tables in the dark grid theme."""
    component = fit_to_tile(component)
    for part in walk_components(component):
        if isinstance(part, dcc.Graph):
            part.config = GRAPH_CONFIG
            figure = getattr(part, "figure", None)
            if isinstance(figure, go.Figure):
                part.figure = dark_figure(figure, size)
        elif isinstance(part, dag.AgGrid):
            options = dict(getattr(part, "dashGridOptions", None) or {})
            options["theme"] = {"function": grid_theme(size)}
            part.dashGridOptions = options
    if isinstance(component, html.Div):
        component.className = "wall-view"
    return component
