"""MetricQuery: the one value the CLI, pages, cache and tests use to ask for numbers.

It is immutable and validated on construction, so anything holding a MetricQuery holds a
question the metrics layer can answer; `to_dict`/`from_dict` give the JSON form used in
URLs, the API and cache keys.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from metrics.dimensions import DIMENSIONS, FILTERABLE, TIME_GRAINS
from metrics.errors import QueryError
from metrics.periods import bucket_count
from metrics.registry import METRICS

Filters = tuple[tuple[str, tuple[str, ...]], ...]

ABC_MEASURES = ("cogs", "revenue", "units_sold", "gross_margin")
MAX_GROUP_DIMENSIONS = 4
MAX_LIMIT = 100_000
# A time grain splits the period into buckets, each compiled into the statement and
# range-joined to the facts: 1000 ≈ 2.7 years by day. Age bounds are day counts in SQL.
MAX_TIME_BUCKETS = 1000
MAX_AGE_BOUND = 100_000
HAVING_OPS = (">", ">=", "<", "<=", "=", "!=")
Sort = tuple[tuple[str, bool], ...]  # (column, descending)
Having = tuple[tuple[str, str, float], ...]  # (metric, operator, value)


@dataclass(frozen=True)
class QueryOptions:
    """Knobs of metric definitions that DESIGN.md calls configurable."""

    dead_stock_days: int = 90
    age_bounds: tuple[int, ...] = (30, 60, 90, 180, 365)
    abc_measure: str = "cogs"
    abc_cuts: tuple[float, float] = (0.8, 0.95)

    def __post_init__(self) -> None:
        if not 1 <= self.dead_stock_days <= 3650:
            raise QueryError("dead_stock_days must be between 1 and 3650", "dead_stock_days")
        bounds = self.age_bounds
        if not bounds or any(b < 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
            raise QueryError("age_bounds must be increasing, distinct, non-negative day counts",
                             "age_bounds")
        if bounds[-1] > MAX_AGE_BOUND:
            raise QueryError(f"age_bounds: a bound is at most {MAX_AGE_BOUND} days",
                             "age_bounds")
        if self.abc_measure not in ABC_MEASURES:
            raise QueryError(f"abc_measure must be one of {', '.join(ABC_MEASURES)}",
                             "abc_measure")
        a, b = self.abc_cuts
        if not 0 < a < b <= 1:
            raise QueryError("abc_cuts must satisfy 0 < A cut < B cut ≤ 1", "abc_cuts")

    def age_bucket_labels(self) -> tuple[str, ...]:
        """Labels `0-30`, `31-60`, …, `>365` for the configured inclusive upper bounds."""
        labels, low = [], 0
        for upper in self.age_bounds:
            labels.append(f"{low}-{upper}")
            low = upper + 1
        labels.append(f">{self.age_bounds[-1]}")
        return tuple(labels)


def _normalise_filters(where: Mapping[str, Iterable[str]] | Filters, field_name: str,
                       keep_empty: bool = False) -> Filters:
    """Sorted, de-duplicated filters. An empty list of values is dropped from `where`
    (an untouched multi-select means "all") but kept in a scope (`keep_empty`), where it
    means "nothing": dropping it would turn an empty intersection of two scopes (a wall's
    site outside its token's region) into no restriction at all."""
    items = where.items() if isinstance(where, Mapping) else where
    out: dict[str, tuple[str, ...]] = {}
    for dim, values in items:
        if dim not in FILTERABLE:
            raise QueryError(f"cannot filter by {dim!r}; filterable: {', '.join(FILTERABLE)}",
                             field_name)
        vals = (values,) if isinstance(values, str) else tuple(values)
        if not vals and not keep_empty:
            continue
        if not all(isinstance(v, str) for v in vals):
            raise QueryError(f"filter values for {dim!r} must be text", field_name)
        out[dim] = tuple(sorted(set(out.get(dim, ()) + vals)))
    return tuple(sorted(out.items()))


@dataclass(frozen=True)
class MetricQuery:
    """Metrics for a period, grouped by dimensions, filtered, at an as-of date, in a scope.

    `where` filters are what the user chose; `scope` is what the user may see (applied the
    same way, and intersected with `where`), so a scope can never be widened by a filter.
    """

    metrics: tuple[str, ...]
    start: date
    end: date
    by: tuple[str, ...] = ()
    where: Filters = ()
    as_of: date | None = None
    options: QueryOptions = field(default_factory=QueryOptions)
    scope: Filters = ()
    sort: Sort = ()
    limit: int | None = None
    having: Having = ()

    def __post_init__(self) -> None:
        if not self.metrics:
            raise QueryError("at least one metric is required", "metrics")
        for m in self.metrics:
            if m not in METRICS:
                raise QueryError(f"unknown metric {m!r}; known: {', '.join(METRICS)}", "metrics")
        if len(set(self.metrics)) != len(self.metrics):
            raise QueryError("a metric is listed twice", "metrics")
        for d in self.by:
            if d not in DIMENSIONS:
                raise QueryError(f"unknown dimension {d!r}; known: {', '.join(DIMENSIONS)}",
                                 "by")
        if len(set(self.by)) != len(self.by):
            raise QueryError("a dimension is listed twice in by", "by")
        if len([d for d in self.by if d in TIME_GRAINS]) > 1:
            raise QueryError("group by at most one time grain", "by")
        if len(self.by) > MAX_GROUP_DIMENSIONS:
            raise QueryError(f"group by at most {MAX_GROUP_DIMENSIONS} dimensions", "by")
        for name in ("start", "end"):
            if not isinstance(getattr(self, name), date):
                raise QueryError(f"{name} must be a date", name)
        if self.start > self.end:
            raise QueryError(f"start {self.start} is after end {self.end}", "start")
        grain = self.time_grain
        if grain and bucket_count(self.start, self.end, grain,
                                  MAX_TIME_BUCKETS + 1) > MAX_TIME_BUCKETS:
            raise QueryError(f"by {grain} splits {self.start} … {self.end} into more than "
                             f"{MAX_TIME_BUCKETS} periods; shorten the period or use a "
                             "coarser grain", "by")
        if self.as_of is not None and not self.start <= self.as_of <= self.end:
            raise QueryError(f"as_of {self.as_of} is outside the period {self.start} … "
                             f"{self.end}", "as_of")
        object.__setattr__(self, "where", _normalise_filters(self.where, "where"))
        object.__setattr__(self, "scope", _normalise_filters(self.scope, "scope",
                                                                keep_empty=True))
        self._check_result_options()

    def _check_result_options(self) -> None:
        """sort / limit / having act on the result: metrics asked for and group columns."""
        columns = set(self.metrics) | set(self.by) | {
            DIMENSIONS[d].name_column for d in self.by if DIMENSIONS[d].name_column}
        object.__setattr__(self, "sort", tuple((str(c), bool(desc)) for c, desc in self.sort))
        for column, _ in self.sort:
            if column not in columns:
                raise QueryError(f"cannot sort by {column!r}: it is not a metric or group "
                                 "column of this query", "sort")
        if self.limit is not None and (isinstance(self.limit, bool)
                                       or not isinstance(self.limit, int)
                                       or not 1 <= self.limit <= MAX_LIMIT):
            raise QueryError(f"limit must be a whole number from 1 to {MAX_LIMIT}", "limit")
        having = []
        for metric, op, value in self.having:
            if metric not in self.metrics:
                raise QueryError(f"having: {metric!r} is not a metric of this query", "having")
            if op not in HAVING_OPS:
                raise QueryError(f"having: operator {op!r} is not one of "
                                 f"{' '.join(HAVING_OPS)}", "having")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise QueryError(f"having: {value!r} is not a number", "having") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise QueryError("having: the value must be a finite number", "having")
            having.append((metric, op, number))
        object.__setattr__(self, "having", tuple(having))

    @classmethod
    def create(
        cls,
        metrics: Iterable[str],
        start: date,
        end: date,
        by: Iterable[str] = (),
        where: Mapping[str, Iterable[str]] | None = None,
        as_of: date | None = None,
        scope: Mapping[str, Iterable[str]] | None = None,
        sort: Iterable[tuple[str, bool]] = (),
        limit: int | None = None,
        having: Iterable[tuple[str, str, float]] = (),
        **options: Any,
    ) -> MetricQuery:
        """Build from plain lists and dicts (what callers naturally have)."""
        opts = QueryOptions(**{k: tuple(v) if isinstance(v, list) else v
                               for k, v in options.items()})
        return cls(tuple(metrics), start, end, tuple(by), tuple((where or {}).items()),
                   as_of, opts, tuple((scope or {}).items()), tuple(sort), limit,
                   tuple(having))

    @property
    def time_grain(self) -> str | None:
        return next((d for d in self.by if d in TIME_GRAINS), None)

    @property
    def group_dims(self) -> tuple[str, ...]:
        """The non-time dimensions, in the order asked for."""
        return tuple(d for d in self.by if d not in TIME_GRAINS)

    def filters(self) -> dict[str, tuple[str, ...] | None]:
        """where ∩ scope per dimension; an empty tuple means "matches nothing"."""
        combined: dict[str, tuple[str, ...] | None] = dict(self.where)
        for dim, allowed in self.scope:
            chosen = combined.get(dim)
            combined[dim] = allowed if chosen is None else tuple(v for v in chosen
                                                                 if v in allowed)
        return combined

    def with_period(self, start: date, end: date) -> MetricQuery:
        """The same question over another period (the as-of moves to the new end)."""
        return replace(self, start=start, end=end, as_of=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "metrics": list(self.metrics),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "by": list(self.by),
            "where": {k: list(v) for k, v in self.where},
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "options": {
                "dead_stock_days": self.options.dead_stock_days,
                "age_bounds": list(self.options.age_bounds),
                "abc_measure": self.options.abc_measure,
                "abc_cuts": list(self.options.abc_cuts),
            },
            "scope": {k: list(v) for k, v in self.scope},
            "sort": [[c, d] for c, d in self.sort],
            "limit": self.limit,
            "having": [list(h) for h in self.having],
        }

    def to_request(self) -> dict[str, Any]:
        """What a client may send (the API, a saved view): everything but the scope, which
        only the server sets. metrics.query_parsing.query_from_dict reads it back."""
        data = self.to_dict()
        del data["scope"]
        return data

    def cache_key(self) -> str:
        """A stable text key: equal queries give equal keys whatever the argument order."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
