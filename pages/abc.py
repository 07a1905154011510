"""ABC analysis (ABC分析): SKUs ranked by a measure (cogs, revenue, units sold or gross
margin) and classed A / B / C at cut-offs of the cumulative share (80 % / 95 % unless
changed). The measure and cut-offs are page parameters, in the URL with the filters.

Cards per class (SKU count and share, measure and share), the Pareto chart, the measure
per category split by class, and the SKUs with their class (exportable).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.abc_summary import class_by_category_chart, class_cards, class_summary
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.analysis.insight_params import (
    DEFAULT_CUTS,
    DEFAULT_MEASURE,
    check_cuts,
    cuts_of,
    measure_of,
    or_default,
    percent_text,
)
from components.analysis.pareto_chart import pareto_chart, pareto_frame
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.metric_grid import metric_grid
from components.kit.failures import shows_failure
from components.kit.feedback import empty_alert, error_alert, message_figure
from components.kit.options_bar import option, options_bar
from components.kit.page_frame import loading, section
from components.kit.page_title import page_title
from components.kit.render_memo import rendered
from i18n import t
from metrics.query import ABC_MEASURES, MetricQuery
from metrics.registry import METRICS
from metrics.thresholds import current_thresholds

dash.register_page(__name__, path="/abc", name="abc", title=page_title("nav.abc"))

P = "abc"


def _graph(name: str, height: int) -> dcc.Loading:
    return loading(dcc.Graph(id=f"{P}-{name}", figure=message_figure("", height),
                             config={"displayModeBar": False, "responsive": True},
                             className="board-graph"))


def _cut_input(name: str, value: float) -> dbc.Input:
    return dbc.Input(id=f"{P}-cut-{name}", type="number", value=value, min=0, max=100,
                     step="any", debounce=True, size="sm", className="cut-input")


def _page_params(measure: str, cuts: tuple[float, float]) -> dict[str, str | None]:
    return {"measure": or_default(measure, DEFAULT_MEASURE),
            "a": or_default(percent_text(cuts[0]), percent_text(DEFAULT_CUTS[0])),
            "b": or_default(percent_text(cuts[1]), percent_text(DEFAULT_CUTS[1]))}


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang = page.lang
    measure, cuts = measure_of(params), cuts_of(params)
    options = options_bar([
        option(t("insight.abc.measure", lang), dcc.Dropdown(
            id=f"{P}-measure", value=measure, clearable=False, searchable=False,
            options=[{"label": METRICS[m].label(lang), "value": m} for m in ABC_MEASURES],
            className="measure-picker")),
        option(t("insight.abc.cut_a", lang), _cut_input("a", cuts[0]),
               html_for=f"{P}-cut-a"),
        option(t("insight.abc.cut_b", lang), _cut_input("b", cuts[1]),
               html_for=f"{P}-cut-b"),
        html.Div([html.Div(t("insight.abc.cuts_hint", lang), className="option-hint"),
                  html.Div(id=f"{P}-cuts-feedback", className="option-feedback",
                           role="alert")], className="option option-wide"),
    ])
    return page.frame([
        *page_header(P, t("insight.abc.title", lang), page, _page_params(measure, cuts)),
        options,
        html.Div(id=f"{P}-notice"),
        loading(html.Div(id=f"{P}-cards", className="insight-kpis")),
        section(t("insight.abc.pareto", lang), _graph("pareto", 380),
                hint_id=f"{P}-pareto-hint"),
        html.Div([
            section(t("insight.abc.by_category", lang), _graph("by-category", 360)),
            section(t("insight.abc.skus", lang), loading(html.Div(id=f"{P}-grid"))),
        ], className="insight-pair"),
    ])


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Output(f"{P}-cut-a", "invalid"),
    Output(f"{P}-cut-b", "invalid"),
    Output(f"{P}-cuts-feedback", "children"),
    Input(f"{P}-measure", "value"),
    Input(f"{P}-cut-a", "value"),
    Input(f"{P}-cut-b", "value"),
    State(state_id(P), "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def set_options(measure, cut_a, cut_b, state, lang):
    """Measure and cut-offs into the page state; cut-offs that do not hold are refused."""
    cuts, problem = check_cuts(cut_a, cut_b)
    if problem:
        return dash.no_update, True, True, t(problem[0], lang, **problem[1])
    new = with_page(state, push=False, **_page_params(measure_of({"measure": measure}), cuts))
    return (dash.no_update if new["page"] == state["page"] else new), False, False, ""


def _options(state: dict) -> tuple[str, tuple[float, float]]:
    measure, (a, b) = measure_of(state["page"]), cuts_of(state["page"])
    return measure, (a / 100, b / 100)


def _subtitle(state: dict, lang: str) -> str:
    _, start, end = period_of(state)
    label = METRICS[_options(state)[0]].label(lang)
    return t("insight.abc.subtitle", lang, start=start, end=end, label=label)


@callback(
    Output(f"{P}-cards", "children"),
    Output(f"{P}-notice", "children"),
    Output(f"{P}-subtitle", "children"),
    Output(f"{P}-pareto", "figure"),
    Output(f"{P}-pareto-hint", "children"),
    Output(f"{P}-grid", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: ([], error_alert(error, lang), _subtitle(state, lang),
                                           message_figure(str(error), 380), "", None))
def show_classes(state, lang):
    """The SKUs with their class: class cards, the Pareto chart and the SKU table."""
    who = request_principal()
    filters, start, end = period_of(state)
    measure, cuts = _options(state)
    subtitle = _subtitle(state, lang)
    frame = service.run(who, MetricQuery.create(
        [measure], start, end, by=["abc_class", "sku"], where=filters.where(),
        abc_measure=measure, abc_cuts=cuts), state["source"])
    cards = class_cards(class_summary(frame, measure), measure,
                        (cuts[0] * 100, cuts[1] * 100), lang)
    if frame.empty:
        empty = message_figure(t("board.empty", lang), 380)
        return cards, empty_alert(lang), subtitle, empty, "", metric_grid(
            "abc-skus", frame, ["sku"], [measure], lang, extra_columns=["abc_class"])

    def build() -> dict:
        ranked = pareto_frame(frame, measure)
        return {"figure": pareto_chart(ranked, measure, cuts, lang).to_plotly_json(),
                "hint": t("insight.abc.pareto_hint", lang, n=f"{len(ranked):,}"),
                "grid": metric_grid("abc-skus", ranked, ["sku"], [measure], lang, height=360,
                                    extra_columns=["abc_class"],
                                    totals={measure: float(frame[measure].sum())})}

    # the Pareto chart has a point per SKU and the grid a row: built once per answer
    built = rendered("abc-classes", [measure, cuts, lang, repr(current_thresholds())],
                     [frame], build, principal=who)[0]
    return cards, None, subtitle, built["figure"], built["hint"], built["grid"]


@callback(
    Output(f"{P}-by-category", "figure"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, *_: message_figure(str(error), 360))
def show_categories(state, lang):
    who = request_principal()
    filters, start, end = period_of(state)
    measure, cuts = _options(state)
    frame = service.run(who, MetricQuery.create(
        [measure], start, end, by=["abc_class", "category"], where=filters.where(),
        abc_measure=measure, abc_cuts=cuts), state["source"])
    if frame.empty:
        return message_figure(t("board.empty", lang), 360)
    return rendered("abc-categories", [measure, lang], [frame],
                    lambda: {"figure": class_by_category_chart(frame, measure, lang)
                             .to_plotly_json()},
                    principal=who)[0]["figure"]
