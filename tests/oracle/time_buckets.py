"""Calendar buckets of the time grains and the periods of a query."""

from __future__ import annotations

from datetime import date, timedelta


def _bucket_of(grain: str, day: date) -> tuple[date, date, str]:
    """The calendar bucket of `grain` holding `day`: (first day, last day, label)."""
    if grain == "day":
        return day, day, day.isoformat()
    if grain == "week":
        monday = day - timedelta(days=day.weekday())
        iso = monday.isocalendar()
        return monday, monday + timedelta(days=6), f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return first, nxt - timedelta(days=1), f"{day.year}-{day.month:02d}"
    if grain == "quarter":
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        nxt = date(day.year + 1, 1, 1) if q == 3 else date(day.year, 3 * q + 4, 1)
        return first, nxt - timedelta(days=1), f"{day.year}-Q{q + 1}"
    if grain == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31), str(day.year)
    raise ValueError(f"unknown time grain {grain!r}")


def periods(grain: str | None, start: date, end: date) -> list[tuple[str | None, date, date]]:
    """The periods of a query: one (None, start, end), or each grain bucket clipped to it."""
    if grain is None:
        return [(None, start, end)]
    out: list[tuple[str | None, date, date]] = []
    day = start
    while day <= end:
        first, last, label = _bucket_of(grain, day)
        out.append((label, max(first, start), min(last, end)))
        day = last + timedelta(days=1)
    return out
