"""Alerts (预警): the alert rules of the config file and of this page, made and changed
here with a live preview of the current value, a test send, enable / disable, delete, and
the execution log.

- A rule is saved as its config form (the dict a config file's `alerts:` entry holds),
  validated by `alerts.rules.parse_rule` — a refused rule says which field and why — and
  stored with `app_state.alerts.save_rule`, owned by the signed-in account.
- The preview runs the rule's query through the query service as the signed-in person
  (alerts.evaluate.read with request_principal()): her scope, never more.
- Every server callback declares its permission: reading needs `view`, changing or
  sending needs `edit_alerts`. A manager's rules are addressed to herself (recipients =
  [her name], e-mail to her own address); that is checked here on the server at save
  (components/alerts/rule_access.py), and she sees only her own rules and log lines.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    MATCH,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
)
from sqlalchemy.exc import SQLAlchemyError

import service
from alerts.channels.config import ConfigError
from alerts.channels.masking import mask_text
from alerts.config import AlertConfig, load_alert_config, server_timezone
from alerts.evaluate import read
from alerts.rules import DEFAULT_TIMEZONE, AlertRule, Condition, check_schedule, parse_rule
from alerts.runner import test_rule
from alerts.scheduler import next_time
from app_state import alerts as store
from app_state.users import get_user, list_users
from auth import ADMIN, EXECUTIVE, MANAGER, restricted_layout
from auth.identity import current_user
from auth.permissions import EDIT_ALERTS, VIEW, needs
from auth.principal import request_principal
from components.alerts.alert_log import log_table
from components.alerts.preview import preview, preview_message
from components.alerts.rule_access import (
    Editor,
    address_problem,
    editor_of,
    may_edit,
    may_see,
    may_test,
    unknown_recipients,
    visible_log,
)
from components.alerts.rule_form import (
    CH_REMOVE,
    CH_SECRET,
    CH_SECRET_BOX,
    CH_TO,
    CH_TO_BOX,
    CH_TYPE,
    CH_URL,
    CH_URL_BOX,
    CUSTOM,
    SCHEDULE_PRESETS,
    ChannelRow,
    FormChoices,
    build_body,
    channel_of,
    channel_row,
    condition_of,
    condition_options,
    field_error,
    field_label,
    new_row_key,
    new_rule_values,
    rule_form,
    stored_channel,
    values_from_body,
)
from components.alerts.rule_list import DELETE, EDIT, ENABLE, TEST, RuleRow, rules_table
from components.kit.failures import FAILURES, shows_failure
from components.kit.page_frame import loading, page_frame, section
from data_connectors.source import SourceError
from i18n import resolve_language, t

dash.register_page(__name__, path="/alerts", name="alerts", title="StockLens · Alerts")

P = "al"
LOG_LIMIT = 100
STORE_ERRORS = (SQLAlchemyError, OSError)
PREVIEW_CHANNEL = {"type": "webhook", "url": "http://preview.invalid/"}
log = logging.getLogger("stocklens.pages")


# ---- reading rules -------------------------------------------------------------------------
def _editor() -> Editor:
    return editor_of(current_user())


def _zone() -> str:
    try:
        return server_timezone()
    except ConfigError:
        return DEFAULT_TIMEZONE


def _config() -> tuple[AlertConfig, list[str]]:
    """Rules of the config file and of this page, and what could not be read. A config
    file that does not load still leaves the page's own rules listed (and says why)."""
    try:
        config = load_alert_config()
        return config, list(config.problems)
    except ConfigError as exc:
        zone, rules, problems = _zone(), [], [f"config file: {exc}"]
        for saved in store.list_rules():
            try:
                rules.append(parse_rule(saved.body, default_timezone=zone, owner=saved.owner,
                                        rule_id=saved.id))
            except ConfigError as bad:
                problems.append(f"stored rule #{saved.id}: {bad}")
        return AlertConfig(tuple(rules), None, zone), problems


def _next_run(rule: AlertRule, moment: datetime) -> datetime | None:
    try:
        return next_time(rule, moment)
    except (ValueError, KeyError):
        return None


def _subject(rule: AlertRule) -> str | None:
    """A subscription's board or view by name (None when it is gone)."""
    from app_state.boards import get_board
    from app_state.records import NotFound
    from app_state.views import get_view

    try:
        if rule.board is not None:
            return get_board(rule.board).name
        if rule.view is not None:
            return get_view(rule.view).name
    except (NotFound, ValueError):
        return None
    return None


def _row(rule: AlertRule, editor: Editor, moment: datetime) -> RuleRow:
    states = tuple((label, store.get_state(rule.key, label))
                   for label in (rule.recipients or ("",)))
    return RuleRow(rule, may_edit(editor, rule), may_test(editor, rule), states,
                   _next_run(rule, moment), _subject(rule) if rule.is_subscription else None)


def _rules_view(lang: str, editor: Editor) -> tuple[object, list[str], object]:
    """(the rules table, the names of the rules shown, the problems alert)."""
    try:
        config, problems = _config()
        rules = [r for r in config.rules if may_see(editor, r)]
        moment = datetime.now(UTC)
        table = rules_table([_row(r, editor, moment) for r in rules], lang,
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


def _log_view(lang: str, editor: Editor, rule: str | None) -> object:
    try:
        config, _ = _config()
        entries = store.last_log(LOG_LIMIT if editor.all_data else 10 * LOG_LIMIT, rule)
        entries = visible_log(editor, entries, config.rules)[:LOG_LIMIT]
        return log_table(entries, config.timezone, lang)
    except STORE_ERRORS as exc:
        return dbc.Alert(t("alerts.store_error", lang, error=str(exc)), color="danger")


# ---- layout ----------------------------------------------------------------------------------
def _form_modal(lang: str) -> dbc.Modal:
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


def _delete_modal(lang: str) -> dbc.Modal:
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(t("alerts.delete.title", lang))),
        dbc.ModalBody(id=f"{P}-delete-text"),
        dbc.ModalFooter([
            dbc.Button(t("alerts.cancel", lang), id=f"{P}-delete-cancel", color="secondary",
                       outline=True),
            dbc.Button(t("alerts.act.delete", lang), id=f"{P}-delete-confirm",
                       color="danger"),
        ]),
    ], id=f"{P}-delete", is_open=False)


@restricted_layout(ADMIN, EXECUTIVE, MANAGER)
def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    editor = _editor()
    table, names, problems = _rules_view(lang, editor)
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
        html.P(t("alerts.rules.hint" if editor.all_data else "alerts.rules.hint_own", lang),
               className="list-hint"),
        html.Div(className="list-gap"),
        section(t("alerts.log.title", lang), html.Div(_log_view(lang, editor, None),
                                                      id=f"{P}-log"), tools=log_filter),
        html.P(t("alerts.log.hint", lang, n=LOG_LIMIT), className="list-hint"),
        _form_modal(lang), _delete_modal(lang),
        dcc.Store(id=f"{P}-refresh", data=0),
        dcc.Store(id=f"{P}-editing"),
        dcc.Store(id=f"{P}-target"),
        dcc.Store(id=f"{P}-lang", data=lang),
        dcc.Store(id=f"{P}-cond-labels", data={
            "metric": condition_options("metric", lang),
            "list": condition_options("list", lang)}),
        dcc.Interval(id=f"{P}-tick", interval=60_000),
    ], None)


def _feedback(text: object, color: str = "success") -> dbc.Alert:
    return dbc.Alert(text, color=color, dismissable=True, className="list-feedback",
                     id=f"{P}-feedback-alert")


# ---- the lists -------------------------------------------------------------------------------
@callback(
    Output(f"{P}-rules", "children"),
    Output(f"{P}-problems", "children"),
    Output(f"{P}-log-rule", "options"),
    Input(f"{P}-refresh", "data"),
    Input(f"{P}-tick", "n_intervals"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def show_rules(_refresh, _tick, lang):
    table, names, problems = _rules_view(lang, _editor())
    return table, problems, names


@callback(
    Output(f"{P}-log", "children"),
    Input(f"{P}-refresh", "data"),
    Input(f"{P}-tick", "n_intervals"),
    Input(f"{P}-log-rule", "value"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(VIEW)
def show_log(_refresh, _tick, rule, lang):
    return _log_view(lang, _editor(), rule or None)


# ---- the form --------------------------------------------------------------------------------
def _choices(editor: Editor) -> FormChoices:
    who = request_principal()
    problem = None
    try:
        dims = {"region": service.dimension_values(who, "location", "region"),
                "channel": service.channel_values(who),
                "category": service.dimension_values(who, "sku", "category")}
    except SourceError as exc:
        dims, problem = {}, str(exc)
    if editor.all_data:
        people = [u.name for u in list_users() if not u.disabled]
    else:
        people = [editor.name] if editor.name else []
    return FormChoices(dims, people, _zone(), restricted=not editor.all_data, problem=problem)


@callback(
    Output(f"{P}-form", "is_open"),
    Output(f"{P}-form-title", "children"),
    Output(f"{P}-form-body", "children"),
    Output(f"{P}-editing", "data"),
    Output(f"{P}-form-error", "children"),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Input(f"{P}-new", "n_clicks"),
    Input({"type": EDIT, "key": ALL}, "n_clicks"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def open_form(_new, _edits, lang):
    """A blank form, or a stored rule's (its credentials masked)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate  # a redrawn list, not a click
    editor = _editor()
    choices = _choices(editor)
    trigger = ctx.triggered_id
    if trigger == f"{P}-new":
        values = new_rule_values(choices, editor.name, lang)
        return (True, t("alerts.form.new", lang), rule_form(values, choices, lang), None, None,
                dash.no_update)
    rule_id = _stored_id(trigger["key"])
    stored = store.get_rule(rule_id) if rule_id is not None else None
    if stored is None or not (editor.all_data or editor.is_me(stored.owner)):
        return (False, dash.no_update, dash.no_update, None, None,
                _feedback(t("alerts.gone", lang), "danger"))
    if stored.body.get("board") is not None or stored.body.get("view") is not None:
        return (False, dash.no_update, dash.no_update, None, None,
                _feedback(t("alerts.refuse.subscription", lang), "warning"))
    values = values_from_body(stored.body, choices.timezone)
    return (True, t("alerts.form.edit", lang, name=stored.name),
            rule_form(values, choices, lang), stored.id, None, dash.no_update)


def _stored_id(key: str) -> int | None:
    if isinstance(key, str) and key.startswith("db:") and key[3:].isdigit():
        return int(key[3:])
    return None


@callback(
    Output(f"{P}-channels", "children"),
    Input(f"{P}-add-channel", "n_clicks"),
    Input({"type": CH_REMOVE, "key": ALL}, "n_clicks"),
    State({"type": CH_REMOVE, "key": ALL}, "id"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def edit_channels(_add, _removes, ids, lang):
    """Add a channel row, or remove one; the other rows keep what was typed (a patch)."""
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    rows = Patch()
    trigger = ctx.triggered_id
    if trigger == f"{P}-add-channel":
        rows.append(channel_row(ChannelRow(new_row_key()), lang, not _editor().all_data))
        return rows
    keys = [i["key"] for i in ids]
    if trigger["key"] not in keys:
        raise dash.exceptions.PreventUpdate
    del rows[keys.index(trigger["key"])]
    return rows


@callback(
    Output(f"{P}-next", "children"),
    Input(f"{P}-cron", "value"),
    Input(f"{P}-tz", "value"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
def next_runs(cron, zone, lang):
    """The next three due times in the rule's zone (or what is wrong with the schedule)."""
    try:
        check_schedule(cron or "", zone or "", "schedule")
    except ConfigError:
        return html.Span(t("alerts.form.bad_schedule", lang), className="al-warn")
    probe = AlertRule("", "revenue", None, {}, "last_30_days", Condition("above", 0.0), (),
                      schedule=cron.strip(), timezone=zone)
    moment, times = datetime.now(UTC), []
    for _ in range(3):
        moment = next_time(probe, moment)
        times.append(f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}")
    return t("alerts.form.next_runs", lang, times=" · ".join(times), zone=zone)


def _preview_failed(error, *args):
    return preview_message(t("alerts.preview.failed", args[-1], error=str(error)), "bad")


@callback(
    Output(f"{P}-preview", "children"),
    Input(f"{P}-watch", "value"),
    Input(f"{P}-metric", "value"),
    Input(f"{P}-list", "value"),
    Input(f"{P}-f-region", "value"),
    Input(f"{P}-f-channel", "value"),
    Input(f"{P}-f-category", "value"),
    Input(f"{P}-period", "value"),
    Input(f"{P}-cond", "value"),
    Input(f"{P}-limit", "value"),
    Input(f"{P}-cond-status", "value"),
    Input(f"{P}-recipients", "value"),
    State(f"{P}-lang", "data"),
)
@needs(VIEW)
@shows_failure(_preview_failed)
def show_preview(watch, metric, list_kind, regions, channels, categories, period, kind,
                 value, status, recipients, lang):
    """The rule's current value as the signed-in person sees it, its status as a word,
    and whether it would fire now."""
    condition = condition_of(watch, kind, value, status)
    decided = watch == "list" or kind == "status" or value not in (None, "")
    if not decided:
        condition = {next(iter(condition)): 0}
    body = build_body(name="preview", watch=watch, metric=metric, list_kind=list_kind,
                      where={"region": regions, "channel": channels, "category": categories},
                      period=period, condition=condition, channels=[PREVIEW_CHANNEL],
                      recipients=None, schedule=SCHEDULE_PRESETS["daily_8"],
                      timezone=DEFAULT_TIMEZONE, for_minutes=0, repeat_minutes=0)
    try:
        rule = parse_rule(body)
    except ConfigError as exc:
        error = field_error(str(exc), "preview")
        return preview_message(f"{field_label(error, lang)}: {error.detail}", "warn")
    rule = replace(rule, recipients=tuple(recipients or ()))
    return preview(rule, read(rule, request_principal(), rule.source), lang, decided)


# ---- saving ----------------------------------------------------------------------------------
def _error(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="danger", className="al-form-alert mb-0")


def _has_account(name: str) -> bool:
    user = get_user(name)
    return user is not None and not user.disabled


def _config_names() -> set[str]:
    try:
        config, _ = _config()
    except STORE_ERRORS:
        return set()
    return {r.name.casefold() for r in config.rules if r.rule_id is None}


@callback(
    Output(f"{P}-form", "is_open", allow_duplicate=True),
    Output(f"{P}-form-error", "children", allow_duplicate=True),
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Output(f"{P}-name", "invalid"),
    Output(f"{P}-cron", "invalid"),
    Output(f"{P}-limit", "invalid"),
    Output(f"{P}-for", "invalid"),
    Output(f"{P}-repeat", "invalid"),
    Output({"type": CH_URL, "key": ALL}, "invalid"),
    Output({"type": CH_SECRET, "key": ALL}, "invalid"),
    Output({"type": CH_TO, "key": ALL}, "invalid"),
    Input(f"{P}-save", "n_clicks"),
    Input(f"{P}-cancel", "n_clicks"),
    State(f"{P}-name", "value"),
    State(f"{P}-watch", "value"),
    State(f"{P}-metric", "value"),
    State(f"{P}-list", "value"),
    State(f"{P}-f-region", "value"),
    State(f"{P}-f-channel", "value"),
    State(f"{P}-f-category", "value"),
    State(f"{P}-period", "value"),
    State(f"{P}-cond", "value"),
    State(f"{P}-limit", "value"),
    State(f"{P}-cond-status", "value"),
    State(f"{P}-cron", "value"),
    State(f"{P}-tz", "value"),
    State(f"{P}-for", "value"),
    State(f"{P}-repeat", "value"),
    State(f"{P}-recipients", "value"),
    State(f"{P}-msg-lang", "value"),
    State({"type": CH_TYPE, "key": ALL}, "value"),
    State({"type": CH_URL, "key": ALL}, "value"),
    State({"type": CH_SECRET, "key": ALL}, "value"),
    State({"type": CH_TO, "key": ALL}, "value"),
    State({"type": CH_TYPE, "key": ALL}, "id"),
    State(f"{P}-editing", "data"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def save(_save, _cancel, name, watch, metric, list_kind, regions, channels, categories,
         period, kind, value, status, cron, zone, for_minutes, repeat_minutes, recipients,
         message_lang, types, urls, secrets, tos, ids, editing, refresh, lang):
    """Validate the rule (parse_rule, then who may be sent what) and store it; a refused
    rule keeps the form open and names the field."""
    rows = len(ids or [])
    clear = [False] * 5 + [[False] * rows] * 3
    if ctx.triggered_id == f"{P}-cancel":
        return False, None, dash.no_update, dash.no_update, *clear
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    editor = _editor()

    def refused(text: str, flags: list | None = None):
        return True, _error(text), dash.no_update, dash.no_update, *(flags or clear)

    stored = None
    if editing is not None:
        stored = store.get_rule(int(editing))
        if stored is None:
            return refused(t("alerts.gone", lang))
        if not (editor.all_data or editor.is_me(stored.owner)):
            return refused(t("alerts.refuse.not_yours", lang))
        if stored.body.get("board") is not None or stored.body.get("view") is not None:
            return refused(t("alerts.refuse.subscription", lang))
    kept = [c for c in (stored.body.get("channels") or [])] if stored else []
    rows_in = zip(types or [], urls or [], secrets or [], tos or [], ids or [], strict=False)
    built = [channel_of(ty, url, sec, to, stored_channel(_row_key(i), kept))
             for ty, url, sec, to, i in rows_in]
    body = build_body(
        name=name, watch=watch, metric=metric, list_kind=list_kind,
        where={"region": regions, "channel": channels, "category": categories}, period=period,
        condition=condition_of(watch, kind, value, status), channels=built,
        recipients=recipients, schedule=cron, timezone=zone, for_minutes=for_minutes,
        repeat_minutes=repeat_minutes, lang=message_lang,
        enabled=bool(stored.body.get("enabled", True)) if stored else True)
    if stored is not None and "source" in stored.body:  # not on the form: kept as it was
        body["source"] = stored.body["source"]
    refusal = address_problem(editor, body)
    if refusal is not None:
        log.warning("alert rule refused for %s: %s", editor.name, refusal.key)
        return refused(t(refusal.key, lang, **refusal.values))
    try:
        parse_rule(body, default_timezone=_zone(), owner=editor.name,
                   rule_id=stored.id if stored else None)
    except ConfigError as exc:
        error = field_error(str(exc), body["name"])
        return refused(t("alerts.not_saved", lang, field=field_label(error, lang),
                         problem=error.detail), _flags(error, rows))
    refusal = unknown_recipients(body, _has_account)
    if refusal is not None:
        return refused(t(refusal.key, lang, **refusal.values))
    if body["name"].casefold() in _config_names():
        return refused(t("alerts.name_in_config", lang, name=body["name"]),
                       _flags(field_error(": ", ""), rows, name=True))
    try:
        store.save_rule(body, owner=editor.name, rule_id=stored.id if stored else None)
    except store.RuleNameTaken:
        return refused(t("alerts.name_taken", lang, name=body["name"]),
                       _flags(field_error(": ", ""), rows, name=True))
    except STORE_ERRORS as exc:
        return refused(t("alerts.store_error", lang, error=str(exc)))
    return (False, None, refresh + 1,
            _feedback(t("alerts.saved", lang, name=body["name"])), *clear)


def _row_key(ident: object) -> str:
    return str(ident.get("key", "")) if isinstance(ident, dict) else ""


def _flags(error, rows: int, name: bool = False) -> list:
    """The invalid flags of the fields an error names."""
    single = {"name": name or error.field == "name", "schedule": error.field == "schedule",
              "condition": error.field == "condition", "for": error.field == "for_minutes",
              "repeat": error.field == "repeat_minutes"}
    per_row = []
    for part in ("url", "secret", "to"):
        per_row.append([error.field == "channel" and error.channel == i and error.part == part
                        for i in range(rows)])
    return [single["name"], single["schedule"], single["condition"], single["for"],
            single["repeat"], *per_row]


# ---- row actions: enable, test, delete --------------------------------------------------------
def _find(key: str) -> tuple[AlertRule | None, AlertConfig]:
    config, _ = _config()
    return next((r for r in config.rules if r.key == key), None), config


@callback(
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Input({"type": ENABLE, "key": ALL}, "value"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def toggle(_values, refresh, lang):
    """Switch a stored rule on or off (a redrawn list, whose switches match the store,
    changes nothing)."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered:
        raise dash.exceptions.PreventUpdate
    wanted = bool(ctx.triggered[0].get("value"))
    rule, _ = _find(trigger["key"])
    if rule is None or rule.enabled == wanted:
        raise dash.exceptions.PreventUpdate
    if not may_edit(_editor(), rule):
        return refresh + 1, _feedback(t("alerts.refuse.not_yours", lang), "danger")
    try:
        store.set_enabled(rule.rule_id, wanted)
    except STORE_ERRORS as exc:
        return refresh + 1, _feedback(t("alerts.store_error", lang, error=str(exc)), "danger")
    done = "alerts.enabled" if wanted else "alerts.disabled"
    return refresh + 1, _feedback(t(done, lang, name=rule.name), "info")


def _outcome_lines(outcomes, lang: str) -> list:
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


@callback(
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Input({"type": TEST, "key": ALL}, "n_clicks"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def send_test(_clicks, refresh, lang):
    """Send a test message of the current value to every channel of the rule (its state
    is left as it is); each channel's result is shown and logged."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    rule, config = _find(trigger["key"])
    if rule is None:
        return _feedback(t("alerts.gone", lang), "danger"), refresh + 1
    if not may_test(_editor(), rule):
        return _feedback(t("alerts.refuse.not_yours", lang), "danger"), dash.no_update
    try:
        outcomes = test_rule(rule, rule.source, config.smtp)
    except FAILURES as exc:
        return _feedback(t("alerts.test.failed", lang, name=rule.name, error=str(exc)),
                         "danger"), refresh + 1
    except Exception as exc:  # a sender's bug must not hide what happened: say it, masked
        log.exception("test of alert rule %r failed", rule.name)
        secrets = [s for c in rule.channels for s in c.secrets]
        error = mask_text(f"{type(exc).__name__}: {exc}", secrets)
        return _feedback(t("alerts.test.failed", lang, name=rule.name, error=error),
                         "danger"), refresh + 1
    failed = any(o.failed for o in outcomes)
    text = [html.Div(t("alerts.test.done_failed" if failed else "alerts.test.done", lang,
                       name=rule.name), className="fw-semibold"),
            html.Ul(_outcome_lines(outcomes, lang), className="mb-0 mt-1 al-test-results")]
    return _feedback(text, "warning" if failed else "success"), refresh + 1


@callback(
    Output(f"{P}-delete", "is_open"),
    Output(f"{P}-delete-text", "children"),
    Output(f"{P}-target", "data"),
    Input({"type": DELETE, "key": ALL}, "n_clicks"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def ask_delete(_clicks, lang):
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    rule, _ = _find(trigger["key"])
    if rule is None or not may_edit(_editor(), rule):
        raise dash.exceptions.PreventUpdate
    return True, html.P(t("alerts.delete.text", lang, name=rule.name)), rule.key


@callback(
    Output(f"{P}-delete", "is_open", allow_duplicate=True),
    Output(f"{P}-refresh", "data", allow_duplicate=True),
    Output(f"{P}-feedback", "children", allow_duplicate=True),
    Input(f"{P}-delete-confirm", "n_clicks"),
    Input(f"{P}-delete-cancel", "n_clicks"),
    State(f"{P}-target", "data"),
    State(f"{P}-refresh", "data"),
    State(f"{P}-lang", "data"),
    prevent_initial_call=True,
)
@needs(EDIT_ALERTS)
def delete(_confirm, _cancel, target, refresh, lang):
    if ctx.triggered_id == f"{P}-delete-cancel" or not target:
        return False, dash.no_update, dash.no_update
    rule, _ = _find(target)
    if rule is None:
        return False, refresh + 1, _feedback(t("alerts.gone", lang), "danger")
    if not may_edit(_editor(), rule):
        return False, dash.no_update, _feedback(t("alerts.refuse.not_yours", lang), "danger")
    try:
        store.delete_rule(rule.rule_id)
    except STORE_ERRORS as exc:
        return False, refresh + 1, _feedback(t("alerts.store_error", lang, error=str(exc)),
                                             "danger")
    return False, refresh + 1, _feedback(t("alerts.deleted", lang, name=rule.name))


# ---- the form's own show / hide (no server round trip) ---------------------------------------
clientside_callback(
    """
    function (watch, current, labels) {
        const isList = watch === "list";
        const options = (labels || {})[isList ? "list" : "metric"] || [];
        const keep = options.some(o => o.value === current);
        return [isList ? {display: "none"} : {}, isList ? {} : {display: "none"},
                options, keep ? current : (options[0] || {}).value];
    }
    """,
    Output(f"{P}-metric-box", "style"),
    Output(f"{P}-list-box", "style"),
    Output(f"{P}-cond", "options"),
    Output(f"{P}-cond", "value"),
    Input(f"{P}-watch", "value"),
    State(f"{P}-cond", "value"),
    State(f"{P}-cond-labels", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function (kind) {
        const hide = {display: "none"};
        return [kind === "status" || kind === "not_empty" ? hide : {},
                kind === "status" ? {} : hide];
    }
    """,
    Output(f"{P}-limit-box", "style"),
    Output(f"{P}-cond-status-box", "style"),
    Input(f"{P}-cond", "value"),
)

clientside_callback(
    """
    function (preset, cron) {
        const presets = __PRESETS__;
        const trigger = (dash_clientside.callback_context.triggered[0] || {}).prop_id || "";
        if (trigger.startsWith("__P__-preset")) {
            if (presets[preset]) { return [preset, presets[preset]]; }
            return [preset, dash_clientside.no_update];
        }
        const found = Object.keys(presets).find(k => presets[k] === (cron || "").trim());
        return [found || "__CUSTOM__", dash_clientside.no_update];
    }
    """.replace("__PRESETS__", json.dumps(SCHEDULE_PRESETS)).replace("__P__", P)
    .replace("__CUSTOM__", CUSTOM),
    Output(f"{P}-preset", "value"),
    Output(f"{P}-cron", "value"),
    Input(f"{P}-preset", "value"),
    Input(f"{P}-cron", "value"),
    prevent_initial_call=True,
)

clientside_callback(
    """
    function (kind) {
        const hide = {display: "none"};
        const signs = ["dingtalk", "feishu", "webhook"];
        return [kind === "email" ? hide : {}, signs.includes(kind) ? {} : hide,
                kind === "email" ? {} : hide];
    }
    """,
    Output({"type": CH_URL_BOX, "key": MATCH}, "style"),
    Output({"type": CH_SECRET_BOX, "key": MATCH}, "style"),
    Output({"type": CH_TO_BOX, "key": MATCH}, "style"),
    Input({"type": CH_TYPE, "key": MATCH}, "value"),
)
