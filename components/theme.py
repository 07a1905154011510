"""Colours and the plotly look shared by every chart (light board theme)."""

from __future__ import annotations

STATUS_COLORS = {"good": "#1f9d55", "warn": "#e8a317", "bad": "#d64545", None: "#7b8aa0"}
ACCENT = "#2f6fde"
MUTED = "#7b8aa0"
GRID = "#e7ebf0"
FONT = ('-apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", '
        'Roboto, "Helvetica Neue", Arial, sans-serif')


def base_layout(**overrides: object) -> dict[str, object]:
    """Plotly layout defaults: quiet grid, no chart chrome, room for labels."""
    layout: dict[str, object] = {
        "template": "plotly_white",
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
