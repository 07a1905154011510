"""Executive board (经营总览), the home page: KPI cards against the previous period and
their targets, a monthly trend, and breakdowns by region and by channel.

Filter state lives in the URL: the layout reads it on load, and every change is written
back (clientside, without a reload), so a view can be bookmarked and shared.

Cards and charts are built once per distinct (inputs, result values) and then shared
(components/kit/render_memo.py `rendered`): building plotly figures was most of a cached
refresh (profiled with bench/board_bench.py), and a board is asked the same again and again.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.filters.filter_bar import filter_bar, option_label
from components.filters.filter_state import BoardFilters
from components.filters.page_state import initial_state, period_of, register_filter_sync, state_id
from components.kit.charts import breakdown_chart, trend_chart
from components.kit.failures import shows_failure
from components.kit.feedback import empty_alert, error_alert, message_figure
from components.kit.formatting import is_missing
from components.kit.kpi_card import BOARD_CARD_METRICS, BOARD_CARDS, kpi_card
from components.kit.page_frame import loading, page_frame, section
from components.kit.page_title import page_title
from components.kit.render_memo import rendered
from data_connectors.source import SourceError
from i18n import resolve_language, t
from metrics.periods import months_back, previous_period, split_periods
from metrics.query import MetricQuery
from metrics.registry import METRICS
from metrics.thresholds import current_thresholds, threshold_category
from service import sources

dash.register_page(__name__, path="/", name="overview", title=page_title(None))

P = "ov"  # id prefix of this page
CARDS, CARD_METRICS = BOARD_CARDS, BOARD_CARD_METRICS
CHART_METRICS = ("turnover_days", "turnover", "sell_through", "stockout_rate",
                 "inventory_value", "dead_stock_value", "gmroi", "revenue")


def _metric_picker(name: str, value: str, lang: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=f"{P}-{name}", value=value, clearable=False, searchable=False,
                        options=[{"label": METRICS[m].label(lang), "value": m}
                                 for m in CHART_METRICS], className="metric-picker")


def _graph(name: str) -> dcc.Loading:
    return loading(dcc.Graph(id=f"{P}-{name}", figure=message_figure(""),
                             config={"displayModeBar": False, "responsive": True},
                             className="board-graph"))


def layout(**params: str) -> html.Div:
    who = request_principal()
    lang = resolve_language(params.get("lang"))
    source = sources.source_name(params.get("source"))
    filters = BoardFilters.from_params(params)
    try:
        first, last = service.data_range(who, source)
        choices = {"region": service.dimension_values(who, "location", "region", source),
                   "channel": service.channel_values(who, source),
                   "category": service.dimension_values(who, "sku", "category", source)}
    except SourceError as exc:
        return page_frame(lang, error_alert(exc, lang), source)
    if last is None:
        return page_frame(lang, empty_alert(lang), source)
    bar = filter_bar(P, filters, filters.period(last), (first, last), choices, lang)
    return page_frame(lang, [
        html.Div([html.H1(t("board.title", lang), className="page-title"),
                  html.Div(id=f"{P}-subtitle", className="page-subtitle")],
                 className="page-head"),
        bar,
        dcc.Store(id=state_id(P), data=initial_state(params, source, {})),
        dcc.Store(id=f"{P}-lang", data=lang),
        html.Div(id=f"{P}-url-sync", hidden=True),
        html.Div(id=f"{P}-notice"),
        loading(html.Div(id=f"{P}-kpis", className="kpi-grid")),
        dbc.Row([
            dbc.Col(section(t("board.trend", lang), _graph("trend"),
                            tools=_metric_picker("trend-metric", "turnover_days", lang),
                            hint_id=f"{P}-trend-hint"), lg=12),
        ], className="g-3"),
        html.Div([html.Span(t("board.breakdown_metric", lang), className="filter-label me-2"),
                  _metric_picker("breakdown-metric", "turnover_days", lang)],
                 className="breakdown-head"),
        dbc.Row([
            dbc.Col(section(t("board.by_region", lang), _graph("by-region")), lg=6),
            dbc.Col(section(t("board.by_channel", lang), _graph("by-channel")), lg=6),
        ], className="g-3"),
    ], source)


register_filter_sync(P)


@callback(
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-subtitle", "children"),
    Output(f"{P}-notice", "children"),
    Input(f"{P}-state", "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: ([], _subtitle(state, lang), error_alert(error, lang)))
def update_kpis(state, lang):
    who = request_principal()
    filters, start, end = period_of(state)
    prev_start, prev_end = previous_period(start, end)
    query = MetricQuery.create(CARD_METRICS, start, end, where=filters.where())
    source = state["source"]
    # the previous period only where the data covers it
    comparable = prev_start >= service.data_range(who, source)[0]
    current = service.run(who, query, source).iloc[0].to_dict()
    previous = (service.run(who, query.with_period(prev_start, prev_end), source).iloc[0]
                .to_dict() if comparable else None)
    days = (end - start).days + 1
    one = threshold_category(filters.category)  # its own thresholds judge, if it has any
    cards = rendered("ov-kpis", [lang, days, one, repr(current_thresholds()),
                                 repr(current), repr(previous)], [],
                     lambda: {"cards": [kpi_card(spec, current, previous, days, lang, one)
                                        for spec in CARDS]},
                     principal=who)[0]["cards"]
    empty = all(is_missing(current[m]) or current[m] == 0
                for m in ("revenue", "inventory_value"))
    return cards, _subtitle(state, lang), empty_alert(lang) if empty else None


def _subtitle(state: dict, lang: str) -> str:
    _, start, end = period_of(state)
    prev_start, prev_end = previous_period(start, end)
    return t("board.subtitle", lang, start=start, end=end, pstart=prev_start, pend=prev_end)


@callback(
    Output(f"{P}-trend", "figure"),
    Output(f"{P}-trend-hint", "children"),
    Input(f"{P}-state", "data"),
    Input(f"{P}-trend-metric", "value"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, *_: (message_figure(str(error)), ""))
def update_trend(state, metric, lang):
    who = request_principal()
    filters, _, end = period_of(state)
    start = max(months_back(end, 11), service.data_range(who, state["source"])[0])
    if start > end:  # the period ends before the data begins
        return message_figure(t("board.empty", lang)), ""
    query = MetricQuery.create([metric], start, end, by=["month"], where=filters.where())
    frame = service.run(who, query, state["source"])
    days = {p.label: p.days for p in split_periods(start, end, None, "month", 90)}
    one = threshold_category(filters.category)
    figure = rendered("ov-trend", [metric, lang, days, one, repr(current_thresholds())], [frame],
                      lambda: {"figure": trend_chart(frame, metric, "month", lang, days, one)
                               .to_plotly_json()},
                      principal=who)[0]["figure"]
    return figure, t("board.trend_hint", lang, end=end)


@callback(
    Output(f"{P}-by-region", "figure"),
    Output(f"{P}-by-channel", "figure"),
    Input(f"{P}-state", "data"),
    Input(f"{P}-breakdown-metric", "value"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, *_: (message_figure(str(error)),) * 2)
def update_breakdowns(state, metric, lang):
    who = request_principal()
    filters, start, end = period_of(state)
    days, where = (end - start).days + 1, filters.where()
    overall = service.run(who, MetricQuery.create([metric], start, end, where=where),
                          state["source"])
    frames = {dim: service.run(who, MetricQuery.create([metric], start, end, by=[dim],
                                                       where=where), state["source"])
              for dim in ("region", "channel")}
    one, limits = threshold_category(filters.category), repr(current_thresholds())

    def figure(dim: str, frame: pd.DataFrame) -> dict:
        if frame.empty:
            return message_figure(t("board.empty", lang)).to_plotly_json()
        labels = {v: option_label(dim, v, lang) for v in frame[dim] if v is not None}
        return breakdown_chart(frame, dim, metric, lang, days, labels,
                               overall.iloc[0][metric], one).to_plotly_json()

    return [rendered(f"ov-by-{dim}", [dim, metric, lang, days, one, limits], [frame, overall],
                     lambda dim=dim, frame=frame: {"figure": figure(dim, frame)},
                     principal=who)[0]["figure"]
            for dim, frame in frames.items()]
