"""The message an alert rule sends: what was watched, its value for the recipient's
scope and period, the condition, the threshold status as a word (not only a colour), and
for a list rule its first rows."""

from __future__ import annotations

import pandas as pd

from alerts.evaluate import Reading
from alerts.message import Message
from alerts.rules import AlertRule
from components.kit.formatting import format_value
from i18n import t
from metrics.registry import METRICS

SHOWN_ROWS = 10


def watched_label(rule: AlertRule, lang: str) -> str:
    """What a rule watches, by name: the metric's label or the list's."""
    if rule.metric is not None:
        return METRICS[rule.metric].label(lang)
    return t(f"alert.list.{rule.list_kind}", lang)


def _value_text(rule: AlertRule, value: float | None, lang: str) -> str:
    if rule.metric is not None:
        return format_value(rule.metric, value, lang)
    return f"{int(value or 0):,}"


def _condition_text(rule: AlertRule, lang: str) -> str:
    limit = rule.condition.value
    if rule.condition.kind == "status":
        limit = t(f"alert.status.{limit}", lang)
    elif rule.metric is not None and rule.condition.kind in ("above", "below"):
        limit = format_value(rule.metric, float(limit), lang)
    elif isinstance(limit, float):
        limit = f"{limit:g}"
    return t(f"alert.cond.{rule.condition.kind}", lang, value=limit)


def _row_lines(rows: pd.DataFrame) -> list[str]:
    lines = []
    for _, row in rows.head(SHOWN_ROWS).iterrows():
        sku = row.get("sku_name") or row.get("sku")
        site = row.get("location_name") or row.get("location")
        lines.append(f"- {sku} @ {site}")
    return lines


def alert_message(rule: AlertRule, reading: Reading, kind: str, lang: str,
                  recipient: str | None) -> Message:
    """kind: "firing", "resolved" or "test"."""
    value = _value_text(rule, reading.value, lang)
    subject = t(f"alert.subject.{kind}", lang, rule=rule.name, value=value)
    lines = [t("alert.line.value", lang, label=watched_label(rule, lang), value=value,
               start=reading.start.isoformat(), end=reading.end.isoformat()),
             t("alert.line.condition", lang, condition=_condition_text(rule, lang))]
    if reading.status is not None:
        lines.append(t("alert.line.status", lang, status=t(f"alert.status.{reading.status}",
                                                              lang)))
    if reading.previous is not None and rule.metric is not None:
        change = "—"
        if reading.value is not None and reading.previous:
            change = f"{(reading.value - reading.previous) / abs(reading.previous):+.1%}"
        lines.append(t("alert.line.previous", lang,
                       value=format_value(rule.metric, reading.previous, lang), change=change))
    if rule.where:
        lines.append(t("alert.line.scope", lang, where="; ".join(
            f"{d}={','.join(v)}" for d, v in sorted(rule.where.items()))))
    if recipient:
        lines.append(t("alert.line.for", lang, name=recipient))
    if kind == "resolved":
        lines.append(t("alert.line.resolved", lang))
    rows = reading.rows
    if rows is not None and len(rows) and kind != "resolved":
        lines.append(t("alert.line.rows", lang, n=len(rows), shown=min(len(rows), SHOWN_ROWS)))
        lines.extend(_row_lines(rows))
    text = "\n".join(lines)
    markdown = f"**{subject}**\n\n" + "\n".join(
        line if line.startswith("- ") else f"> {line}" for line in lines)
    data = {"rule": rule.name, "kind": kind, "watched": rule.watched, "value": reading.value,
            "previous": reading.previous, "status": reading.status,
            "start": reading.start.isoformat(), "end": reading.end.isoformat(),
            "recipient": recipient, "where": rule.where}
    return Message(subject=subject, text=text, markdown=markdown, data=data)
