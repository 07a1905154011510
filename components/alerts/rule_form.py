"""The create / edit form of an alert rule, and the rule body it builds.

The form shows a rule's config form (the dict `alerts.rules.parse_rule` reads, the same
as a config file's entry) and builds it back from the fields. Secrets never travel to the
browser: an edited rule's robot URL (when it carries a key) and signing secret are shown
masked as placeholders, and an empty field on save keeps the stored value — looked up on
the server by the row's `key` ("s0" = the stored rule's first channel; "n…" = a new row).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from alerts.channels.config import CHANNEL_TYPES, SIGNING_TYPES, ChannelConfig
from alerts.rules import LISTS, PERIODS, STATUSES
from components.kit.options_bar import segmented
from i18n import t
from metrics.registry import METRICS

P = "al"
METRIC_CONDITIONS = ("above", "below", "status", "change_above_pct")
LIST_CONDITIONS = ("not_empty",)
FILTERS = ("region", "channel", "category")
SCHEDULE_PRESETS = {"daily_8": "0 8 * * *", "weekdays_8": "0 8 * * 1-5",
                    "monday_9": "0 9 * * 1", "hourly": "0 * * * *"}
CUSTOM = "custom"
TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
             "Asia/Tokyo", "Asia/Seoul", "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney",
             "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
             "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "UTC")

# pattern-matching ids of a channel row: {"type": CH_…, "key": row key}
CH_TYPE, CH_URL, CH_SECRET, CH_TO = "al-ch-type", "al-ch-url", "al-ch-secret", "al-ch-to"
CH_REMOVE, CH_URL_BOX, CH_SECRET_BOX, CH_TO_BOX = ("al-ch-remove", "al-ch-url-box",
                                                   "al-ch-secret-box", "al-ch-to-box")


@dataclass(frozen=True)
class ChannelRow:
    """One channel as the form shows it: `url` is the value shown (empty when the stored
    one carries a credential, which `url_hint` shows masked)."""

    key: str
    type: str = "email"
    url: str = ""
    url_hint: str = ""
    has_secret: bool = False
    to: str = ""


@dataclass(frozen=True)
class FormValues:
    name: str = ""
    watch: str = "metric"  # "metric" or "list"
    metric: str | None = "revenue"
    list_kind: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)
    period: str = "last_30_days"
    condition: str = "above"
    value: float | None = None
    status: str = "bad"
    schedule: str = SCHEDULE_PRESETS["daily_8"]
    timezone: str = "Asia/Shanghai"
    channels: tuple[ChannelRow, ...] = (ChannelRow("n0"),)
    recipients: tuple[str, ...] = ()
    for_minutes: int = 0
    repeat_minutes: int = 1440
    lang: str = "zh"  # the language of the rule's messages


@dataclass(frozen=True)
class FormChoices:
    """Menus of the form. `restricted`: a scoped editor (a manager), whose rules go to
    her own e-mail only."""

    dims: dict[str, list[str]]
    recipients: list[str]
    timezone: str
    restricted: bool = False
    problem: str | None = None  # why the filter menus are empty (a source that is down)


def new_row_key() -> str:
    return "n" + uuid.uuid4().hex[:8]


def channel_row_of(index: int, raw: dict[str, Any]) -> ChannelRow:
    """A stored channel as a form row; credentials masked."""
    kind = str(raw.get("type") or "email").lower()
    url = str(raw.get("url") or "")
    secret = raw.get("secret")
    safe = ChannelConfig(kind, url or None, secret).safe_url or ""
    to = raw.get("to") or []
    shown_to = ", ".join(to) if isinstance(to, list) else str(to)
    if url and safe == url:  # nothing in it is a credential: show it as it is
        return ChannelRow(f"s{index}", kind, url, "", bool(secret), shown_to)
    return ChannelRow(f"s{index}", kind, "", safe, bool(secret), shown_to)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def values_from_body(body: dict[str, Any], default_timezone: str) -> FormValues:
    """The form's values for a stored rule's body."""
    condition = body.get("condition") if isinstance(body.get("condition"), dict) else {}
    kind, limit = next(iter(condition.items())) if condition else ("above", None)
    where = {d: list(v) if isinstance(v, list) else [v]
             for d, v in (body.get("where") or {}).items()}
    channels = tuple(channel_row_of(i, c) for i, c in enumerate(body.get("channels") or [])
                     if isinstance(c, dict))
    return FormValues(
        name=str(body.get("name") or ""),
        watch="list" if body.get("list") else "metric",
        metric=body.get("metric"), list_kind=body.get("list"), where=where,
        period=body.get("period", "last_30_days"), condition=kind,
        value=_number(limit) if kind not in ("status", "not_empty") else None,
        status=limit if kind == "status" else "bad",
        schedule=body.get("schedule", SCHEDULE_PRESETS["daily_8"]),
        timezone=body.get("timezone", default_timezone),
        channels=channels or (ChannelRow(new_row_key()),),
        recipients=tuple(body.get("recipients") or ()),
        for_minutes=int(body.get("for_minutes", 0) or 0),
        repeat_minutes=int(body.get("repeat_minutes", 1440) or 0),
        lang=body.get("lang", "zh") if body.get("lang") in ("zh", "en") else "zh")


def new_rule_values(choices: FormChoices, own_name: str | None, lang: str) -> FormValues:
    """A new rule's starting point (messages in the page's language): a manager's is
    addressed to herself already."""
    recipients = (own_name,) if choices.restricted and own_name else ()
    return FormValues(timezone=choices.timezone, recipients=recipients,
                      channels=(ChannelRow(new_row_key()),), lang=lang)


# ---- layout --------------------------------------------------------------------------------
def _field(label: str, control: object, html_for: str | None = None,
           hint: object | None = None, class_name: str = "", **attrs: Any) -> html.Div:
    children: list[object] = [html.Label(label, className="filter-label", htmlFor=html_for),
                              control]
    if hint is not None:
        children.append(html.Div(hint, className="al-hint"))
    return html.Div(children, className=f"al-field {class_name}".strip(), **attrs)


def _shown(visible: bool) -> dict[str, str]:
    return {} if visible else {"display": "none"}


def condition_options(watch: str, lang: str) -> list[dict[str, str]]:
    kinds = LIST_CONDITIONS if watch == "list" else METRIC_CONDITIONS
    return [{"label": t(f"alerts.cond.{k}", lang), "value": k} for k in kinds]


def channel_types(restricted: bool) -> tuple[str, ...]:
    return ("email",) if restricted else CHANNEL_TYPES


def channel_row(row: ChannelRow, lang: str, restricted: bool = False) -> html.Div:
    """One channel: its type, then the url / secret / addresses that type takes (the
    others are hidden by a clientside callback as the type changes)."""
    key = row.key
    kind = row.type if row.type in channel_types(restricted) else "email"
    secret_hint = t("alerts.form.secret_kept", lang) if row.has_secret else \
        t("alerts.form.secret_placeholder", lang)
    return html.Div([
        html.Div(dcc.Dropdown(
            id={"type": CH_TYPE, "key": key}, value=kind, clearable=False, searchable=False,
            options=[{"label": t(f"alerts.channel.{c}", lang), "value": c}
                     for c in channel_types(restricted)]), className="al-ch-type"),
        html.Div(dbc.Input(id={"type": CH_URL, "key": key}, value=row.url,
                           type="text", autoComplete="off",
                           placeholder=row.url_hint or t("alerts.form.url_placeholder", lang)),
                 id={"type": CH_URL_BOX, "key": key}, className="al-ch-url",
                 style=_shown(kind != "email")),
        html.Div(dbc.Input(id={"type": CH_SECRET, "key": key}, value="",
                           type="password", autoComplete="new-password",
                           placeholder=secret_hint),
                 id={"type": CH_SECRET_BOX, "key": key}, className="al-ch-secret",
                 style=_shown(kind in SIGNING_TYPES)),
        html.Div(dbc.Input(id={"type": CH_TO, "key": key}, value=row.to,
                           type="text", disabled=restricted,
                           placeholder=t("alerts.form.to_own" if restricted
                                         else "alerts.form.to_placeholder", lang)),
                 id={"type": CH_TO_BOX, "key": key}, className="al-ch-to",
                 style=_shown(kind == "email")),
        dbc.Button("×", id={"type": CH_REMOVE, "key": key}, color="link", size="sm",
                   className="al-ch-remove", title=t("alerts.form.remove_channel", lang)),
    ], className="al-ch-row", **{"data-channel": key})


def _dim_label(dim: str, lang: str) -> str:
    from metrics.dimensions import DIMENSIONS

    return DIMENSIONS[dim].label(lang)


def _option_label(dim: str, value: str, lang: str) -> str:
    from components.filters.filter_bar import option_label

    return option_label(dim, value, lang)


def _preset_of(schedule: str) -> str:
    return next((k for k, v in SCHEDULE_PRESETS.items() if v == schedule.strip()), CUSTOM)


def rule_form(values: FormValues, choices: FormChoices, lang: str) -> list:
    """The form's fields (the modal's left column)."""
    metric_options = sorted(({"label": m.label(lang), "value": m.id} for m in METRICS.values()),
                            key=lambda o: o["label"])
    list_options = [{"label": t(f"alert.list.{k}", lang), "value": k} for k in LISTS]
    filters = [
        _field(_dim_label(d, lang), dcc.Dropdown(
            id=f"{P}-f-{d}", multi=True, value=values.where.get(d, []),
            placeholder=t("alerts.form.any", lang),
            options=[{"label": _option_label(d, v, lang), "value": v}
                     for v in sorted(set(choices.dims.get(d, [])) | set(values.where.get(d, [])))]),
            html_for=f"{P}-f-{d}")
        for d in FILTERS]
    zones = list(dict.fromkeys([choices.timezone, values.timezone, *TIMEZONES]))
    recipients = sorted(set(choices.recipients) | set(values.recipients), key=str.casefold)
    what = html.Fieldset([
        html.Legend(t("alerts.form.what", lang), className="al-legend"),
        _field(t("alerts.form.name", lang),
               dbc.Input(id=f"{P}-name", value=values.name, maxLength=120,
                         placeholder=t("alerts.form.name_placeholder", lang)),
               html_for=f"{P}-name"),
        html.Div([
            _field(t("alerts.form.watch", lang), segmented(f"{P}-watch", [
                {"label": t("alerts.form.watch_metric", lang), "value": "metric"},
                {"label": t("alerts.form.watch_list", lang), "value": "list"}], values.watch)),
            _field(t("alerts.form.metric", lang), dcc.Dropdown(
                id=f"{P}-metric", value=values.metric or "revenue", clearable=False,
                options=metric_options), html_for=f"{P}-metric", class_name="al-grow",
                id=f"{P}-metric-box", style=_shown(values.watch == "metric")),
            _field(t("alerts.form.list", lang), dcc.Dropdown(
                id=f"{P}-list", value=values.list_kind or LISTS[0], clearable=False,
                searchable=False, options=list_options), html_for=f"{P}-list",
                class_name="al-grow", id=f"{P}-list-box",
                style=_shown(values.watch == "list")),
        ], className="al-row"),
        html.Div(filters, className="al-row al-row-3"),
        html.Div(t("board.error", lang, error=choices.problem), className="al-hint al-warn")
        if choices.problem else None,
        _field(t("alerts.form.period", lang), dcc.Dropdown(
            id=f"{P}-period", value=values.period, clearable=False, searchable=False,
            options=[{"label": t(f"alerts.period.{p}", lang), "value": p} for p in PERIODS]),
            html_for=f"{P}-period", class_name="al-narrow"),
    ], className="al-group")
    when = html.Fieldset([
        html.Legend(t("alerts.form.when", lang), className="al-legend"),
        html.Div([
            _field(t("alerts.form.condition", lang), dcc.Dropdown(
                id=f"{P}-cond", value=values.condition, clearable=False, searchable=False,
                options=condition_options(values.watch, lang)), html_for=f"{P}-cond",
                class_name="al-grow"),
            _field(t("alerts.form.value", lang), dbc.Input(
                id=f"{P}-limit", type="number", value=values.value,
                step="any", debounce=True), html_for=f"{P}-limit",
                id=f"{P}-limit-box",
                style=_shown(values.condition not in ("status", "not_empty"))),
            _field(t("alerts.form.status", lang), dcc.Dropdown(
                id=f"{P}-cond-status", value=values.status, clearable=False,
                searchable=False,
                options=[{"label": t(f"alerts.status_at_least.{s}", lang), "value": s}
                         for s in STATUSES]), html_for=f"{P}-cond-status",
                id=f"{P}-cond-status-box", class_name="al-grow",
                style=_shown(values.condition == "status")),
        ], className="al-row"),
        html.Div([
            _field(t("alerts.form.for", lang), dbc.Input(
                id=f"{P}-for", type="number", min=0, max=10080, step=1,
                value=values.for_minutes), html_for=f"{P}-for",
                hint=t("alerts.form.for_hint", lang)),
            _field(t("alerts.form.repeat", lang), dbc.Input(
                id=f"{P}-repeat", type="number", min=0, max=10080, step=1,
                value=values.repeat_minutes), html_for=f"{P}-repeat",
                hint=t("alerts.form.repeat_hint", lang)),
        ], className="al-row al-row-2"),
    ], className="al-group")
    schedule = html.Fieldset([
        html.Legend(t("alerts.form.schedule_title", lang), className="al-legend"),
        html.Div([
            _field(t("alerts.form.preset", lang), dcc.Dropdown(
                id=f"{P}-preset", value=_preset_of(values.schedule), clearable=False,
                searchable=False,
                options=[{"label": t(f"alerts.preset.{k}", lang), "value": k}
                         for k in [*SCHEDULE_PRESETS, CUSTOM]]), html_for=f"{P}-preset",
                class_name="al-grow"),
            _field(t("alerts.form.cron", lang), dbc.Input(
                id=f"{P}-cron", value=values.schedule, debounce=True,
                className="al-mono"), html_for=f"{P}-cron", class_name="al-cron"),
            _field(t("alerts.form.timezone", lang), dcc.Dropdown(
                id=f"{P}-tz", value=values.timezone, clearable=False,
                options=[{"label": z, "value": z} for z in zones]), html_for=f"{P}-tz",
                class_name="al-grow"),
        ], className="al-row"),
        html.Div(id=f"{P}-next", className="al-hint al-next"),
    ], className="al-group")
    send = html.Fieldset([
        html.Legend(t("alerts.form.send_title", lang), className="al-legend"),
        html.Div([html.Span(t("alerts.form.channel_type", lang), className="filter-label"),
                  html.Span(t("alerts.form.channel_target", lang), className="filter-label")],
                 className="al-ch-head"),
        html.Div([channel_row(r, lang, choices.restricted) for r in values.channels],
                 id=f"{P}-channels", className="al-ch-list"),
        dbc.Button(t("alerts.form.add_channel", lang), id=f"{P}-add-channel", size="sm",
                   color="secondary", outline=True, className="al-add-channel"),
        html.Div(t("alerts.form.channel_hint_own" if choices.restricted
                   else "alerts.form.channel_hint", lang), className="al-hint"),
        _field(t("alerts.form.recipients", lang), dcc.Dropdown(
            id=f"{P}-recipients", multi=True, value=list(values.recipients),
            disabled=choices.restricted, placeholder=t("alerts.form.recipients_none", lang),
            options=[{"label": r, "value": r} for r in recipients]),
            html_for=f"{P}-recipients",
            hint=t("alerts.form.recipients_own" if choices.restricted
                   else "alerts.form.recipients_hint", lang), class_name="al-recipients"),
        _field(t("alerts.form.lang", lang), segmented(f"{P}-msg-lang", [
            {"label": "中文", "value": "zh"}, {"label": "English", "value": "en"}],
            values.lang), class_name="al-msg-lang"),
    ], className="al-group")
    return [what, when, schedule, send]


# ---- reading the form back ------------------------------------------------------------------
def _whole(value: Any) -> Any:
    """A whole number typed into a number field as an int (parse_rule refuses the rest)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def condition_of(watch: str, kind: str | None, value: Any, status: str | None) -> dict:
    if watch == "list":
        return {"not_empty": True}
    kind = kind if kind in METRIC_CONDITIONS else "above"
    if kind == "status":
        return {"status": status}
    return {kind: _whole(value)}


def channel_of(kind: str | None, url: str | None, secret: str | None, to: str | None,
               stored: dict[str, Any] | None) -> dict[str, Any]:
    """One channel's config form; empty url / secret keep the stored row's (same type)."""
    kind = (kind or "").strip().lower()
    same = stored is not None and str(stored.get("type", "")).lower() == kind
    out: dict[str, Any] = {"type": kind}
    url = (url or "").strip() or (stored.get("url") if same and stored else None)
    secret = (secret or "").strip() or (stored.get("secret") if same and stored else None)
    if kind == "email":
        addresses = [a.strip() for a in re.split(r"[,;]", to or "") if a.strip()]
        if addresses:
            out["to"] = addresses
        return out
    if url:
        out["url"] = url
    if secret and kind in SIGNING_TYPES:
        out["secret"] = secret
    for extra in ("format", "rate_limit"):
        if same and stored and extra in stored:
            out[extra] = stored[extra]
    return out


def stored_channel(key: str, stored: list[dict[str, Any]]) -> dict[str, Any] | None:
    if key.startswith("s") and key[1:].isdigit() and int(key[1:]) < len(stored):
        found = stored[int(key[1:])]
        return found if isinstance(found, dict) else None
    return None


def build_body(*, name: str | None, watch: str, metric: str | None, list_kind: str | None,
               where: dict[str, list[str] | None], period: str | None, condition: dict,
               channels: list[dict[str, Any]], recipients: list[str] | None,
               schedule: str | None, timezone: str | None, for_minutes: Any,
               repeat_minutes: Any, enabled: bool = True, lang: str = "zh") -> dict[str, Any]:
    """The rule's config form (what parse_rule and save_rule take)."""
    body: dict[str, Any] = {"name": (name or "").strip()}
    if watch == "list":
        body["list"] = list_kind
    else:
        body["metric"] = metric
    chosen = {d: list(v) for d, v in where.items() if v}
    if chosen:
        body["where"] = chosen
    body.update(period=period, condition=condition, channels=channels)
    if recipients:
        body["recipients"] = list(recipients)
    body.update(schedule=(schedule or "").strip(), timezone=timezone,
                for_minutes=_whole(for_minutes if for_minutes not in (None, "") else 0),
                repeat_minutes=_whole(repeat_minutes if repeat_minutes not in (None, "")
                                      else 1440),
                enabled=enabled, lang=lang if lang in ("zh", "en") else "zh")
    return body


# ---- which field an error names -------------------------------------------------------------
_CHANNEL = re.compile(r"^\s*channels\[(\d+)\](?:\.(\w+))?")


@dataclass(frozen=True)
class FieldError:
    """A ConfigError's field: `field` one of name, watch, where.<dim>, period, condition,
    for_minutes, repeat_minutes, schedule, timezone, recipients, channels, channel;
    `channel` the row index and `part` (type, url, secret, to) for a channel's field."""

    field: str
    detail: str
    channel: int | None = None
    part: str | None = None


def field_error(message: str, rule_name: str) -> FieldError:
    """Which field a parse_rule message ("rule 'X'.period: one of …", "rule 'X'
    channels[0].url: …", "alerts[0].name: …") is about, and what it says."""
    prefix = f"rule {rule_name.strip()!r}"
    rest = message[len(prefix):] if message.startswith(prefix) else message
    if rest.startswith("alerts["):
        rest = rest[rest.index("]") + 1:]
    path, sep, detail = rest.partition(": ")
    if not sep:
        return FieldError("rule", message)
    found = _CHANNEL.match(path)
    if found:
        return FieldError("channel", detail, int(found.group(1)), found.group(2) or "type")
    head = path.strip().lstrip(".").split(".")
    name = head[0] if head and head[0] else "rule"
    if name == "where" and len(head) > 1:
        return FieldError(f"where.{head[1]}", detail)
    if name == "list":
        name = "watch"
    if name == "metric":
        name = "watch"
    return FieldError(name, detail)


def field_label(error: FieldError, lang: str) -> str:
    if error.field == "channel" and error.channel is not None:
        return t("alerts.field.channel", lang, n=error.channel + 1,
                 part=t(f"alerts.field.part.{error.part}", lang)
                 if f"alerts.field.part.{error.part}" in _known() else error.part)
    if error.field.startswith("where."):
        dim = error.field.split(".", 1)[1]
        from metrics.dimensions import DIMENSIONS

        return DIMENSIONS[dim].label(lang) if dim in DIMENSIONS else dim
    key = f"alerts.field.{error.field}"
    return t(key, lang) if key in _known() else error.field


def _known() -> dict:
    from i18n.strings import STRINGS

    return STRINGS
