"""Which field of the alert rule form a parse_rule refusal is about, and its name in the
page's language, so the form can outline that field and say what is wrong with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from i18n import t

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
