"""Colours and the plotly look shared by every chart (light board theme)."""

from __future__ import annotations

from functools import lru_cache

import plotly.graph_objects as go
import plotly.io as pio

STATUS_COLORS = {"good": "#1f9d55", "warn": "#e8a317", "bad": "#d64545", None: "#7b8aa0"}
ACCENT = "#2f6fde"
MUTED = "#5a687c"  # annotations and notes: 5:1 on white, as the CSS muted grey (WCAG AA)
GRID = "#e7ebf0"
FONT = ('-apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", '
        'Roboto, "Helvetica Neue", Arial, sans-serif')


LIGHT_TEMPLATE = "plotly_white"


def base_layout(**overrides: object) -> dict[str, object]:
    """Plotly layout defaults for a figure made by `light_figure` (which carries the
    template): quiet grid, no chart chrome, room for labels."""
    layout: dict[str, object] = {
        "font": {"family": FONT, "size": 12, "color": "#25324a"},
        "margin": {"l": 8, "r": 16, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": {"family": FONT}},
        "showlegend": False,
        "xaxis": {"gridcolor": GRID, "automargin": True},
        "yaxis": {"gridcolor": GRID, "automargin": True},
    }
    layout.update(overrides)
    return layout


@lru_cache(maxsize=1)
def light_template() -> dict:
    """plotly's white template as plain JSON, built once (the wall does the same for its
    dark one, components/wall/wall_theme.py)."""
    return pio.templates[LIGHT_TEMPLATE].to_plotly_json()


def light_figure(*traces: object) -> go.Figure:
    """A figure with the board's template already attached: every chart of the light
    theme starts here, then adds `base_layout`.

    Assigning `template="plotly_white"` through plotly's validators deep-copies and checks
    the whole template: ~25 ms per figure, most of a cached board refresh (profiled at 1M
    and 10M sales lines). The template is known good, so it is attached unvalidated and
    validation is switched back on for everything the chart itself adds."""
    fig = go.Figure(layout={"template": light_template()}, _validate=False)
    fig._validate = fig.layout._validate = True
    if traces:
        fig.add_traces(list(traces))
    return fig


def reference_line(axis: str, value: float, color: str, dash: str, width: float,
                   opacity: float | None = None) -> dict[str, object]:
    """A line across the plot at `value` on `axis` ("x" or "y"), as a layout shape: what
    add_hline/add_vline make, given directly (they cost ~20 ms a line)."""
    other = "y" if axis == "x" else "x"
    shape: dict[str, object] = {
        "type": "line", f"{axis}ref": axis, f"{axis}0": value, f"{axis}1": value,
        f"{other}ref": f"{other} domain", f"{other}0": 0, f"{other}1": 1,
        "line": {"color": color, "dash": dash, "width": width}}
    if opacity is not None:
        shape["opacity"] = opacity
    return shape
