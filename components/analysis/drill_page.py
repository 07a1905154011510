"""A drill-down page, built from a hierarchy: category → subcategory → brand → SKU,
region → location, channel → region → location.

The page shows the current level (a chart of the chosen metric and a grid of the standard
metrics with totals), a chart across another dimension (clicking a bar filters the whole
page by it: cross-filtering) and the monthly trend of the current selection. Clicking a
bar or a grid row goes one level down; the breadcrumb goes back up; the path lives in the
URL (d_<dimension>=value), pushed onto the history so the Back button goes back up too.
When the bottom level is chosen, its rows are broken down by another dimension (a SKU by
location, a location by category).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.filters.filter_bar import fid, option_label
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.metric_grid import grid_id, metric_grid, row_keys
from components.kit.breadcrumb import breadcrumb
from components.kit.charts import breakdown_chart, trend_chart
from components.kit.failures import shows_failure
from components.kit.feedback import message_figure
from components.kit.page_frame import loading, section
from components.kit.value_labels import value_label
from i18n import t
from metrics.dimensions import DIMENSIONS
from metrics.periods import months_back, split_periods
from metrics.query import MetricQuery
from metrics.registry import METRICS

GRID_METRICS = ("revenue", "gross_margin", "inventory_value", "turnover_days", "sell_through",
                "stockout_rate", "dead_stock_value", "gmroi")
CHART_ROWS = 20


@dataclass(frozen=True)
class DrillSpec:
    prefix: str
    title_key: str
    hierarchy: tuple[str, ...]
    leaf_breakdown: str  # how the bottom level's chosen item is broken down
    filter_dims: tuple[str, ...]  # the filter bar (the drilled dimensions are the path)
    cross_dim: str  # the cross-filter chart; must be one of filter_dims
    default_metric: str = "turnover_days"


def path_of(spec: DrillSpec, page: dict) -> list[tuple[str, str]]:
    """The chosen values, top down; a gap ends the path (a hand-edited URL stays valid)."""
    path = []
    for dim in spec.hierarchy:
        value = page.get(f"d_{dim}")
        if value is None:
            break
        path.append((dim, value))
    return path


def level_of(spec: DrillSpec, path: list[tuple[str, str]]) -> str:
    return spec.hierarchy[len(path)] if len(path) < len(spec.hierarchy) else spec.leaf_breakdown


def _where(state: dict, path: list[tuple[str, str]]) -> dict[str, list[str]]:
    where = period_of(state)[0].where()
    where.update({dim: [value] for dim, value in path})
    return where


def grid_keys(level: str) -> list[str]:
    """The grid's key columns at a level (a SKU or location comes with its name)."""
    name = DIMENSIONS[level].name_column
    return [level, name] if name else [level]


def _label(dim: str, value: object, name: object, lang: str) -> str:
    if value is None:
        return "—"
    if name:
        column = DIMENSIONS[dim].name_column if dim in DIMENSIONS else ""
        return f"{value_label(column, str(name), lang)} ({value})"
    return option_label(dim, str(value), lang)


def build(spec: DrillSpec) -> Callable[..., object]:
    """Register the page's callbacks and return its layout function."""
    register_filter_sync(spec.prefix, spec.filter_dims)
    _register_level(spec)
    _register_cross(spec)
    _register_trend(spec)
    _register_navigation(spec)
    return lambda **params: _layout(spec, params)


def _graph(graph_id: str) -> object:
    return loading(dcc.Graph(id=graph_id, figure=message_figure(""),
                             config={"displayModeBar": False}, className="board-graph"))


def _layout(spec: DrillSpec, params: dict[str, str]) -> object:
    P = spec.prefix
    page = open_page(params, spec.filter_dims)
    if not isinstance(page, PageContext):
        return page
    lang = page.lang
    metric = params.get("metric") if params.get("metric") in METRICS else None
    page_params = {k: v for k, v in params.items() if k.startswith("d_")} | {"metric": metric}
    picker = dcc.Dropdown(
        id=f"{P}-metric", value=metric or spec.default_metric, clearable=False,
        options=[{"label": m.label(lang), "value": m.id} for m in METRICS.values()],
        className="metric-picker")
    head_extra = html.Div([html.Span(t("drill.metric", lang), className="filter-label me-2"),
                           picker], className="head-picker ms-auto")
    return page.frame([
        *page_header(P, t(spec.title_key, lang), page, page_params, spec.filter_dims,
                     head_extra=head_extra),
        html.Div(id=f"{P}-crumbs"),
        html.Div([
            html.Div(section(t("drill.by_level", lang), _graph(f"{P}-level-chart"),
                             hint_id=f"{P}-level-hint"), className="drill-main"),
            html.Div(section(t(f"filter.{spec.cross_dim}", lang), _graph(f"{P}-cross-chart"),
                             hint_id=f"{P}-cross-hint"), className="drill-side"),
        ], className="drill-row"),
        section(t("drill.trend", lang), _graph(f"{P}-trend")),
        html.Div(section(t("drill.table", lang), loading(html.Div(id=f"{P}-grid"))),
                 className="mt-3"),
    ])


@dataclass(frozen=True)
class _Asked:
    """What a drill callback asks, parsed from the page state."""

    start: date
    end: date
    path: list[tuple[str, str]]
    metric: str
    where: dict[str, list[str]]
    source: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _asked(spec: DrillSpec, state: dict) -> _Asked:
    _, start, end = period_of(state)
    path = path_of(spec, state["page"])
    return _Asked(start, end, path, state["page"].get("metric", spec.default_metric),
                  _where(state, path), state["source"])


def _crumbs(spec: DrillSpec, state: dict, lang: str) -> object:
    top = t(f"drill.all.{spec.hierarchy[0]}", lang)
    return breadcrumb(spec.prefix, top,
                      [option_label(d, v, lang) for d, v in path_of(spec, state["page"])])


def _subtitle(state: dict, lang: str) -> str:
    _, start, end = period_of(state)
    return t("drill.subtitle", lang, start=start, end=end)


def _register_level(spec: DrillSpec) -> None:
    P = spec.prefix

    @callback(
        Output(f"{P}-crumbs", "children"),
        Output(f"{P}-level-chart", "figure"),
        Output(f"{P}-level-hint", "children"),
        Output(f"{P}-grid", "children"),
        Output(f"{P}-subtitle", "children"),
        Input(state_id(P), "data"),
        State(f"{P}-lang", "data"),
    )
    @needs(VIEW)
    @shows_failure(lambda error, state, lang: (_crumbs(spec, state, lang),
                                               message_figure(str(error)), "", html.Div(),
                                               _subtitle(state, lang)))
    def show_level(state, lang):
        """The current level: breadcrumb, chart of the chosen metric, grid with totals."""
        who, asked = request_principal(), _asked(spec, state)
        level = level_of(spec, asked.path)
        metrics = list(dict.fromkeys((*GRID_METRICS, asked.metric)))
        frame = service.run(who, MetricQuery.create(metrics, asked.start, asked.end,
                                                    by=[level], where=asked.where),
                            asked.source)
        totals = service.run(who, MetricQuery.create(metrics, asked.start, asked.end,
                                                     where=asked.where),
                             asked.source).iloc[0].to_dict()
        figure, hint, grid = level_view(spec, level, frame, totals, metrics, asked, lang)
        return _crumbs(spec, state, lang), figure, hint, grid, _subtitle(state, lang)


def level_view(spec: DrillSpec, level: str, frame: pd.DataFrame, totals: dict,
               metrics: list[str], asked: _Asked, lang: str) -> tuple[object, str, object]:
    """(chart of the chosen metric, its hint, the grid with totals) of one level."""
    P, metric, days = spec.prefix, asked.metric, asked.days
    if frame.empty:
        return message_figure(t("board.empty", lang)), "", \
            metric_grid(P, frame, [level], metrics, lang, days)
    dim = DIMENSIONS[level]
    names = frame[dim.name_column] if dim.name_column else [None] * len(frame)
    labels = {v: _label(level, v, n, lang) for v, n in zip(frame[level], names, strict=True)}
    chart_rows = frame.sort_values(metric, ascending=METRICS[metric].good == "lower",
                                   na_position="last").head(CHART_ROWS)
    figure = breakdown_chart(chart_rows, level, metric, lang, days, labels, totals.get(metric))
    hint = t("drill.level_hint", lang, level=dim.label(lang), shown=len(chart_rows),
             total=len(frame))
    shown = {} if dim.name_column else {level: {str(v): option_label(level, str(v), lang)
                                                 for v in frame[level].dropna()}}
    grid = metric_grid(P, frame, grid_keys(level), metrics, lang, days=days, totals=totals,
                       category_column="category" if level == "category" else None,
                       clickable=level != spec.leaf_breakdown, labels=shown)
    return figure, hint, grid


def _register_cross(spec: DrillSpec) -> None:
    P = spec.prefix

    @callback(
        Output(f"{P}-cross-chart", "figure"),
        Output(f"{P}-cross-hint", "children"),
        Input(state_id(P), "data"),
        State(f"{P}-lang", "data"),
    )
    @needs(VIEW)
    @shows_failure(lambda error, *_: (message_figure(str(error)), ""))
    def show_cross(state, lang):
        """The chosen metric across the cross dimension for the current selection; bars of
        values in the filter stand out, the others fade."""
        asked = _asked(spec, state)
        where = dict(asked.where)
        chosen = set(where.pop(spec.cross_dim, []))
        frame = service.run(request_principal(), MetricQuery.create(
            [asked.metric], asked.start, asked.end, by=[spec.cross_dim], where=where),
            asked.source)
        if frame.empty:
            return message_figure(t("board.empty", lang)), ""
        labels = {v: option_label(spec.cross_dim, v, lang) for v in frame[spec.cross_dim]
                  if v is not None}
        figure = breakdown_chart(frame, spec.cross_dim, asked.metric, lang, asked.days, labels,
                                 highlight=chosen or None)
        return figure, t("drill.cross_hint", lang)


def _register_trend(spec: DrillSpec) -> None:
    P = spec.prefix

    @callback(
        Output(f"{P}-trend", "figure"),
        Input(state_id(P), "data"),
        State(f"{P}-lang", "data"),
    )
    @needs(VIEW)
    @shows_failure(lambda error, *_: message_figure(str(error)))
    def show_trend(state, lang):
        """The monthly trend of the selection over the last twelve months of data."""
        who, asked = request_principal(), _asked(spec, state)
        start = max(months_back(asked.end, 11), service.data_range(who, asked.source)[0])
        if start > asked.end:
            return message_figure(t("board.empty", lang))
        frame = service.run(who, MetricQuery.create([asked.metric], start, asked.end,
                                                    by=["month"], where=asked.where),
                            asked.source)
        days = {p.label: p.days for p in split_periods(start, asked.end, None, "month", 90)}
        return trend_chart(frame, asked.metric, "month", lang, days)


def _register_navigation(spec: DrillSpec) -> None:
    P = spec.prefix

    @callback(
        Output(state_id(P), "data", allow_duplicate=True),
        Input(f"{P}-level-chart", "clickData"),
        Input(grid_id(P), "cellClicked"),
        Input({"type": f"{P}-crumb", "depth": ALL}, "n_clicks"),
        Input(f"{P}-metric", "value"),
        State(state_id(P), "data"),
        prevent_initial_call=True,
    )
    @needs(VIEW)
    def navigate(chart_click, cell_click, crumb_clicks, metric, state):
        """Drill down (bar or row), back up (breadcrumb), or change the metric."""
        trigger = ctx.triggered_id
        path = path_of(spec, state["page"])
        if trigger == f"{P}-metric":
            return with_page(state, push=False, metric=metric)
        if isinstance(trigger, dict) and trigger.get("type") == f"{P}-crumb":
            if not any(crumb_clicks):
                return dash.no_update
            depth = trigger["depth"]
            return with_page(state, push=True, **{f"d_{d}": None for d, _ in path[depth:]})
        if len(path) >= len(spec.hierarchy):
            return dash.no_update  # the bottom level: nothing further down
        level = level_of(spec, path)
        value = None
        if trigger == f"{P}-level-chart" and chart_click:
            value = chart_click["points"][0].get("customdata")
        elif cell_click and cell_click.get("rowId"):
            value = row_keys(cell_click["rowId"], grid_keys(level)).get(level)
        if value is None:
            return dash.no_update
        return with_page(state, push=True, **{f"d_{level}": str(value)})

    @callback(
        Output(fid(P, spec.cross_dim), "value", allow_duplicate=True),
        Input(f"{P}-cross-chart", "clickData"),
        State(fid(P, spec.cross_dim), "value"),
        prevent_initial_call=True,
    )
    @needs(VIEW)
    def cross_filter(click, chosen):
        """Clicking a bar of the cross chart toggles that value in the page's filter."""
        if not click:
            return dash.no_update
        value = click["points"][0].get("customdata")
        chosen = list(chosen or [])
        return [v for v in chosen if v != value] if value in chosen else [*chosen, value]
