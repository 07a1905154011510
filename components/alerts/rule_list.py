"""The list of alert rules: what each watches, when it fires and runs, where it sends (the
channels' masked labels), for whom, its state per recipient, whether it is on, and the
actions the person may take. Rules of the config file are read-only here.

Row buttons and switches share pattern-matching ids ({"type": …, "key": rule.key}), so one
callback serves every row; rows carry data-rule with the name for tests and readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import dash_bootstrap_components as dbc
from dash import html

from alerts.alert_message import watched_label
from alerts.channels.config import ChannelConfig
from alerts.rules import AlertRule
from app_state.alerts import RuleState
from components.alerts.rule_values import SCHEDULE_PRESETS
from components.filters.filter_bar import option_label
from components.kit.formatting import format_value
from i18n import t

EDIT, TEST, DELETE, ENABLE = "al-edit", "al-test", "al-delete", "al-enable"
STATE_CLASS = {"ok": "al-state-ok", "pending": "al-state-pending",
               "firing": "al-state-firing"}


@dataclass(frozen=True)
class RuleRow:
    rule: AlertRule
    editable: bool
    testable: bool
    states: tuple[tuple[str, RuleState | None], ...]  # (recipient or "", state)
    next_run: datetime | None
    subject: str | None = None  # a subscription's board or view, by name


def watched_text(row: RuleRow, lang: str) -> str:
    rule = row.rule
    if rule.is_subscription:
        kind = "board" if rule.board is not None else "view"
        return t(f"alerts.list.{kind}", lang,
                 name=row.subject or f"#{rule.board or rule.view}")
    return watched_label(rule, lang)


def condition_text(rule: AlertRule, lang: str) -> str:
    if rule.is_subscription:
        return t("alerts.list.subscription_skip" if rule.skip_if_empty
                 else "alerts.list.subscription", lang)
    kind, limit = rule.condition.kind, rule.condition.value
    if kind == "status":
        shown = t(f"alert.status.{limit}", lang)
    elif kind in ("above", "below") and rule.metric is not None:
        shown = format_value(rule.metric, float(limit), lang)
    elif isinstance(limit, float):
        shown = f"{limit:g}"
    else:
        shown = str(limit)
    return t(f"alert.cond.{kind}", lang, value=shown)


def schedule_text(schedule: str, lang: str) -> str:
    preset = next((k for k, v in SCHEDULE_PRESETS.items() if v == schedule.strip()), None)
    return t(f"alerts.preset.{preset}", lang) if preset else schedule


def local_time(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M}"


def channel_text(channel: ChannelConfig, lang: str) -> str:
    """Where the channel sends, masked (ChannelConfig.label without the type); e-mail
    without addresses goes to each recipient's own."""
    if channel.type == "email":
        return ", ".join(channel.to) if channel.to else t("alerts.list.email_each", lang)
    return channel.safe_url or ""


def channel_cell(channel: ChannelConfig, lang: str) -> html.Div:
    return html.Div([html.Span(t(f"alerts.channel.{channel.type}", lang),
                               className=f"al-ch-kind al-ch-{channel.type}"),
                     html.Span(channel_text(channel, lang),
                               className="al-ch-where" if channel.type != "email" or channel.to
                               else "al-ch-where al-ch-plain", title=channel.label)],
                    className="al-channel")


def _filters(rule: AlertRule, lang: str) -> str:
    from metrics.dimensions import DIMENSIONS

    return " · ".join(
        f"{DIMENSIONS[d].label(lang) if d in DIMENSIONS else d}: "
        f"{', '.join(option_label(d, v, lang) for v in values)}"
        for d, values in sorted(rule.where.items()))


def _states(row: RuleRow, lang: str) -> list:
    shown = []
    for recipient, state in row.states:
        word = t(f"alerts.state.{state.state}", lang) if state else t("alerts.state.unknown",
                                                                      lang)
        cls = STATE_CLASS.get(state.state, "al-state-unknown") if state else "al-state-unknown"
        who = html.Span(recipient, className="al-state-who") if recipient else None
        since = (html.Span(t("alerts.list.since", lang,
                             when=local_time(state.since, row.rule.timezone)),
                           className="list-sub") if state else None)
        shown.append(html.Div([who, html.Span(word, className=f"al-state {cls}"),
                               html.Div(since) if since else None],
                              className="al-state-line"))
    return shown


def _actions(row: RuleRow, lang: str) -> html.Div:
    key = row.rule.key
    buttons = []
    if row.editable and not row.rule.is_subscription:  # subscriptions: made on their board
        buttons.append(dbc.Button(t("alerts.act.edit", lang), id={"type": EDIT, "key": key},
                                  size="sm", color="secondary", outline=True,
                                  className="list-act al-act-edit"))
    if row.testable:
        buttons.append(dbc.Button(t("alerts.act.test", lang), id={"type": TEST, "key": key},
                                  size="sm", color="primary", outline=True,
                                  className="list-act al-act-test"))
    if row.editable:
        buttons.append(dbc.Button(t("alerts.act.delete", lang),
                                  id={"type": DELETE, "key": key}, size="sm", color="danger",
                                  outline=True, className="list-act al-act-delete"))
    return html.Div(buttons, className="list-actions")


def _label(column: str, lang: str) -> dict[str, str]:
    """The column's name on the cell, shown above it where the table becomes cards."""
    return {"data-label": t(f"alerts.col.{column}", lang)}


def _row(row: RuleRow, lang: str) -> html.Tr:
    rule = row.rule
    origin = (html.Span(t("alerts.list.from_config", lang), className="al-tag al-tag-config")
              if rule.rule_id is None
              else html.Span(t("alerts.list.by", lang, name=rule.owner), className="list-sub")
              if rule.owner else None)
    filters = _filters(rule, lang)
    switch = dbc.Switch(id={"type": ENABLE, "key": rule.key}, value=rule.enabled,
                        disabled=not row.editable, className="al-switch",
                        label=t("alerts.list.on" if rule.enabled else "alerts.list.off", lang),
                        label_class_name="al-switch-label")
    next_run = (html.Div(t("alerts.list.next", lang,
                           when=local_time(row.next_run, rule.timezone)), className="list-sub")
                if row.next_run and rule.enabled else None)
    recipients = ", ".join(rule.recipients) if rule.recipients else (
        t("alerts.list.all_data", lang) if rule.owner is None
        else t("alerts.list.owner_scope", lang, name=rule.owner))

    def label(column: str) -> dict[str, str]:
        return _label(column, lang)

    return html.Tr([
        html.Td([html.Div(rule.name, className="list-name"), origin], className="al-name-cell"),
        html.Td([html.Div(watched_text(row, lang)),
                 html.Div(filters, className="list-sub") if filters else None,
                 None if rule.is_subscription else
                 html.Div(t(f"alerts.period.{rule.period}", lang), className="list-sub")],
                className="al-watch-cell", **label("watches")),
        html.Td(condition_text(rule, lang), className="al-cond-cell", **label("condition")),
        html.Td([html.Div(schedule_text(rule.schedule, lang)),
                 html.Div([html.Code(rule.schedule, className="al-cron-code"),
                           f" {rule.timezone}"], className="list-sub"),
                 next_run], className="al-schedule-cell", **label("schedule")),
        html.Td([channel_cell(c, lang) for c in rule.channels], className="al-channels-cell",
                **label("channels")),
        html.Td(recipients, className="al-recipients-cell", **label("recipients")),
        html.Td(_states(row, lang), className="al-state-cell", **label("state")),
        html.Td(switch, className="al-switch-cell"),
        html.Td(_actions(row, lang), className="al-actions-cell"),
    ], className="" if rule.enabled else "al-off", **{"data-rule": rule.name})


def rules_table(rows: Sequence[RuleRow], lang: str,
                empty_hint: Callable[[], object] | None = None) -> html.Div:
    if not rows:
        return html.Div(empty_hint() if empty_hint else t("alerts.list.none", lang),
                        className="list-empty al-empty")
    head = [t(f"alerts.col.{c}", lang) for c in
            ("rule", "watches", "condition", "schedule", "channels", "recipients", "state",
             "enabled")]
    return html.Div(html.Table([
        html.Thead(html.Tr([*(html.Th(h) for h in head), html.Th("")])),
        html.Tbody([_row(r, lang) for r in rows]),
    ], className="table table-hover align-middle list-table al-rules"),
        className="list-table-wrap")
