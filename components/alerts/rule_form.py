"""The create / edit form of an alert rule (the Alerts page dialog's left column): what
to watch, when it fires, when it runs and where it sends, drawn from FormValues
(components/alerts/rule_values.py). The fields a type or condition does not use are
hidden by the clientside callbacks of components/alerts/form_scripts.py.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from alerts.channels.config import CHANNEL_TYPES, SIGNING_TYPES
from alerts.rules import LISTS, PERIODS, STATUSES
from components.alerts.rule_values import (
    CUSTOM,
    METRIC_CONDITIONS,
    SCHEDULE_PRESETS,
    ChannelRow,
    FormChoices,
    FormValues,
)
from components.kit.options_bar import segmented
from i18n import t
from metrics.registry import METRICS

P = "al"
LIST_CONDITIONS = ("not_empty",)
FILTERS = ("region", "channel", "category")
TIMEZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
             "Asia/Tokyo", "Asia/Seoul", "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney",
             "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
             "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "UTC")

# pattern-matching ids of a channel row: {"type": CH_…, "key": row key}
CH_TYPE, CH_URL, CH_SECRET, CH_TO = "al-ch-type", "al-ch-url", "al-ch-secret", "al-ch-to"
CH_REMOVE, CH_URL_BOX, CH_SECRET_BOX, CH_TO_BOX = ("al-ch-remove", "al-ch-url-box",
                                                   "al-ch-secret-box", "al-ch-to-box")


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
        t("alerts.form.secret_prompt", lang)
    return html.Div([
        html.Div(dcc.Dropdown(
            id={"type": CH_TYPE, "key": key}, value=kind, clearable=False, searchable=False,
            options=[{"label": t(f"alerts.channel.{c}", lang), "value": c}
                     for c in channel_types(restricted)]), className="al-ch-type"),
        html.Div(dbc.Input(id={"type": CH_URL, "key": key}, value=row.url,
                           type="text", autoComplete="off",
                           placeholder=row.url_hint or t("alerts.form.url_prompt", lang)),
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
                                         else "alerts.form.to_prompt", lang)),
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
               dbc.Input(id=f"{P}-name", value=values.name, maxLength=120),
               html_for=f"{P}-name", hint=t("alerts.form.name_example", lang)),
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
