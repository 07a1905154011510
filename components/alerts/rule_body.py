"""Reading the alert rule form back: its fields become the rule's config form (what
parse_rule and app_state.alerts.save_rule take). A credential left empty on an edited
rule keeps the stored one, found by the row's key — it never went to the browser.
"""

from __future__ import annotations

import re
from typing import Any

from alerts.channels.config import SIGNING_TYPES
from components.alerts.rule_values import METRIC_CONDITIONS


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
