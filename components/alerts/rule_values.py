"""What the alert rule form shows, as plain data: the values of a new rule or of a stored
one (read from its config form, the dict `alerts.rules.parse_rule` reads), the menus it
offers, and the channel rows.

Secrets never travel to the browser: a stored rule's robot URL (when it carries a key) is
shown masked as the field's hint and its signing secret only as "saved"; the row's `key`
("s0" = the stored rule's first channel; "n…" = a new row) lets the server find the
stored value again when the field is left empty (components/alerts/rule_body.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from alerts.channels.config import ChannelConfig

METRIC_CONDITIONS = ("above", "below", "status", "change_above_pct")
SCHEDULE_PRESETS = {"daily_8": "0 8 * * *", "weekdays_8": "0 8 * * 1-5",
                    "monday_9": "0 9 * * 1", "hourly": "0 * * * *"}
CUSTOM = "custom"


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
