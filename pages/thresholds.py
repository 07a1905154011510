"""Thresholds (预警阈值): the red/amber/green limits of every metric, for all categories or
for one, edited in place, validated, and stored in the app-state database.

Saving validates every changed row first and stores nothing when any is wrong; the
problems are listed by metric and the rows marked. A save or reset bumps the state
database's change counter, so cards, charts and grids in every server process use the new
limits on their next draw.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html
from sqlalchemy.exc import SQLAlchemyError

import service
from app_state.thresholds import InvalidThresholds, load_threshold_set, reset, save_thresholds
from auth import ADMIN, restricted_layout
from auth.permissions import THRESHOLDS, needs
from auth.principal import request_principal
from components.admin.threshold_form import originals_for, read_form
from components.admin.thresholds_table import has_any_own, scope_name, thresholds_table
from components.kit.page_frame import loading, page_frame
from components.kit.page_title import page_title
from components.kit.value_labels import value_label
from data_connectors.source import SourceError
from i18n import resolve_language, t
from metrics.registry import METRICS
from metrics.thresholds import ThresholdSet
from service import sources

dash.register_page(__name__, path="/thresholds", name="thresholds",
                   title=page_title("nav.thresholds"))

P = "thr"
ALL_CATEGORIES = "__all__"  # the scope selector's value for "all categories"
STORE_ERRORS = (SQLAlchemyError, OSError)
GOOD = {"type": "thr-good", "metric": ALL}
BAD = {"type": "thr-bad", "metric": ALL}
RESET = {"type": "thr-reset", "metric": ALL}


def _category(scope: str | None) -> str | None:
    return None if scope in (None, "", ALL_CATEGORIES) else scope


def _source_categories(source: str | None) -> tuple[list[str], str | None]:
    """The current source's categories, or [] and why not (the page still edits globals)."""
    try:
        return service.dimension_values(request_principal(), "sku", "category", source), None
    except SourceError as exc:
        return [], str(exc)


def _scope_options(categories: list[str], overrides: ThresholdSet, lang: str) -> list[dict]:
    """All categories first, then every category of the source or with stored limits (so
    limits of a category the source no longer has can still be seen and reset)."""
    options = [{"label": t("thresholds.scope_all", lang), "value": ALL_CATEGORIES}]
    for name in sorted(set(categories) | set(overrides.category_overrides)):
        own = len(overrides.category_overrides.get(name, {}))
        shown = value_label("category", name, lang)  # the value stays the stored name
        label = t("thresholds.scope_count", lang, category=shown, count=own) if own else shown
        options.append({"label": label, "value": name})
    return options


def _stored() -> ThresholdSet:
    """The overrides for the scope menu's labels; the table reports a read error itself."""
    try:
        return load_threshold_set()
    except STORE_ERRORS:
        return ThresholdSet()


@restricted_layout(ADMIN)
def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    try:
        source: str | None = sources.source_name(params.get("source"))
    except SourceError:
        source = None
    categories, problem = _source_categories(source)
    scope = params.get("category") if params.get("category") in categories else ALL_CATEGORIES
    reset_all = dcc.ConfirmDialogProvider(
        dbc.Button(t("thresholds.reset_all", lang), id=f"{P}-reset-all-btn", size="sm",
                   color="danger", outline=True),
        id=f"{P}-reset-all", message="")
    toolbar = html.Div([
        html.Div([html.Label(t("thresholds.scope", lang), className="filter-label",
                             htmlFor=f"{P}-scope"),
                  dcc.Dropdown(id=f"{P}-scope", value=scope, clearable=False,
                               options=_scope_options(categories, _stored(), lang),
                               className="thr-scope")], className="thr-scope-box"),
        html.Div(id=f"{P}-scope-hint", className="thr-scope-hint"),
        html.Div([html.Span(id=f"{P}-edited", className="thr-edited-count"),
                  reset_all,
                  dbc.Button(t("thresholds.save", lang), id=f"{P}-save", color="primary",
                             size="sm", disabled=True)], className="thr-buttons"),
    ], className="thr-toolbar")
    return page_frame(lang, [
        html.Div([html.H1(t("thresholds.title", lang), className="page-title"),
                  html.Div(t("thresholds.subtitle", lang), className="page-subtitle")],
                 className="page-head"),
        dcc.Store(id=f"{P}-lang", data=lang),
        dcc.Store(id=f"{P}-revision", data=0),
        dcc.Store(id=f"{P}-originals", data={}),
        dcc.Store(id=f"{P}-edited-label", data=t("thresholds.edited", lang, count="{count}")),
        dcc.Store(id=f"{P}-categories", data=categories),
        dbc.Alert(t("board.error", lang, error=problem), color="warning",
                  className="section-alert") if problem else None,
        html.Div([toolbar,
                  html.Div(id=f"{P}-outcome"),
                  loading(html.Div(id=f"{P}-table-wrap", className="thr-table-wrap"))],
                 className="panel thr-panel"),
        html.Div([html.P(t("thresholds.legend", lang)), html.P(t("thresholds.stored", lang))],
                 className="thr-footnote"),
    ], source)


# ---- callbacks ---------------------------------------------------------------------------


@callback(
    Output(f"{P}-table-wrap", "children"),
    Output(f"{P}-originals", "data"),
    Output(f"{P}-scope-hint", "children"),
    Output(f"{P}-scope", "options"),
    Output(f"{P}-reset-all-btn", "disabled"),
    Output(f"{P}-reset-all", "message"),
    Input(f"{P}-scope", "value"),
    Input(f"{P}-revision", "data"),
    State(f"{P}-categories", "data"),
    State(f"{P}-lang", "data"),
)
@needs(THRESHOLDS)
def show_scope(scope, _revision, categories, lang):
    """The table of the chosen scope, read fresh from the state database (also after
    every save or reset, which bump the revision)."""
    category = _category(scope)
    try:
        overrides = load_threshold_set()
    except STORE_ERRORS as exc:
        alert = dbc.Alert(t("thresholds.store_error", lang, error=str(exc)), color="danger")
        return alert, {}, "", dash.no_update, True, ""
    shown = originals_for(category, overrides)
    hint = (t("thresholds.scope_hint_all", lang) if category is None
            else t("thresholds.scope_hint_category", lang, category=category))
    confirm = t("thresholds.reset_all_confirm", lang, scope=scope_name(category, lang))
    return (thresholds_table(category, overrides, shown, lang), shown, hint,
            _scope_options(categories, overrides, lang), not has_any_own(category, overrides),
            confirm)


def _outcome(text: str | list, color: str) -> dbc.Alert:
    return dbc.Alert(text, color=color, dismissable=True, id=f"{P}-outcome-alert",
                     className="thr-outcome")


def _save(scope, goods, bads, ids, originals, lang) -> tuple[dbc.Alert, set[str], bool]:
    """Validate every changed row, then store them all or none."""
    category = _category(scope)
    typed = {i["metric"]: (g, b) for i, g, b in zip(ids, goods, bads, strict=True)}
    form = read_form(typed, originals or {}, category, lang)
    if form.problems:
        body = [html.Div(t("thresholds.not_saved", lang), className="fw-semibold"),
                html.Ul([html.Li(p) for p in form.problems], className="mb-0 mt-1")]
        return _outcome(body, "danger"), form.invalid, False
    if not form.changes:
        return _outcome(t("thresholds.nothing_changed", lang), "secondary"), set(), False
    save_thresholds(form.changes, lang)
    names = ", ".join(METRICS[c.metric_id].label(lang) for c in form.changes)
    return (_outcome(t("thresholds.saved", lang, scope=scope_name(category, lang),
                       metrics=names), "success"), set(), True)


def _reset(scope, metric_id: str | None, lang) -> dbc.Alert:
    category = _category(scope)
    removed = reset(metric_id, category)
    if metric_id is not None:
        return _outcome(t("thresholds.reset_one", lang, metric=METRICS[metric_id].label(lang),
                          scope=scope_name(category, lang)), "info")
    return _outcome(t("thresholds.reset_scope", lang, scope=scope_name(category, lang),
                      count=removed), "info")


@callback(
    Output(f"{P}-revision", "data"),
    Output(f"{P}-outcome", "children"),
    Output(GOOD, "invalid"),
    Output(BAD, "invalid"),
    Input(f"{P}-save", "n_clicks"),
    Input(f"{P}-reset-all", "submit_n_clicks"),
    Input(RESET, "n_clicks"),
    State(f"{P}-scope", "value"),
    State(GOOD, "value"),
    State(BAD, "value"),
    State(GOOD, "id"),
    State(f"{P}-originals", "data"),
    State(f"{P}-revision", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(THRESHOLDS)
def act(_save_clicks, _reset_all, _reset_clicks, scope, goods, bads, ids, originals,
        revision, lang):
    """Save, reset one metric or reset the scope; a new revision redraws the table."""
    unchanged = [False] * len(ids)
    if not ctx.triggered or not ctx.triggered[0].get("value"):  # a new row, not a click
        return dash.no_update, dash.no_update, unchanged, unchanged
    trigger = ctx.triggered_id
    try:
        if trigger == f"{P}-save":
            alert, invalid, saved = _save(scope, goods, bads, ids, originals, lang)
            flags = [i["metric"] in invalid for i in ids]
            return (revision + 1 if saved else dash.no_update), alert, flags, flags
        metric_id = trigger["metric"] if isinstance(trigger, dict) else None
        return revision + 1, _reset(scope, metric_id, lang), unchanged, unchanged
    except InvalidThresholds as exc:  # read_form validated already; the store checks again
        return dash.no_update, _outcome(str(exc), "danger"), unchanged, unchanged
    except STORE_ERRORS as exc:
        return (dash.no_update, _outcome(t("thresholds.store_error", lang, error=str(exc)),
                                         "danger"), unchanged, unchanged)


# Marks edited fields and counts changed rows as people type (no server round trip).
clientside_callback(
    """
    function (goods, bads, originals, ids, label) {
        const same = (a, b) => String(a ?? "").trim() === String(b ?? "").trim();
        const goodClass = [], badClass = [];
        let changed = 0;
        ids.forEach((id, i) => {
            const shown = (originals || {})[id.metric] || {};
            const g = !same(goods[i], shown.good), b = !same(bads[i], shown.bad);
            if (g || b) { changed += 1; }
            goodClass.push("thr-input" + (g ? " thr-edited" : ""));
            badClass.push("thr-input" + (b ? " thr-edited" : ""));
        });
        const text = changed ? label.replace("{count}", changed) : "";
        return [goodClass, badClass, text, changed === 0];
    }
    """,
    Output(GOOD, "className"),
    Output(BAD, "className"),
    Output(f"{P}-edited", "children"),
    Output(f"{P}-save", "disabled"),
    Input(GOOD, "value"),
    Input(BAD, "value"),
    Input(f"{P}-originals", "data"),
    State(GOOD, "id"),
    State(f"{P}-edited-label", "data"),
)
