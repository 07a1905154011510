"""Explore (自助分析): build a chart from any metrics, up to two dimensions and a time grain,
filters, sort and top-N; eight chart types; export CSV, Excel and PNG; save it as a view.
The whole state is in the URL, so a chart can be shared before it is saved.
"""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

import service
from auth.audit import EXPORT, audit
from auth.permissions import EDIT_BOARDS, VIEW, needs
from auth.permissions import EXPORT as MAY_EXPORT
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.boards.explore_controls import (
    cid,
    control_panel,
    sort_options,
    spec_from_controls,
    with_first_view,
)
from components.boards.view_render import render_view
from components.boards.view_spec import EXTRA_FILTERS, ViewSpec
from components.filters.filter_bar import option_label
from components.filters.filter_state import BoardFilters
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.metric_grid import column_label
from components.grids.metric_grid_callbacks import frame_to_xlsx
from components.kit.failures import shows_failure
from components.kit.feedback import error_alert
from components.kit.page_frame import loading
from components.kit.page_title import page_title
from exports.spreadsheet import csv_bytes
from i18n import t
from metrics.dimensions import DIMENSIONS

dash.register_page(__name__, path="/explore", name="explore", title=page_title("nav.explore"))

P = "exp"
FILTER_KEYS = ("preset", "start", "end", "region", "channel", "category")


def spec_of(state: dict) -> ViewSpec:
    """The view a page state describes (filters from the filter bar, the rest from page)."""
    return ViewSpec.from_params({**{k: state.get(k) for k in FILTER_KEYS}, **state["page"]})


def page_params(spec: ViewSpec) -> dict[str, str]:
    return {k: v for k, v in spec.to_params().items() if k not in FILTER_KEYS}


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang, spec = page.lang, ViewSpec.from_params(with_first_view(params))
    actions = html.Div([
        dbc.Button(t("explore.save", lang), id=f"{P}-save-open", color="primary", size="sm"),
        dbc.ButtonGroup([
            dbc.Button(t("export.csv", lang), id=f"{P}-csv", size="sm", outline=True,
                       color="secondary"),
            dbc.Button(t("export.xlsx", lang), id=f"{P}-xlsx", size="sm", outline=True,
                       color="secondary"),
            dbc.Button(t("export.png", lang), id=f"{P}-png", size="sm", outline=True,
                       color="secondary"),
        ]),
    ], className="explore-actions ms-auto")
    return page.frame([
        *page_header(P, t("explore.title", lang), page, page_params(spec), head_extra=actions),
        html.Div([
            control_panel(spec, lang),
            html.Div([
                html.Div(id=f"{P}-notice"),
                html.Div([html.H2(id=f"{P}-chart-title", className="section-title"),
                          html.Span(id=f"{P}-rows", className="section-hint")],
                         className="section-head"),
                loading(html.Div(id=f"{P}-result", className="explore-result")),
            ], className="panel explore-main"),
        ], className="explore-layout"),
        dcc.Download(id=f"{P}-download"),
        html.Div(id=f"{P}-png-sink", hidden=True),
        dbc.Modal([
            dbc.ModalHeader(dbc.ModalTitle(t("explore.save_title", lang))),
            dbc.ModalBody([dbc.Label(t("explore.save_name", lang)),
                           dbc.Input(id=f"{P}-save-name", maxlength=80),
                           html.Div(id=f"{P}-save-error", className="text-danger mt-2")]),
            dbc.ModalFooter([
                dbc.Button(t("explore.cancel", lang), id=f"{P}-save-cancel", color="link"),
                dbc.Button(t("explore.save_confirm", lang), id=f"{P}-save-confirm",
                           color="primary")]),
        ], id=f"{P}-save-modal", is_open=False),
    ])


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Output(cid("sort"), "options"),
    Input(cid("metrics"), "value"), Input(cid("dim1"), "value"), Input(cid("dim2"), "value"),
    Input(cid("grain"), "value"), Input(cid("chart"), "value"), Input(cid("sort"), "value"),
    Input(cid("desc"), "value"), Input(cid("top"), "value"), Input(cid("title"), "value"),
    Input({"type": f"{P}-chip", "dim": ALL}, "n_clicks"),
    Input(cid("extra-values"), "value"),
    State(cid("extra-dim"), "value"), State(state_id(P), "data"), State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def change_view(metrics, dim1, dim2, grain, chart, sort, desc, top, title, _chips,
                extra_values, extra_dim, state, lang):
    """Every control writes the view into the page state (and so the URL)."""
    current = spec_of(state)
    extra = dict(current.extra_where)
    trigger = ctx.triggered_id
    if isinstance(trigger, dict):  # a chip's ✕: drop that filter
        extra.pop(trigger["dim"], None)
    elif trigger == cid("extra-values"):
        extra[extra_dim] = tuple(extra_values or ())
    extra = {d: v for d, v in extra.items() if v}
    spec = spec_from_controls(current, metrics, dim1, dim2, grain, chart, sort, desc, top,
                              title, tuple(extra.items()))
    page = page_params(spec)
    state = with_page(state, push=False, **{k: page.get(k) for k in
                                            {*state["page"], *page}})
    return state, sort_options(spec, lang)


@callback(
    Output(cid("extra-values"), "options"),
    Output(cid("extra-values"), "value"),
    Input(cid("extra-dim"), "value"),
    State(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
def extra_filter_choices(dim, state, lang):
    """Values of the chosen dimension (from the source's dimension tables or the query)."""
    source = state["source"]
    spec = spec_of(state)
    chosen = list(dict(spec.extra_where).get(dim, ()))
    values = dimension_choices(dim, source)
    return [{"label": option_label(dim, v, lang), "value": v}
            for v in sorted(set(values) | set(chosen))], chosen


def dimension_choices(dim: str, source: str) -> list[str]:
    entity = {"sku": ("sku", "sku_id"), "subcategory": ("sku", "subcategory"),
              "brand": ("sku", "brand"), "location": ("location", "location_id"),
              "location_type": ("location", "location_type"),
              "supplier": ("receipts", "supplier")}
    if dim in entity:
        return service.dimension_values(request_principal(), *entity[dim], source)
    if dim == "abc_class":
        return ["A", "B", "C"]
    return []  # age buckets depend on the bounds; typed values are kept


@callback(Output(cid("extra-chips"), "children"), Input(state_id(P), "data"),
          State(f"{P}-lang", "data"))
@needs(VIEW)
def show_chips(state, lang):
    return [html.Span([f"{DIMENSIONS[d].label(lang)}: "
                       f"{', '.join(option_label(d, x, lang) for x in v)} ",
                       html.Button("✕", id={"type": f"{P}-chip", "dim": d}, n_clicks=0,
                                   className="chip-x")], className="filter-chip")
            for d, v in spec_of(state).extra_where if d in EXTRA_FILTERS]


@callback(
    Output(f"{P}-result", "children"),
    Output(f"{P}-chart-title", "children"),
    Output(f"{P}-rows", "children"),
    Output(f"{P}-subtitle", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: (error_alert(error, lang), _title(state, lang), "",
                                           _subtitle(state, lang)))
def show_result(state, lang):
    """Run the view's query and draw it."""
    spec = spec_of(state)
    _, start, end = period_of(state)
    frame = service.run(request_principal(), spec.query(start, end), state["source"])
    return (render_view(P, spec, frame, lang, (end - start).days + 1, with_data=True),
            _title(state, lang), t("explore.rows", lang, n=f"{len(frame):,}"),
            _subtitle(state, lang))


def _title(state: dict, lang: str) -> str:
    spec = spec_of(state)
    return spec.title or spec.default_title(lang)


def _subtitle(state: dict, lang: str) -> str:
    _, start, end = period_of(state)
    return t("explore.subtitle", lang, start=start, end=end)


@callback(
    Output(f"{P}-download", "data"),
    Input(f"{P}-csv", "n_clicks"), Input(f"{P}-xlsx", "n_clicks"),
    State(state_id(P), "data"), State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(MAY_EXPORT)
def export(_csv, _xlsx, state, lang):
    """The view's rows, as CSV (raw numbers) or Excel (number formats); both written by
    exports/spreadsheet.py, so text that would start a formula arrives as text."""
    spec = spec_of(state)
    _, start, end = period_of(state)
    frame = service.run(request_principal(), spec.query(start, end), state["source"])
    name = "stocklens-explore"
    kind = "csv" if ctx.triggered_id == f"{P}-csv" else "xlsx"
    audit(EXPORT, f"{kind} explore {spec.default_title('en')}, {len(frame)} rows")
    if kind == "csv":
        return dcc.send_bytes(csv_bytes(frame, bom=False), f"{name}.csv")
    headers = {c: column_label(c, lang) for c in frame.columns}
    data = frame_to_xlsx(frame, headers, list(spec.metrics))
    return dcc.send_bytes(data, f"{name}.xlsx")


clientside_callback(
    """function (clicks) {
        const graph = document.querySelector('.explore-result .js-plotly-plot');
        if (clicks && graph) { Plotly.downloadImage(graph, {format: 'png', width: 1400,
                               height: 700, filename: 'stocklens-explore'}); }
        return '';
    }""",
    Output(f"{P}-png-sink", "children"),
    Input(f"{P}-png", "n_clicks"),
    prevent_initial_call=True,
)


@callback(
    Output(f"{P}-save-modal", "is_open"),
    Output(f"{P}-save-error", "children"),
    Output(f"{P}-notice", "children"),
    Input(f"{P}-save-open", "n_clicks"), Input(f"{P}-save-cancel", "n_clicks"),
    Input(f"{P}-save-confirm", "n_clicks"),
    State(f"{P}-save-name", "value"), State(state_id(P), "data"), State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_BOARDS)
def save_view(_open, _cancel, _confirm, name, state, lang):
    """Save the current view under a name (the name must be new)."""
    from app_state.records import InvalidName
    from components.boards.saved import save_view as store

    trigger = ctx.triggered_id
    if trigger == f"{P}-save-open":
        return True, "", dash.no_update
    if trigger == f"{P}-save-cancel":
        return False, "", dash.no_update
    spec = spec_of(state)
    spec = replace(spec, title=spec.title or (name or "").strip())
    try:
        store(name or "", replace(spec, filters=BoardFilters.from_params(state)))
    except InvalidName as exc:
        return True, t(f"boards.name.{exc.problem}", lang, name=exc.name,
                       what=t("boards.what.view", lang)), dash.no_update
    notice = dbc.Alert(t("explore.saved", lang, name=(name or "").strip()), color="success",
                       dismissable=True, id=f"{P}-saved")
    return False, "", notice

