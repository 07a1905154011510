"""The execution log on the Alerts page: every evaluation and every send, newest first —
time (in the server's zone), rule, recipient, state, value as sent, channel (masked) and
its result."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from dash import html

from app_state.alerts import LogEntry
from i18n import t

STATE_CLASS = {"ok": "al-state-ok", "pending": "al-state-pending",
               "firing": "al-state-firing", "test": "al-state-test", "sent": "al-state-ok",
               "skipped": "al-state-unknown", "error": "al-state-firing"}


def _result(entry: LogEntry, lang: str) -> html.Span:
    if entry.ok is None:
        return html.Span(t("alerts.log.evaluated", lang), className="al-result al-result-none")
    if entry.ok:
        return html.Span(t("alerts.log.sent", lang), className="al-result al-result-ok")
    return html.Span(t("alerts.log.failed", lang), className="al-result al-result-bad")


def _state(entry: LogEntry, lang: str) -> html.Span:
    key = f"alerts.state.{entry.state}"
    from i18n.strings import STRINGS

    word = t(key, lang) if key in STRINGS else entry.state
    return html.Span(word, className=f"al-state {STATE_CLASS.get(entry.state, '')}")


def log_table(entries: Sequence[LogEntry], zone: str, lang: str) -> html.Div:
    if not entries:
        return html.Div(t("alerts.log.none", lang), className="list-empty al-empty")
    tz = ZoneInfo(zone)
    rows = [html.Tr([
        html.Td(f"{e.ts.astimezone(tz):%Y-%m-%d %H:%M:%S}", className="list-when"),
        html.Td(e.rule, className="list-name"),
        html.Td(e.recipient or "—"),
        html.Td(_state(e, lang)),
        html.Td(e.value or "—", className="list-count"),
        html.Td(e.channel or "—", className="al-log-channel"),
        html.Td(_result(e, lang)),
        html.Td(e.detail, className="al-log-detail"),
    ], className="al-log-line", **{"data-rule": e.rule}) for e in entries]
    head = [t("alerts.log.col.time", lang, zone=zone), t("alerts.log.col.rule", lang),
            t("alerts.log.col.recipient", lang), t("alerts.log.col.state", lang),
            t("alerts.log.col.value", lang), t("alerts.log.col.channel", lang),
            t("alerts.log.col.result", lang), t("alerts.log.col.detail", lang)]
    return html.Div(html.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody(rows),
    ], className="table table-sm table-hover align-middle list-table al-log"),
        className="list-table-wrap al-log-wrap")
