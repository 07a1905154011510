"""The preview beside the rule form: the rule's current value as the signed-in person sees
it (alerts.evaluate.read with her principal), its threshold status as a word, and whether
the rule would fire now. A pure render of a Reading."""

from __future__ import annotations

from datetime import date

import pandas as pd
from dash import html

from alerts.alert_message import watched_label
from alerts.evaluate import LIST_LIMIT, Reading
from alerts.rules import AlertRule
from components.kit.formatting import format_value
from i18n import t

SHOWN_ROWS = 5
STATUS_CLASS = {"good": "badge-good", "warn": "badge-warn", "bad": "badge-bad"}


def _dates(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def value_text(rule: AlertRule, value: float | None, lang: str) -> str:
    if rule.metric is not None:
        return format_value(rule.metric, value, lang)
    if int(value or 0) > LIST_LIMIT:  # the lists read one row more than they keep: "20+"
        return t("alerts.preview.rows", lang, n=f"{LIST_LIMIT}+")
    return t("alerts.preview.rows", lang, n=f"{int(value or 0):,}")


def status_word(level: str | None, lang: str) -> html.Span:
    if level is None:
        return html.Span(t("alerts.preview.no_target", lang),
                         className="kpi-badge badge-none-visible", id="al-preview-status")
    return html.Span(t(f"alert.status.{level}", lang), id="al-preview-status",
                     className=f"kpi-badge {STATUS_CLASS.get(level, 'badge-none-visible')}")


def _row_lines(rows: pd.DataFrame) -> list[html.Li]:
    lines = []
    for _, row in rows.head(SHOWN_ROWS).iterrows():
        sku = row.get("sku_name") or row.get("sku")
        site = row.get("location_name") or row.get("location")
        lines.append(html.Li(f"{sku} @ {site}"))
    return lines


def _fires(reading: Reading, decided: bool, lang: str) -> html.Span:
    if not decided:
        return html.Span(t("alerts.preview.undecided", lang), id="al-preview-fires",
                         className="al-fires al-fires-unknown")
    return html.Span(t("alerts.preview.yes" if reading.holds else "alerts.preview.no", lang),
                     id="al-preview-fires",
                     className=f"al-fires {'al-fires-yes' if reading.holds else 'al-fires-no'}")


def preview(rule: AlertRule, reading: Reading, lang: str, decided: bool = True) -> list:
    """The value, the period, the status word, "would fire now" and (for a change rule) the
    previous period; for a list rule its first rows. `decided` False: the condition has
    no value yet, so whether it fires is not known."""
    fires = _fires(reading, decided, lang)
    head = html.Div([html.Span(watched_label(rule, lang), className="kpi-title"),
                     status_word(reading.status, lang) if rule.metric is not None else None],
                    className="kpi-head")
    body: list[object] = [
        head,
        html.Div(value_text(rule, reading.value, lang), className="kpi-value al-preview-value",
                 id="al-preview-value"),
        html.Div(t("alerts.preview.period", lang, period=t(f"alerts.period.{rule.period}", lang),
                   dates=_dates(reading.start, reading.end)), className="al-hint"),
    ]
    if rule.condition.kind == "change_above_pct" and rule.metric is not None:
        change = "—"
        if reading.value is not None and reading.previous:
            change = f"{(reading.value - reading.previous) / abs(reading.previous):+.1%}"
        body.append(html.Div(t("alerts.preview.previous", lang,
                               value=format_value(rule.metric, reading.previous, lang),
                               change=change), className="al-hint"))
    body.append(html.Div([html.Span(t("alerts.preview.fires", lang), className="al-fires-label"),
                          fires], className="al-fires-line"))
    if reading.rows is not None and len(reading.rows):
        body.append(html.Ul(_row_lines(reading.rows), className="al-preview-rows"))
    body.append(html.Div(t("alerts.preview.scope_recipients" if rule.recipients
                           else "alerts.preview.scope", lang), className="al-hint al-scope"))
    return body


def preview_message(text: str, tone: str = "muted") -> html.Div:
    """Instead of a value: what is missing, or why the value cannot be read."""
    return html.Div(text, className=f"al-preview-message al-preview-{tone}",
                    id="al-preview-message")
