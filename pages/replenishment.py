"""Replenishment (智能补货), /replenishment: what to order, where, how much, and when each
SKU-location runs out otherwise.

The stored demand forecasts (computed by the background job, never here) meet today's
stock and the suppliers' lead times: safety stock, reorder point, order quantity up to the
days of cover, projected stockout date (forecast/plan.py, metrics/replenishment.py).
SKU-locations at or below their reorder point come first. Filters (region, channel,
category, supplier), the service level, the days of cover and the safety-stock basis
(forecast error or demand spread) live in the URL; the period only sets the history the
demand chart shows. Below the plan, the evidence the job stored: the forecast's quality
per category against seasonal naive, and the policy replay (components/replenishment/
forecast_quality.py). Export: the grid's CSV / Excel, and the purchase-suggestion CSV
(every line to order, by supplier).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

import service
from auth.audit import EXPORT, audit
from auth.permissions import EXPORT as MAY_EXPORT
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.data_grid import data_grid
from components.kit.failures import shows_failure
from components.kit.feedback import empty_alert, error_alert, message_figure
from components.kit.options_bar import option, options_bar, segmented
from components.kit.page_frame import loading, section
from components.kit.page_title import page_title
from components.kit.value_labels import value_label
from components.replenishment.forecast_quality import (
    quality_table,
    replay_figure,
    replay_summary,
)
from components.replenishment.replenishment_params import (
    page_params,
    percent_text,
    policy_of,
    suppliers_of,
)
from components.replenishment.replenishment_view import (
    demand_figure,
    methods_text,
    plan_cards,
    plan_columns,
)
from data_connectors.source import SourceError
from exports.purchase_csv import purchase_csv
from i18n import t
from metrics.query import MetricQuery
from metrics.replenishment import COVER_CHOICES, SAFETY_BASES, SERVICE_LEVELS
from service.replenishment import (
    current_plan,
    forecast_quality,
    job_state,
    policy_replay,
    run_state,
)

dash.register_page(__name__, path="/replenishment", name="replenishment",
                   title=page_title("nav.replenishment"))

P = "repl"
POLL_MS = 5000  # while forecasts are being computed


def _supplier_choices(source: str, lang: str) -> list[dict[str, str]]:
    """The supplier menu: names in `lang`, the stored name as the value (the URL's)."""
    try:
        values = service.dimension_values(request_principal(), "receipts", "supplier", source)
    except SourceError:
        return []
    return [{"label": value_label("supplier", v, lang, source), "value": v} for v in values]


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang, policy, suppliers = page.lang, policy_of(params), suppliers_of(params)
    levels = [{"label": f"{percent_text(s)}%", "value": percent_text(s)} for s in SERVICE_LEVELS]
    covers = [{"label": t("repl.cover_option", lang, n=n), "value": n} for n in COVER_CHOICES]
    bases = [{"label": t(f"repl.safety.{b}", lang), "value": b} for b in SAFETY_BASES]
    supplier_menu = dcc.Dropdown(
        id=f"{P}-supplier", options=_supplier_choices(page.source, lang), value=suppliers,
        multi=True, placeholder=t("filter.all", lang), className="repl-supplier")
    return page.frame([
        *page_header(P, t("repl.title", lang), page,
                     page_params(policy.service_level, policy.cover_days, suppliers,
                                 policy.safety_basis)),
        options_bar([
            option(t("repl.service_level", lang),
                   segmented(f"{P}-service", levels, percent_text(policy.service_level)),
                   hint=t("repl.service_hint", lang, z=f"{policy.z:.3f}")),
            option(t("repl.cover", lang), segmented(f"{P}-cover", covers, policy.cover_days),
                   hint=t("repl.cover_hint", lang)),
            option(t("repl.safety", lang), segmented(f"{P}-safety", bases,
                                                      policy.safety_basis),
                   hint=t("repl.safety_hint", lang)),
            option(t("repl.supplier", lang), supplier_menu),
        ]),
        html.Div(id=f"{P}-notice"),
        dcc.Interval(id=f"{P}-poll", interval=POLL_MS, disabled=True),
        loading(html.Div(id=f"{P}-kpis", className="insight-kpis")),
        section(t("repl.chart", lang), loading(dcc.Graph(
            id=f"{P}-chart", figure=message_figure(""), className="board-graph",
            config={"displayModeBar": False, "responsive": True}))),
        section(t("repl.table", lang), loading(html.Div(id=f"{P}-grid")),
                hint_id=f"{P}-grid-hint"),
        section(t("repl.quality", lang), loading(html.Div(id=f"{P}-quality")),
                hint_id=f"{P}-quality-hint"),
        section(t("repl.replay", lang), loading(html.Div([
            html.Div(id=f"{P}-replay-summary", className="repl-replay-summary"),
            dcc.Graph(id=f"{P}-replay", figure=message_figure(""), className="board-graph",
                      config={"displayModeBar": False, "responsive": True})])),
                hint_id=f"{P}-replay-hint"),
        dcc.Download(id=f"{P}-csv-download"),
    ])


register_filter_sync(P)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Input(f"{P}-service", "value"),
    Input(f"{P}-cover", "value"),
    Input(f"{P}-supplier", "value"),
    Input(f"{P}-safety", "value"),
    State(state_id(P), "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def set_options(service, cover, suppliers, safety, state):
    """Service level, days of cover, suppliers and the safety-stock basis into the page
    state (and the URL)."""
    policy = policy_of({"service": service, "cover": str(cover), "safety": safety})
    return with_page(state, push=False, **page_params(policy.service_level, policy.cover_days,
                                                      suppliers_of({"supplier": suppliers}),
                                                      policy.safety_basis))


def _waiting(source: str, lang: str) -> tuple[object, bool]:
    """The notice while there is no forecast, and whether to keep polling for one."""
    pending = job_state(source)
    if pending is not None and pending.status == "running":
        when = pending.started_at.astimezone().strftime("%H:%M")
        return dbc.Alert(t("repl.running", lang, time=when), color="info",
                         className="section-alert"), True
    lines = [t("repl.none", lang), " ", t("repl.how", lang)]
    if pending is not None and pending.status == "failed":
        lines = [t("repl.failed", lang, message=pending.message or "?"), " ", *lines[2:]]
    return dbc.Alert(lines, color="secondary", className="section-alert"), True


@callback(
    Output(f"{P}-notice", "children"),
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-subtitle", "children"),
    Output(f"{P}-chart", "figure"),
    Output(f"{P}-grid", "children"),
    Output(f"{P}-grid-hint", "children"),
    Output(f"{P}-poll", "disabled"),
    Input(state_id(P), "data"),
    Input(f"{P}-poll", "n_intervals"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, _tick, lang: (error_alert(error, lang), [], "",
                                                  message_figure(str(error)), html.Div(), "",
                                                  True))
def show_plan(state, _tick, lang):
    """The plan for the filters: tiles, demand chart and the SKU-locations grid."""
    who = request_principal()
    page = state["page"]
    filters, start, end = period_of(state)
    source = state["source"]
    plan = current_plan(who, source, filters.where(), policy_of(page), suppliers_of(page))
    if plan is None:
        notice, poll = _waiting(source, lang)
        return notice, [], "", message_figure(""), html.Div(), "", not poll
    history = service.run(who, MetricQuery.create(["units_sold"], start, end, by=["day"],
                                                  where=filters.where()), source)
    frame, paths = plan.frame, plan.paths
    notice = empty_alert(lang) if frame.empty else None
    pending = job_state(source)
    if notice is None and pending is not None and pending.status == "running":
        notice = dbc.Alert(t("repl.stale_run", lang, origin=plan.run.origin.isoformat()),
                           color="info", className="section-alert")
    subtitle = t("repl.subtitle", lang, date=plan.as_of.isoformat(),
                 origin=plan.run.origin.isoformat(),
                 methods=methods_text(frame, lang))
    grid = data_grid("replenishment", frame, plan_columns(lang), ["sku", "location"], lang,
                     extra_tools=lambda: dbc.Button(
                         t("repl.csv", lang), id=f"{P}-csv", title=t("repl.csv_title", lang),
                         size="sm", color="primary", className="sl-grid-export repl-csv"))
    figure = demand_figure(history, frame, paths, plan.as_of, lang)
    return (notice, plan_cards(frame, paths, lang), subtitle, figure, grid,
            t("repl.table_hint", lang), True)


@callback(
    Output(f"{P}-quality", "children"),
    Output(f"{P}-quality-hint", "children"),
    Output(f"{P}-replay-summary", "children"),
    Output(f"{P}-replay", "figure"),
    Output(f"{P}-replay-hint", "children"),
    Input(state_id(P), "data"),
    Input(f"{P}-poll", "n_intervals"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, _tick, lang: (error_alert(error, lang), "", "",
                                                  message_figure(str(error)), ""))
def show_evidence(state, _tick, lang):
    """The stored forecast-quality figures and policy replay of the plan's SKU-locations."""
    page = state["page"]
    filters, _, _ = period_of(state)
    policy = policy_of(page)
    plan = current_plan(request_principal(), state["source"], filters.where(), policy,
                        suppliers_of(page))
    if plan is None:
        return "", "", "", message_figure(""), ""
    quality = forecast_quality(state["source"], plan)
    origins = run_state(plan.run).get("calibration_origins", [])
    quality_hint = t("repl.quality_hint", lang, n=len(origins), origins=", ".join(origins))
    replay = policy_replay(plan)
    if replay is None:
        return (quality_table(quality, lang), quality_hint, t("repl.replay.none", lang),
                message_figure(""), "")
    result, keep = replay
    table = result.summary(keep)
    hint = t("repl.replay_hint", lang, first=result.first.isoformat(),
             last=result.last.isoformat())
    return (quality_table(quality, lang), quality_hint, replay_summary(table, policy, lang),
            replay_figure(table, policy, lang), hint)


@callback(
    Output(f"{P}-csv-download", "data"),
    Input(f"{P}-csv", "n_clicks"),
    State(state_id(P), "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(MAY_EXPORT)
def download_suggestions(n_clicks, state, lang):
    """The purchase-suggestion CSV of the plan the page shows."""
    if not n_clicks:
        return dash.no_update
    page = state["page"]
    filters, _, _ = period_of(state)
    plan = current_plan(request_principal(), state["source"], filters.where(),
                        policy_of(page), suppliers_of(page))
    if plan is None:
        return dash.no_update
    data = purchase_csv(plan.frame, lang)
    lines = int((plan.frame["order_qty"] > 0).sum())
    audit(EXPORT, f"csv purchase suggestions, {lines} lines")
    return dcc.send_bytes(data, f"purchase-suggestions-{plan.as_of.isoformat()}.csv")
