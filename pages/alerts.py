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

import logging
from dataclasses import replace

import dash
from dash import ALL, Input, Output, Patch, State, callback, ctx, html

from alerts.channels.config import ConfigError
from alerts.channels.masking import mask_text
from alerts.evaluate import read
from alerts.rules import DEFAULT_TIMEZONE, parse_rule
from alerts.runner import test_rule
from app_state import alerts as store
from auth import ADMIN, EXECUTIVE, MANAGER, restricted_layout
from auth.permissions import EDIT_ALERTS, VIEW, needs
from auth.principal import request_principal
from components.alerts import form_scripts
from components.alerts.field_errors import field_error, field_label
from components.alerts.page_rules import (
    STORE_ERRORS,
    editor,
    find_rule,
    form_choices,
    next_times,
    stored_id,
)
from components.alerts.page_views import (
    feedback,
    form_error,
    log_view,
    page_layout,
    rules_view,
    sent_results,
)
from components.alerts.preview import preview, preview_message
from components.alerts.rule_access import may_edit, may_test
from components.alerts.rule_body import build_body, condition_of
from components.alerts.rule_form import (
    CH_REMOVE,
    CH_SECRET,
    CH_TO,
    CH_TYPE,
    CH_URL,
    channel_row,
    rule_form,
)
from components.alerts.rule_list import DELETE, EDIT, ENABLE, TEST
from components.alerts.rule_save import RuleFields, no_flags, save_rule
from components.alerts.rule_values import (
    SCHEDULE_PRESETS,
    ChannelRow,
    new_row_key,
    new_rule_values,
    values_from_body,
)
from components.kit.confirm_delete import closing, confirm_io
from components.kit.failures import FAILURES, shows_failure
from components.kit.page_title import page_title
from i18n import resolve_language, t

dash.register_page(__name__, path="/alerts", name="alerts", title=page_title("nav.alerts"))

P = "al"
PREVIEW_CHANNEL = {"type": "webhook", "url": "http://preview.invalid/"}
log = logging.getLogger("stocklens.pages")
form_scripts.install()


# ---- layout ----------------------------------------------------------------------------------
@restricted_layout(ADMIN, EXECUTIVE, MANAGER)
def layout(**params: str) -> html.Div:
    lang = resolve_language(params.get("lang"))
    return page_layout(lang, editor())


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
    table, names, problems = rules_view(lang, editor())
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
    return log_view(lang, editor(), rule or None)


# ---- the form --------------------------------------------------------------------------------
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
    who = editor()
    choices = form_choices(who)
    trigger = ctx.triggered_id
    if trigger == f"{P}-new":
        values = new_rule_values(choices, who.name, lang)
        return (True, t("alerts.form.new", lang), rule_form(values, choices, lang), None, None,
                dash.no_update)
    rule_id = stored_id(trigger["key"])
    stored = store.get_rule(rule_id) if rule_id is not None else None
    if stored is None or not (who.all_data or who.is_me(stored.owner)):
        return (False, dash.no_update, dash.no_update, None, None,
                feedback(t("alerts.gone", lang), "danger"))
    if stored.body.get("board") is not None or stored.body.get("view") is not None:
        return (False, dash.no_update, dash.no_update, None, None,
                feedback(t("alerts.refuse.subscription", lang), "warning"))
    values = values_from_body(stored.body, choices.timezone)
    return (True, t("alerts.form.edit", lang, name=stored.name),
            rule_form(values, choices, lang), stored.id, None, dash.no_update)


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
        rows.append(channel_row(ChannelRow(new_row_key()), lang, not editor().all_data))
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
        times = next_times(cron, zone)
    except ConfigError:
        return html.Span(t("alerts.form.bad_schedule", lang), className="al-warn")
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
    clear = no_flags(len(ids or []))
    if ctx.triggered_id == f"{P}-cancel":
        return False, None, dash.no_update, dash.no_update, *clear
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise dash.exceptions.PreventUpdate
    fields = RuleFields(
        name=name, watch=watch, metric=metric, list_kind=list_kind,
        where={"region": regions, "channel": channels, "category": categories},
        period=period, kind=kind, value=value, status=status, cron=cron, zone=zone,
        for_minutes=for_minutes, repeat_minutes=repeat_minutes, recipients=recipients,
        message_lang=message_lang, types=types or [], urls=urls or [],
        secrets=secrets or [], tos=tos or [], ids=ids or [])
    saved = save_rule(editor(), fields, editing, lang)
    if not isinstance(saved, str):
        return (True, form_error(saved.text), dash.no_update, dash.no_update,
                *(saved.flags or clear))
    return False, None, refresh + 1, feedback(t("alerts.saved", lang, name=saved)), *clear


# ---- row actions: enable, test, delete --------------------------------------------------------
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
    rule, _ = find_rule(trigger["key"])
    if rule is None or rule.enabled == wanted:
        raise dash.exceptions.PreventUpdate
    if not may_edit(editor(), rule):
        return refresh + 1, feedback(t("alerts.refuse.not_yours", lang), "danger")
    try:
        store.set_enabled(rule.rule_id, wanted)
    except STORE_ERRORS as exc:
        return refresh + 1, feedback(t("alerts.store_error", lang, error=str(exc)), "danger")
    done = "alerts.enabled" if wanted else "alerts.disabled"
    return refresh + 1, feedback(t(done, lang, name=rule.name), "info")


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
    rule, config = find_rule(trigger["key"])
    if rule is None:
        return feedback(t("alerts.gone", lang), "danger"), refresh + 1
    if not may_test(editor(), rule):
        return feedback(t("alerts.refuse.not_yours", lang), "danger"), dash.no_update
    try:
        outcomes = test_rule(rule, rule.source, config.smtp)
    except FAILURES as exc:
        return feedback(t("alerts.test.failed", lang, name=rule.name, error=str(exc)),
                         "danger"), refresh + 1
    except Exception as exc:  # a sender's bug must not hide what happened: say it, masked
        log.exception("test of alert rule %r failed", rule.name)
        secrets = [s for c in rule.channels for s in c.secrets]
        error = mask_text(f"{type(exc).__name__}: {exc}", secrets)
        return feedback(t("alerts.test.failed", lang, name=rule.name, error=error),
                         "danger"), refresh + 1
    return sent_results(rule.name, outcomes, lang), refresh + 1


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
    rule, _ = find_rule(trigger["key"])
    if rule is None or not may_edit(editor(), rule):
        raise dash.exceptions.PreventUpdate
    return True, html.P(t("alerts.delete.text", lang, name=rule.name)), rule.key


@callback(*confirm_io(P), prevent_initial_call=True)
@needs(EDIT_ALERTS)
def delete(_confirm, _cancel, target, refresh, lang):
    if closing(P, target):
        return False, dash.no_update, dash.no_update
    rule, _ = find_rule(target)
    if rule is None:
        return False, refresh + 1, feedback(t("alerts.gone", lang), "danger")
    if not may_edit(editor(), rule):
        return False, dash.no_update, feedback(t("alerts.refuse.not_yours", lang), "danger")
    try:
        store.delete_rule(rule.rule_id)
    except STORE_ERRORS as exc:
        return False, refresh + 1, feedback(t("alerts.store_error", lang, error=str(exc)),
                                            "danger")
    return False, refresh + 1, feedback(t("alerts.deleted", lang, name=rule.name))
