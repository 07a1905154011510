"""What the Alerts page (pages/alerts.py) draws from the rules it read: the rules table with
the problems of the config, the execution log, the form's dialog, the feedback line and
the results of a test send. Kept apart from the page so its callbacks stay thin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import dcc, html

from alerts.runner import Outcome
from app_state import alerts as store
from components.alerts.alert_log import log_table
from components.alerts.page_rules import STORE_ERRORS, alert_config, rule_row
from components.alerts.rule_access import Editor, may_see, visible_log
from components.alerts.rule_form import condition_options
from components.alerts.rule_list import rules_table
from components.kit.confirm_delete import delete_modal
from components.kit.page_frame import loading, page_frame, section
from i18n import t

P = "al"
LOG_LIMIT = 100


def rules_view(lang: str, editor: Editor) -> tuple[object, list[str], object]:
    """(the rules table, the names of the rules shown, the problems alert)."""
    try:
        config, problems = alert_config()
        rules = [r for r in config.rules if may_see(editor, r)]
        moment = datetime.now(UTC)
        table = rules_table([rule_row(r, editor, moment) for r in rules], lang,
                            lambda: _empty(lang))
    except STORE_ERRORS as exc:
        alert = dbc.Alert(t("alerts.store_error", lang, error=str(exc)), color="danger")
        return alert, [], None
    shown = None
    if problems and editor.all_data:
        shown = dbc.Alert([html.Div(t("alerts.problems", lang), className="fw-semibold"),
                           html.Ul([html.Li(p) for p in problems], className="mb-0 mt-1")],
                          color="warning", className="section-alert")
    return table, [r.name for r in rules], shown


def _empty(lang: str) -> list:
    return [html.Div("◔", className="board-empty-mark"),
            html.Div(t("alerts.list.none", lang), className="board-empty-title"),
            html.Div(t("alerts.list.none_hint", lang))]


def log_view(lang: str, editor: Editor, rule: str | None) -> object:
    """The last log lines the editor may see (all of one rule's when `rule` is given)."""
    try:
        config, _ = alert_config()
        entries = store.last_log(LOG_LIMIT if editor.all_data else 10 * LOG_LIMIT, rule)
        entries = visible_log(editor, entries, config.rules)[:LOG_LIMIT]
        return log_table(entries, config.timezone, lang)
    except STORE_ERRORS as exc:
        return dbc.Alert(t("alerts.store_error", lang, error=str(exc)), color="danger")


def form_modal(lang: str) -> dbc.Modal:
    """The create / edit dialog: the form (filled by a callback) beside its live preview."""
    preview_panel = html.Aside([
        html.Div(t("alerts.preview.title", lang), className="al-preview-title"),
        html.Div(t("alerts.preview.subtitle", lang), className="al-hint"),
        loading(html.Div(id=f"{P}-preview", className="al-preview-body")),
    ], className="al-preview-panel kpi-card")
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(id=f"{P}-form-title")),
        dbc.ModalBody(html.Div([html.Div(id=f"{P}-form-body", className="al-form"),
                                preview_panel], className="al-editor")),
        dbc.ModalFooter([
            html.Div(id=f"{P}-form-error", className="al-form-error", role="alert"),
            dbc.Button(t("alerts.cancel", lang), id=f"{P}-cancel", color="secondary",
                       outline=True),
            dbc.Button(t("alerts.save", lang), id=f"{P}-save", color="primary"),
        ]),
    ], id=f"{P}-form", is_open=False, size="xl", scrollable=True, backdrop="static",
        className="al-modal")


def feedback(text: object, color: str = "success") -> dbc.Alert:
    """The line above the lists that says what an action did."""
    return dbc.Alert(text, color=color, dismissable=True, className="list-feedback",
                     id=f"{P}-feedback-alert")


def form_error(text: str) -> dbc.Alert:
    """Why the form was not saved (shown in the dialog, which stays open)."""
    return dbc.Alert(text, color="danger", className="al-form-alert mb-0")


def sent_results(name: str, outcomes: Iterable[Outcome], lang: str) -> dbc.Alert:
    """A test send's result: a line per recipient and channel, sent or failed and why."""
    outcomes = list(outcomes)
    failed = any(o.failed for o in outcomes)
    text = [html.Div(t("alerts.test.done_failed" if failed else "alerts.test.done", lang,
                       name=name), className="fw-semibold"),
            html.Ul(_outcome_lines(outcomes, lang), className="mb-0 mt-1 al-test-results")]
    return feedback(text, "warning" if failed else "success")


def _outcome_lines(outcomes: list[Outcome], lang: str) -> list:
    lines = []
    for o in outcomes:
        who = o.recipient or t("alerts.test.owner", lang)
        if o.problem:
            lines.append(html.Li([html.Strong(f"{who}: "), o.problem],
                                 className="al-test-bad"))
            continue
        for channel, ok, detail in o.sends:
            mark = t("alerts.log.sent" if ok else "alerts.log.failed", lang)
            lines.append(html.Li([html.Strong(f"{who} · {channel}: "),
                                  html.Span(mark, className="al-result al-result-ok" if ok
                                            else "al-result al-result-bad"),
                                  f" {detail}" if detail else ""],
                                 className="al-test-line"))
        if not o.sends:
            lines.append(html.Li([html.Strong(f"{who}: "), t("alerts.test.nothing", lang)]))
    return lines


def page_layout(lang: str, who: Editor) -> html.Div:
    """The page as the editor first sees it: her rules, the log, the dialogs and the
    stores the callbacks share."""
    table, names, problems = rules_view(lang, who)
    log_filter = html.Div([
        html.Label(t("alerts.log.filter", lang), className="filter-label al-inline-label",
                   htmlFor=f"{P}-log-rule"),
        dcc.Dropdown(id=f"{P}-log-rule", options=names, value=None, clearable=True,
                     placeholder=t("alerts.log.all_rules", lang), className="al-log-filter"),
    ], className="list-tools")
    return page_frame(lang, [
        html.Div([html.H1(t("alerts.title", lang), className="page-title"),
                  html.Div(t("alerts.subtitle", lang), className="page-subtitle")],
                 className="page-head"),
        loading(html.Div(id=f"{P}-feedback")),
        html.Div(problems, id=f"{P}-problems"),
        section(t("alerts.rules.title", lang), html.Div(table, id=f"{P}-rules"),
                tools=html.Div(dbc.Button(t("alerts.new", lang), id=f"{P}-new", size="sm",
                                          color="primary"), className="list-tools")),
        html.P(t("alerts.rules.hint" if who.all_data else "alerts.rules.hint_own", lang),
               className="list-hint"),
        html.Div(className="list-gap"),
        section(t("alerts.log.title", lang), html.Div(log_view(lang, who, None),
                                                      id=f"{P}-log"), tools=log_filter),
        html.P(t("alerts.log.hint", lang, n=LOG_LIMIT), className="list-hint"),
        form_modal(lang),
        delete_modal(P, t("alerts.delete.title", lang), t("alerts.cancel", lang),
                     t("alerts.act.delete", lang)),
        dcc.Store(id=f"{P}-refresh", data=0),
        dcc.Store(id=f"{P}-editing"),
        dcc.Store(id=f"{P}-target"),
        dcc.Store(id=f"{P}-lang", data=lang),
        dcc.Store(id=f"{P}-cond-labels", data={
            "metric": condition_options("metric", lang),
            "list": condition_options("list", lang)}),
        dcc.Interval(id=f"{P}-tick", interval=60_000),
    ], None)
