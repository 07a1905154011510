"""A tile's chart as the board draws it, sized for an image, and all tiles rendered to
PNG in one browser session (a message goes out without PNGs when none can be drawn).
"""

from __future__ import annotations

import html
import logging

import pandas as pd
import plotly.graph_objects as go

from alerts.chart_images import ChartsUnavailable, render_pngs, sized
from alerts.subscription.clean import short_error
from alerts.subscription.parts import TABLE_IMAGE_ROWS, Period, TileResult
from alerts.subscription.rows import shown_metrics, tile_table
from components.boards.view_charts import cartesian_figure, heatmap_figure, scatter_figure
from components.boards.view_render import why_not
from components.boards.view_spec import ViewSpec
from components.kit.theme import GRID

log = logging.getLogger("alerts.subscription_message")


def _table_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str) -> go.Figure:
    headers, rows = tile_table(spec, frame, lang, TABLE_IMAGE_ROWS)
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in headers]
    first_metric = len(headers) - len(shown_metrics(spec, frame))
    align = ["left" if i < first_metric else "right" for i in range(len(headers))]
    figure = go.Figure(go.Table(
        header={"values": [html.escape(h) for h in headers], "fill_color": "#f1f4f9",
                "align": align, "font": {"size": 13}},
        cells={"values": [[html.escape(v) for v in c] for c in columns], "align": align,
               "line_color": GRID, "fill_color": "white", "font": {"size": 12},
               "height": 26}))
    figure.update_layout(height=110 + 27 * len(rows))
    return figure


def tile_figure(spec: ViewSpec, frame: pd.DataFrame, lang: str, days: int | None,
                title: str) -> go.Figure | None:
    """The tile's chart as the board draws it (components/boards/view_charts.py), sized for
    an image, titled, on white; a table or pivot tile as a table or heatmap image. None
    when the view's choice cannot be drawn (no rows, a scatter of one metric, …)."""
    if why_not(spec, frame, lang):
        return None
    if spec.chart == "table":
        figure = _table_figure(spec, frame, lang)
    elif spec.chart in ("heatmap", "pivot"):
        figure = heatmap_figure(spec, frame, lang)
    elif spec.chart == "scatter":
        figure = scatter_figure(spec, frame, lang)
    else:
        figure = cartesian_figure(spec, frame, lang, days)
    figure.update_layout(
        title={"text": html.escape(title), "x": 0.01, "xanchor": "left",
               "font": {"size": 16}},
        margin={"l": 16, "r": 24, "t": 52, "b": 24})
    return sized(figure)


def draw_charts(tiles: list[TileResult], period: Period, lang: str) -> str | None:
    """Render every tile's chart to PNG in one browser session; the reason when none can
    be drawn (the message then goes out without them), else None."""
    for tile in tiles:
        if tile.frame is not None and tile.spec is not None:
            try:
                tile.figure = tile_figure(tile.spec, tile.frame, lang, period.days, tile.title)
            except Exception as exc:  # an odd frame must not stop the others
                log.warning("chart of tile %s could not be built: %s", tile.index, exc)
    drawn = [tile for tile in tiles if tile.figure is not None]
    if not drawn:
        return None
    try:
        pngs = render_pngs([tile.figure for tile in drawn])  # type: ignore[misc]
    except ChartsUnavailable as exc:
        log.warning("subscription charts not drawn: %s", exc)
        return str(exc)
    except Exception as exc:  # never let a chart crash the scheduler
        log.exception("subscription charts failed")
        return short_error(exc)
    for tile, png in zip(drawn, pngs, strict=True):
        tile.png = png
    return None
