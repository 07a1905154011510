"""The filter state of a board: what the URL holds, what the filter bar shows, and the
period and filters a MetricQuery is built from.

Reading a URL is forgiving (an unknown preset or a broken date falls back to the
default, so an old bookmark still opens); what it produces is always a valid state.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

PRESETS = ("last30", "last90", "qtd", "ytd", "custom")
DEFAULT_PRESET = "last90"
FILTER_DIMENSIONS = ("region", "channel", "category")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _parse_date(text: object) -> date | None:
    """YYYY-MM-DD, also when a date picker sends a timestamp ("2026-08-03T00:00:00").
    Only that form (not the other ISO forms Python 3.11 reads, such as 20260803): the
    browser's copy of this parsing (assets/filter_sync.js) must read the same dates."""
    head = str(text)[:10]
    if not ISO_DAY.fullmatch(head):
        return None
    try:
        return date.fromisoformat(head)
    except ValueError:
        return None


def _parse_list(value: object) -> tuple[str, ...]:
    """Text values only: anything else a crafted URL or state carries is dropped."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else (
        value.split(",") if isinstance(value, str) else [])
    return tuple(sorted({v.strip() for v in items if isinstance(v, str) and v.strip()}))


@dataclass(frozen=True)
class BoardFilters:
    preset: str = DEFAULT_PRESET
    start: date | None = None  # only for the custom preset
    end: date | None = None
    region: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    category: tuple[str, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> BoardFilters:
        """From URL query parameters (or a filter-bar state dict of the same keys)."""
        preset = params.get("preset")
        preset = preset if isinstance(preset, str) and preset else DEFAULT_PRESET
        start, end = _parse_date(params.get("start")), _parse_date(params.get("end"))
        if preset not in PRESETS:
            preset = DEFAULT_PRESET
        if preset == "custom" and (start is None or end is None):
            preset = DEFAULT_PRESET
        if preset == "custom" and start > end:  # type: ignore[operator]
            start, end = end, start
        if preset != "custom":
            start = end = None
        return cls(preset, start, end,
                   *(_parse_list(params.get(d)) for d in FILTER_DIMENSIONS))

    def period(self, last_day: date) -> tuple[date, date]:
        """[start, end] of the preset, anchored at the last day of the data."""
        if self.preset == "custom" and self.start and self.end:
            return self.start, self.end
        if self.preset == "last30":
            return last_day - timedelta(days=29), last_day
        if self.preset == "qtd":
            return date(last_day.year, 3 * ((last_day.month - 1) // 3) + 1, 1), last_day
        if self.preset == "ytd":
            return date(last_day.year, 1, 1), last_day
        return last_day - timedelta(days=89), last_day

    def where(self) -> dict[str, list[str]]:
        return {d: list(getattr(self, d)) for d in FILTER_DIMENSIONS if getattr(self, d)}

    def with_custom_period(self, start: date, end: date) -> BoardFilters:
        return replace(self, preset="custom", start=min(start, end), end=max(start, end))

    def to_params(self) -> dict[str, str]:
        """Only what differs from the defaults, so shared URLs stay short."""
        params: dict[str, str] = {}
        if self.preset != DEFAULT_PRESET:
            params["preset"] = self.preset
        if self.preset == "custom" and self.start and self.end:
            params["start"], params["end"] = self.start.isoformat(), self.end.isoformat()
        for d in FILTER_DIMENSIONS:
            if getattr(self, d):
                params[d] = ",".join(getattr(self, d))
        return params

    def to_store(self) -> dict[str, object]:
        """JSON form kept in a dcc.Store between callbacks."""
        return {"preset": self.preset,
                "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None,
                **{d: list(getattr(self, d)) for d in FILTER_DIMENSIONS}}
