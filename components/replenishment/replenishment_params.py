"""The replenishment page's own URL parameters, read forgivingly (an old or hand-edited
link with a bad value opens the page with the default):

    service   cycle service level in percent, one of 90, 95, 97.5, 99   (default 95)
    cover     days of cover, one of 14, 28, 42, 56                      (default 28)
    safety    what safety stock is based on: error (the forecast's own error over the
              lead time) or demand (the spread of daily demand)        (default error)
    supplier  suppliers to show, separated by "|" (names contain commas)
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.replenishment import (
    COVER_CHOICES,
    DEFAULT_COVER_DAYS,
    DEFAULT_SAFETY_BASIS,
    DEFAULT_SERVICE_LEVEL,
    SAFETY_BASES,
    SERVICE_LEVELS,
    Policy,
)

SUPPLIER_SEPARATOR = "|"


def percent_text(level: float) -> str:
    """0.975 → "97.5", 0.95 → "95"."""
    return f"{level * 100:g}"


def service_of(params: Mapping[str, object]) -> float:
    text = str(params.get("service") or "")
    for level in SERVICE_LEVELS:
        if text == percent_text(level):
            return level
    return DEFAULT_SERVICE_LEVEL


def cover_of(params: Mapping[str, object]) -> int:
    text = str(params.get("cover") or "")
    return int(text) if text.isdigit() and int(text) in COVER_CHOICES else DEFAULT_COVER_DAYS


def safety_of(params: Mapping[str, object]) -> str:
    text = str(params.get("safety") or "")
    return text if text in SAFETY_BASES else DEFAULT_SAFETY_BASIS


def suppliers_of(params: Mapping[str, object]) -> list[str]:
    value = params.get("supplier")
    items = value if isinstance(value, list) else str(value or "").split(SUPPLIER_SEPARATOR)
    return sorted({s.strip() for s in items if isinstance(s, str) and s.strip()})


def policy_of(params: Mapping[str, object]) -> Policy:
    return Policy(service_of(params), cover_of(params), safety_of(params))


def page_params(service: float, cover: int, suppliers: list[str],
                safety: str = DEFAULT_SAFETY_BASIS) -> dict[str, str | None]:
    """The parameters to keep in the URL: only those that differ from the defaults."""
    return {"service": None if service == DEFAULT_SERVICE_LEVEL else percent_text(service),
            "cover": None if cover == DEFAULT_COVER_DAYS else str(cover),
            "safety": None if safety == DEFAULT_SAFETY_BASIS else safety,
            "supplier": SUPPLIER_SEPARATOR.join(suppliers) or None}
