"""Inventory age (库龄分析): stock at the end of the period split into FIFO age layers.

A KPI strip (aged value and units, average age against its target, units older than the
data), the distribution over age buckets in value and in units stacked by category or
region, and the oldest sku-locations. The stack-by choice and the bucket bounds are page
parameters, in the URL with the filters.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.ageing_charts import bucket_charts
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.analysis.insight_cards import ageing_cards
from components.analysis.insight_params import (
    DEFAULT_AGE_BOUNDS,
    DEFAULT_STACK,
    age_bounds_of,
    bounds_text,
    or_default,
    parse_age_bounds,
    stack_of,
)
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.metric_grid import metric_grid
from components.kit.failures import shows_failure
from components.kit.feedback import empty_alert, error_alert, message_figure
from components.kit.formatting import is_missing
from components.kit.options_bar import option, options_bar, segmented
from components.kit.page_frame import loading, section
from components.kit.page_title import page_title
from components.kit.render_memo import rendered
from i18n import t
from metrics.query import MetricQuery
from metrics.thresholds import current_thresholds

dash.register_page(__name__, path="/ageing", name="ageing", title=page_title("nav.ageing"))

P = "age"
GRID_LIMIT = 500
KPI_METRICS = ("aged_value", "aged_units", "average_age_days", "units_older_than_data")
GRID_METRICS = (*KPI_METRICS, "days_since_last_sale")


def _graph(name: str) -> dcc.Loading:
    return loading(dcc.Graph(id=f"{P}-{name}", figure=message_figure("", 330),
                             config={"displayModeBar": False, "responsive": True},
                             className="board-graph"))


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang = page.lang
    stack, bounds = stack_of(params), age_bounds_of(params)
    page_params = {"stack": or_default(stack, DEFAULT_STACK),
                   "buckets": or_default(bounds_text(bounds), bounds_text(DEFAULT_AGE_BOUNDS))}
    options = options_bar([
        option(t("insight.stack_by", lang), segmented(f"{P}-stack", [
            {"label": t("filter.category", lang), "value": "category"},
            {"label": t("filter.region", lang), "value": "region"}], stack)),
        option(t("insight.ageing.bounds", lang),
               dbc.Input(id=f"{P}-bounds", value=bounds_text(bounds), type="text",
                         debounce=True, size="sm", className="bounds-input",
                         placeholder=bounds_text(DEFAULT_AGE_BOUNDS)),
               feedback_id=f"{P}-bounds-feedback",
               hint=t("insight.ageing.bounds_hint", lang), html_for=f"{P}-bounds"),
    ])
    return page.frame([
        *page_header(P, t("insight.ageing.title", lang), page, page_params),
        options,
        html.Div(id=f"{P}-notice"),
        loading(html.Div(id=f"{P}-kpis", className="insight-kpis")),
        html.Div([
            section(t("insight.ageing.by_value", lang), _graph("value")),
            section(t("insight.ageing.by_units", lang), _graph("units")),
        ], className="insight-pair"),
        section(t("insight.ageing.oldest", lang), loading(html.Div(id=f"{P}-grid")),
                hint_id=f"{P}-grid-hint"),
    ])


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Output(f"{P}-bounds", "invalid"),
    Output(f"{P}-bounds-feedback", "children"),
    Input(f"{P}-stack", "value"),
    Input(f"{P}-bounds", "value"),
    State(state_id(P), "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def set_options(stack, text, state, lang):
    """Stack by / bucket bounds into the page state; bounds that do not parse are refused."""
    bounds, problem = parse_age_bounds(text)
    if problem:
        return dash.no_update, True, t(problem[0], lang, **problem[1])
    new = with_page(state, push=False, stack=or_default(stack, DEFAULT_STACK),
                    buckets=or_default(bounds_text(bounds), bounds_text(DEFAULT_AGE_BOUNDS)))
    return (dash.no_update if new["page"] == state["page"] else new), False, ""


@callback(
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-notice", "children"),
    Output(f"{P}-subtitle", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: ([], error_alert(error, lang), _subtitle(state, lang)))
def show_summary(state, lang):
    who = request_principal()
    filters, start, end = period_of(state)
    row = service.run(who, MetricQuery.create(KPI_METRICS, start, end, where=filters.where()),
                      state["source"]).iloc[0].to_dict()
    first = service.data_range(who, state["source"])[0]
    empty = is_missing(row["aged_units"]) or row["aged_units"] == 0
    return ageing_cards(row, first, lang), empty_alert(lang) if empty else None, \
        _subtitle(state, lang)


def _subtitle(state: dict, lang: str) -> str:
    return t("insight.ageing.subtitle", lang, date=period_of(state)[2].isoformat())


@callback(
    Output(f"{P}-value", "figure"),
    Output(f"{P}-units", "figure"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, *_: (message_figure(str(error), 330),) * 2)
def show_buckets(state, lang):
    who = request_principal()
    filters, start, end = period_of(state)
    stack = stack_of(state["page"])
    query = MetricQuery.create(["aged_value", "aged_units"], start, end,
                               by=["age_bucket", stack], where=filters.where(),
                               age_bounds=age_bounds_of(state["page"]))
    frame = service.run(who, query, state["source"])
    if frame.empty or not frame["aged_units"].fillna(0).any():
        empty = message_figure(t("board.empty", lang), 330)
        return empty, empty
    labels = query.options.age_bucket_labels()

    def build() -> dict:
        value, units = bucket_charts(frame, stack, labels, lang)
        return {"value": value.to_plotly_json(), "units": units.to_plotly_json()}

    charts = rendered("ageing-buckets", [stack, lang, labels], [frame], build,
                      principal=who)[0]
    return charts["value"], charts["units"]


@callback(
    Output(f"{P}-grid", "children"),
    Output(f"{P}-grid-hint", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: (error_alert(error, lang), ""))
def show_oldest(state, lang):
    """The oldest sku-locations with stock, oldest first (ties: the larger value first)."""
    who = request_principal()
    filters, start, end = period_of(state)
    query = MetricQuery.create(GRID_METRICS, start, end, by=["sku", "location"],
                               where=filters.where(), having=[("aged_units", ">", 0)],
                               sort=[("average_age_days", True), ("aged_value", True)],
                               limit=GRID_LIMIT)
    frame = service.run(who, query, state["source"])
    days = (end - start).days + 1
    grid = rendered("ageing-oldest", [lang, days, repr(current_thresholds())], [frame],
                    lambda: {"grid": metric_grid("ageing-oldest", frame, ["sku", "location"],
                                                 list(GRID_METRICS), lang, days=days)},
                    principal=who)[0]
    return grid["grid"], t("insight.ageing.oldest_hint", lang, limit=GRID_LIMIT)
