"""Slow movers & dead stock (滞销与呆滞): sku-locations holding stock with no sale in the
N days to the end of the period (N = 30 … 365, a page parameter in the URL).

A KPI strip (how many sku-locations and SKUs, the value tied up and its share of all
inventory value), dead-stock value by category (click a bar to filter the page by it) and
by region, and the sku-locations by value at risk, largest first, with export.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.analysis.insight_cards import dead_stock_cards
from components.analysis.insight_params import (
    DEAD_STOCK_CHOICES,
    DEFAULT_DEAD_DAYS,
    dead_days_of,
    or_default,
)
from components.filters.filter_bar import fid, option_label
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.metric_grid import metric_grid
from components.kit.charts import breakdown_chart
from components.kit.failures import shows_failure
from components.kit.feedback import empty_alert, error_alert, message_figure
from components.kit.formatting import is_missing
from components.kit.options_bar import option, options_bar, segmented
from components.kit.page_frame import loading, section
from components.kit.page_title import page_title
from i18n import t
from metrics.query import MetricQuery

dash.register_page(__name__, path="/slow-movers", name="slow_movers",
                   title=page_title("nav.slow_movers"))

P = "slow"
ROW_METRICS = ("on_hand_units", "inventory_value", "days_since_last_sale", "days_of_supply",
               "dead_stock_value")
TOTAL_METRICS = ("dead_stock_value", "dead_stock_share", "inventory_value")


def _graph(name: str) -> dcc.Loading:
    return loading(dcc.Graph(id=f"{P}-{name}", figure=message_figure(""),
                             config={"displayModeBar": False, "responsive": True},
                             className="board-graph"))


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang = page.lang
    days = dead_days_of(params)
    choices = [{"label": t("insight.slow.days_option", lang, days=n), "value": n}
               for n in DEAD_STOCK_CHOICES]
    return page.frame([
        *page_header(P, t("insight.slow.title", lang), page,
                     {"days": or_default(days, DEFAULT_DEAD_DAYS)}),
        options_bar([option(t("insight.slow.no_sale_for", lang),
                            segmented(f"{P}-days", choices, days),
                            hint=t("insight.slow.no_sale_hint", lang))]),
        html.Div(id=f"{P}-notice"),
        loading(html.Div(id=f"{P}-kpis", className="insight-kpis")),
        html.Div([
            section(t("insight.slow.by_category", lang), _graph("by-category"),
                    hint_id=f"{P}-category-hint"),
            section(t("insight.slow.by_region", lang), _graph("by-region")),
        ], className="insight-pair"),
        section(t("insight.slow.table", lang), loading(html.Div(id=f"{P}-grid")),
                hint_id=f"{P}-grid-hint"),
    ])


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Input(f"{P}-days", "value"),
    State(state_id(P), "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def set_days(days, state):
    return with_page(state, push=False, days=or_default(days, DEFAULT_DEAD_DAYS))


@callback(
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-notice", "children"),
    Output(f"{P}-subtitle", "children"),
    Output(f"{P}-grid", "children"),
    Output(f"{P}-grid-hint", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: ([], error_alert(error, lang), _subtitle(state, lang),
                                           html.Div(), ""))
def show_rows(state, lang):
    """Sku-locations with stock and no sale in N days, by value at risk, and the totals."""
    who = request_principal()
    filters, start, end = period_of(state)
    days, where = dead_days_of(state["page"]), filters.where()
    subtitle = _subtitle(state, lang)
    frame = service.run(who, MetricQuery.create(
        ROW_METRICS, start, end, by=["sku", "location", "abc_class"], where=where,
        having=[("dead_stock_value", ">", 0)], sort=[("inventory_value", True)],
        dead_stock_days=days), state["source"])
    totals = service.run(who, MetricQuery.create(TOTAL_METRICS, start, end, where=where,
                                                 dead_stock_days=days),
                         state["source"]).iloc[0].to_dict()
    cards = dead_stock_cards(len(frame), frame["sku"].nunique(), totals, days, end, lang)
    notice = None
    if is_missing(totals["inventory_value"]) or totals["inventory_value"] == 0:
        notice = empty_alert(lang)
    grid = metric_grid("slow-movers", frame, ["sku", "location"], list(ROW_METRICS), lang,
                       days=(end - start).days + 1, extra_columns=["abc_class"])
    return cards, notice, subtitle, grid, t("insight.slow.table_hint", lang, days=days)


def _subtitle(state: dict, lang: str) -> str:
    return t("insight.slow.subtitle", lang, date=period_of(state)[2].isoformat(),
             days=dead_days_of(state["page"]))


@callback(
    Output(f"{P}-by-category", "figure"),
    Output(f"{P}-by-region", "figure"),
    Output(f"{P}-category-hint", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
def show_breakdowns(state, lang):
    return (_dead_stock_by("category", state, lang), _dead_stock_by("region", state, lang),
            t("insight.slow.category_hint", lang))


@shows_failure(lambda error, *_: message_figure(str(error)))
def _dead_stock_by(dim: str, state: dict, lang: str) -> object:
    """One breakdown chart of dead-stock value (each chart says its own failure)."""
    filters, start, end = period_of(state)
    days, span = dead_days_of(state["page"]), (end - start).days + 1
    frame = service.run(request_principal(), MetricQuery.create(
        ["dead_stock_value"], start, end, by=[dim], where=filters.where(),
        dead_stock_days=days), state["source"])
    if frame.empty or not frame["dead_stock_value"].fillna(0).any():
        return message_figure(t("insight.slow.none", lang, days=days))
    labels = {v: option_label(dim, v, lang) for v in frame[dim] if v is not None}
    figure = breakdown_chart(frame, dim, "dead_stock_value", lang, span, labels)
    return figure.update_yaxes(categoryorder="total ascending")  # largest on top


@callback(
    Output(fid(P, "category"), "value", allow_duplicate=True),
    Input(f"{P}-by-category", "clickData"),
    State(fid(P, "category"), "value"),
    prevent_initial_call=True,
)
@needs(VIEW)
def filter_by_category(click, chosen):
    """Clicking a category bar toggles that category in the page's filter."""
    if not click:
        return dash.no_update
    point = click["points"][0]
    value = point.get("customdata") or point.get("y")
    if isinstance(value, list):
        value = value[0] if value else None
    if not value or value == "—":
        return dash.no_update
    chosen = list(chosen or [])
    return [v for v in chosen if v != value] if value in chosen else [*chosen, value]
