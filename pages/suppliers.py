"""Suppliers and lead times (供应商交期), /suppliers: how long each supplier takes from
order to receipt, how much that varies and how often it is on time — the numbers behind
the reorder points of the replenishment page.

Receipts that arrived in the period (the filter bar: period, region, channel, category)
and carry an order date; metrics/lead_times.py computes the statistics in the database.
Clicking a supplier lists its SKUs' lead times (the supplier is kept in the URL).
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

import service
from auth.permissions import VIEW, needs
from auth.principal import request_principal
from components.analysis.analysis_page import PageContext, open_page, page_header
from components.analysis.supplier_view import lead_figure, supplier_cards, supplier_columns
from components.filters.page_state import period_of, register_filter_sync, state_id, with_page
from components.grids.data_grid import data_grid
from components.grids.metric_grid import ROW_ID, grid_id
from components.kit.failures import shows_failure
from components.kit.feedback import error_alert, message_figure
from components.kit.page_frame import loading, section
from components.kit.page_title import page_title
from components.kit.value_labels import value_label
from i18n import t
from metrics.lead_times import DEFAULT_GRACE_DAYS, lead_time_query

dash.register_page(__name__, path="/suppliers", name="suppliers",
                   title=page_title("nav.suppliers"))

P = "sup"


def layout(**params: str) -> object:
    page = open_page(params)
    if not isinstance(page, PageContext):
        return page
    lang = page.lang
    chosen = params.get("supplier") or None
    return page.frame([
        *page_header(P, t("sup.title", lang), page, {"supplier": chosen}),
        html.Div(id=f"{P}-notice"),
        loading(html.Div(id=f"{P}-kpis", className="insight-kpis")),
        section(t("sup.chart", lang), loading(dcc.Graph(
            id=f"{P}-chart", figure=message_figure(""), className="board-graph",
            config={"displayModeBar": False, "responsive": True})),
            hint_id=f"{P}-chart-hint"),
        section(t("sup.table", lang), loading(html.Div(id=f"{P}-grid")),
                hint_id=f"{P}-grid-hint"),
        section(t("sup.skus_all", lang), loading(html.Div(id=f"{P}-sku-grid")),
                hint_id=f"{P}-sku-title"),
    ])


register_filter_sync(P)


def _run(state: dict, by: tuple[str, ...], supplier: str | None = None) -> object:
    filters, start, end = period_of(state)
    where = filters.where()
    frame = service.lead_times(request_principal(), lead_time_query(start, end, by, where),
                               state["source"])
    if supplier is not None:
        frame = frame[frame["supplier"] == supplier].reset_index(drop=True)
    return frame, start, end


@callback(
    Output(f"{P}-notice", "children"),
    Output(f"{P}-kpis", "children"),
    Output(f"{P}-subtitle", "children"),
    Output(f"{P}-chart", "figure"),
    Output(f"{P}-grid", "children"),
    Output(f"{P}-grid-hint", "children"),
    Output(f"{P}-chart-hint", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: (error_alert(error, lang), [], "",
                                           message_figure(str(error)), html.Div(), "", ""))
def show_suppliers(state, lang):
    """Lead-time statistics per supplier: tiles, the chart and the table."""
    frame, start, end = _run(state, ("supplier",))
    subtitle = t("sup.subtitle", lang, start=start.isoformat(), end=end.isoformat(),
                 grace=DEFAULT_GRACE_DAYS)
    if frame.empty:
        note = html.Div(t("sup.none", lang), className="alert alert-secondary section-alert")
        return note, [], subtitle, message_figure(t("sup.none", lang)), html.Div(), "", ""
    frame["supplier"] = frame["supplier"].fillna("—")
    frame["on_time_status"] = [_on_time_status(v) for v in frame["on_time_share"]]
    grid = data_grid("suppliers", frame, supplier_columns(lang, with_sku=False),
                     ["supplier"], lang, clickable=True, height=460)
    return (None, supplier_cards(frame, lang), subtitle, lead_figure(frame, lang), grid,
            t("sup.table_hint", lang), t("sup.chart_hint", lang))


def _on_time_status(share: float | None) -> str | None:
    """Green from 90 % on time, red below 75 %."""
    if share is None or share != share:
        return None
    return "good" if share >= 0.9 else "warn" if share >= 0.75 else "bad"


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Input(grid_id("suppliers"), "selectedRows"),
    State(state_id(P), "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def choose_supplier(rows, state):
    """Clicking a supplier row lists its SKUs (a step Back undoes). The grid reports an
    empty selection when it is drawn: that keeps the supplier of the URL."""
    chosen = rows[0][ROW_ID] if rows else None  # the stored name (the cell shows its label)
    if chosen is None or chosen == state["page"].get("supplier"):
        return dash.no_update
    return with_page(state, push=True, supplier=chosen)


@callback(
    Output(state_id(P), "data", allow_duplicate=True),
    Input(f"{P}-all", "n_clicks"),
    State(state_id(P), "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def all_suppliers(n_clicks, state):
    """Back to the SKUs of every supplier."""
    if not n_clicks:
        return dash.no_update
    return with_page(state, push=True, supplier=None)


@callback(
    Output(f"{P}-sku-grid", "children"),
    Output(f"{P}-sku-title", "children"),
    Input(state_id(P), "data"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(lambda error, state, lang: (error_alert(error, lang), ""))
def show_skus(state, lang):
    """Lead times per SKU, of the chosen supplier or of all."""
    supplier = state["page"].get("supplier")
    frame, _, _ = _run(state, ("supplier", "sku"), supplier)
    frame["supplier"] = frame["supplier"].fillna("—")
    frame["on_time_status"] = [_on_time_status(v) for v in frame["on_time_share"]]
    title = [t("sup.skus", lang, supplier=value_label("supplier", supplier, lang)), " · ",
             html.Button(t("sup.all", lang), id=f"{P}-all", className="btn btn-link btn-sm "
                         "p-0 align-baseline")] if supplier else ""
    return data_grid("supplier-skus", frame, supplier_columns(lang, with_sku=True),
                     ["supplier", "sku"], lang, height=460), title

