"""Saving the Alerts page's form (pages/alerts.py `save`): the fields become the rule's
config form, which is checked in the order a person can fix it — is the rule still hers,
may she address whom she chose, does parse_rule accept it, do the recipients have
accounts, is the name free — and only then stored, owned by the editor.

A refusal names the field (its `flags` mark the inputs to outline), so the dialog stays
open on what to change; nothing is stored until every check passed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from alerts.channels.config import ConfigError
from alerts.rules import parse_rule
from app_state import alerts as store
from components.alerts.field_errors import FieldError, field_error, field_label
from components.alerts.page_rules import STORE_ERRORS, config_names, has_account, zone
from components.alerts.rule_access import Editor, address_problem, unknown_recipients
from components.alerts.rule_body import build_body, channel_of, condition_of, stored_channel
from i18n import t

log = logging.getLogger("stocklens.pages")


@dataclass(frozen=True)
class RuleFields:
    """The form's fields as the save callback receives them (channel rows as lists)."""

    name: str | None
    watch: str
    metric: str | None
    list_kind: str | None
    where: dict[str, Any]
    period: str | None
    kind: str | None
    value: Any
    status: str | None
    cron: str | None
    zone: str | None
    for_minutes: Any
    repeat_minutes: Any
    recipients: list[str] | None
    message_lang: str | None
    types: list[Any]
    urls: list[Any]
    secrets: list[Any]
    tos: list[Any]
    ids: list[Any]


@dataclass(frozen=True)
class Refused:
    """Why the rule was not stored; `flags` are the invalid flags of the fields (None:
    none outlined)."""

    text: str
    flags: list | None = None


def no_flags(rows: int) -> list:
    """The invalid flags with nothing outlined: five single fields, three per-row lists."""
    return [False] * 5 + [[False] * rows] * 3


def save_rule(editor: Editor, fields: RuleFields, editing: Any, lang: str) -> str | Refused:
    """Store the rule the form describes (a new one, or the stored rule `editing`): its
    name when stored, else why not."""
    rows = len(fields.ids)
    stored = None
    if editing is not None:
        stored = store.get_rule(int(editing))
        if stored is None:
            return Refused(t("alerts.gone", lang))
        if not (editor.all_data or editor.is_me(stored.owner)):
            return Refused(t("alerts.refuse.not_yours", lang))
        if stored.body.get("board") is not None or stored.body.get("view") is not None:
            return Refused(t("alerts.refuse.subscription", lang))
    body = _body(fields, stored)
    refusal = address_problem(editor, body)
    if refusal is not None:
        log.warning("alert rule refused for %s: %s", editor.name, refusal.key)
        return Refused(t(refusal.key, lang, **refusal.values))
    try:
        parse_rule(body, default_timezone=zone(), owner=editor.name,
                   rule_id=stored.id if stored else None)
    except ConfigError as exc:
        error = field_error(str(exc), body["name"])
        return Refused(t("alerts.not_saved", lang, field=field_label(error, lang),
                         problem=error.detail), _flags(error, rows))
    refusal = unknown_recipients(body, has_account)
    if refusal is not None:
        return Refused(t(refusal.key, lang, **refusal.values))
    if body["name"].casefold() in config_names():
        return Refused(t("alerts.name_in_config", lang, name=body["name"]),
                       _flags(field_error(": ", ""), rows, name=True))
    try:
        store.save_rule(body, owner=editor.name, rule_id=stored.id if stored else None)
    except store.RuleNameTaken:
        return Refused(t("alerts.name_taken", lang, name=body["name"]),
                       _flags(field_error(": ", ""), rows, name=True))
    except STORE_ERRORS as exc:
        return Refused(t("alerts.store_error", lang, error=str(exc)))
    return body["name"]


def _body(fields: RuleFields, stored: store.StoredRule | None) -> dict[str, Any]:
    """The config form of the fields; a stored rule's credentials left empty on the form,
    its on/off switch and its source (not on the form) are kept."""
    kept = list(stored.body.get("channels") or []) if stored else []
    rows_in = zip(fields.types, fields.urls, fields.secrets, fields.tos, fields.ids,
                  strict=False)
    built = [channel_of(ty, url, sec, to, stored_channel(_row_key(i), kept))
             for ty, url, sec, to, i in rows_in]
    body = build_body(
        name=fields.name, watch=fields.watch, metric=fields.metric,
        list_kind=fields.list_kind, where=fields.where, period=fields.period,
        condition=condition_of(fields.watch, fields.kind, fields.value, fields.status),
        channels=built, recipients=fields.recipients, schedule=fields.cron,
        timezone=fields.zone, for_minutes=fields.for_minutes,
        repeat_minutes=fields.repeat_minutes, lang=fields.message_lang,
        enabled=bool(stored.body.get("enabled", True)) if stored else True)
    if stored is not None and "source" in stored.body:
        body["source"] = stored.body["source"]
    return body


def _row_key(ident: object) -> str:
    return str(ident.get("key", "")) if isinstance(ident, dict) else ""


def _flags(error: FieldError, rows: int, name: bool = False) -> list:
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
