"""Splitting a query period into the sub-periods the compiler aggregates over.

Without a time grain a query has one period [start, end]. With a grain (month, week, …)
each bucket is its own period, clipped to [start, end], with its own length in days and
its own as-of date (the bucket's end, or the query's as-of if earlier), so "turnover by
month" means each month's turnover by the same formula as the whole period's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    index: int
    label: str | None  # the time-grain value shown to users, e.g. "2025-03"; None without grain
    start: date
    end: date
    as_of: date
    dead_from: date  # first day of the "no sale in N days" window ending at as_of

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def bucket_start(day: date, grain: str) -> date:
    """The first day of the bucket of `grain` that contains `day` (weeks start on Monday)."""
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown time grain {grain!r}")


def next_bucket(first: date, grain: str) -> date:
    """The first day of the bucket after the one starting at `first`."""
    if grain == "day":
        return first + timedelta(days=1)
    if grain == "week":
        return first + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    month_index = first.year * 12 + first.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def bucket_label(first: date, grain: str) -> str:
    """Sortable labels: 2025-03-04, 2025-W10 (ISO week), 2025-03, 2025-Q1, 2025."""
    if grain == "day":
        return first.isoformat()
    if grain == "week":
        iso = first.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if grain == "month":
        return f"{first:%Y-%m}"
    if grain == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return str(first.year)


def split_periods(
    start: date, end: date, as_of: date | None, grain: str | None, dead_stock_days: int
) -> list[Period]:
    """The periods a query aggregates over, in time order."""
    final_as_of = as_of or end
    if grain is None:
        return [Period(0, None, start, end, final_as_of,
                       final_as_of - timedelta(days=dead_stock_days - 1))]
    periods: list[Period] = []
    first = bucket_start(start, grain)
    while first <= end:
        nxt = next_bucket(first, grain)
        p_start, p_end = max(first, start), min(nxt - timedelta(days=1), end)
        p_as_of = min(p_end, final_as_of)
        periods.append(
            Period(len(periods), bucket_label(first, grain), p_start, p_end, p_as_of,
                   p_as_of - timedelta(days=dead_stock_days - 1))
        )
        first = nxt
    return periods


def months_back(day: date, months: int) -> date:
    """The first day of the month `months` months before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length that ends the day before `start` (for KPI comparisons)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def bucket_count(start: date, end: date, grain: str, stop_after: int) -> int:
    """How many buckets of `grain` [start, end] touches, counting no further than
    `stop_after` (a 300-year daily request is refused without walking 110,000 days)."""
    if grain == "day":
        return min((end - start).days + 1, stop_after)
    if grain == "week":
        weeks = (bucket_start(end, grain) - bucket_start(start, grain)).days // 7 + 1
        return min(weeks, stop_after)
    count, first = 0, bucket_start(start, grain)
    while first <= end and count < stop_after:
        count, first = count + 1, next_bucket(first, grain)
    return count
