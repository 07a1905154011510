"""A MetricQuery from JSON-like data (the HTTP API, saved views), with errors that name the
field — the inverse of MetricQuery.to_dict.

Anything a client can send is checked here before it reaches SQL: unknown keys, wrong
types, malformed dates and out-of-range numbers all become a QueryError naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from metrics.errors import QueryError
from metrics.query import MetricQuery, QueryOptions

TOP_KEYS = {"metrics", "start", "end", "by", "where", "as_of", "options", "sort", "limit",
            "having"}
OPTION_KEYS = {"dead_stock_days", "age_bounds", "abc_measure", "abc_cuts"}
MAX_LIST = 1000
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # not ISO week dates such as 2025-W01-1
MAX_TEXT = 200


def _date(value: Any, field: str, required: bool) -> date | None:
    if value is None:
        if required:
            raise QueryError(f"{field} is required (YYYY-MM-DD)", field)
        return None
    if not isinstance(value, str):
        raise QueryError(f"{field} must be a date as text, YYYY-MM-DD", field)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{field}: {value[:MAX_TEXT]!r} is not a date (YYYY-MM-DD)",
                         field) from None
    if not _ISO_DAY.match(value) or not 1900 <= parsed.year <= 2200:
        raise QueryError(f"{field}: {value!r} is not a date between 1900 and 2200", field)
    return parsed


def _texts(value: Any, field: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or len(value) > MAX_LIST:
        raise QueryError(f"{field} must be a list of text (at most {MAX_LIST})", field)
    for item in value:
        if not isinstance(item, str) or len(item) > MAX_TEXT:
            raise QueryError(f"{field}: every item must be text of at most {MAX_TEXT} "
                             "characters", field)
    return value


def _filters(value: Any, field: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise QueryError(f"{field} must be an object of dimension: [values]", field)
    return {str(k): _texts(v, f"{field}.{k}") for k, v in value.items()}


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueryError(f"{field} must be a whole number", field)
    return value


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryError(f"{field} must be a number", field)
    return float(value)


def _options(value: Any) -> QueryOptions:
    if value is None:
        return QueryOptions()
    if not isinstance(value, Mapping):
        raise QueryError("options must be an object", "options")
    unknown = set(value) - OPTION_KEYS
    if unknown:
        raise QueryError(f"options: unknown key(s) {', '.join(sorted(map(str, unknown)))}",
                         "options")
    kwargs: dict[str, Any] = {}
    if "dead_stock_days" in value:
        kwargs["dead_stock_days"] = _int(value["dead_stock_days"], "options.dead_stock_days")
    if "age_bounds" in value:
        bounds = value["age_bounds"]
        if not isinstance(bounds, list) or not 0 < len(bounds) <= 20:
            raise QueryError("options.age_bounds must be a list of 1 to 20 day counts",
                             "options.age_bounds")
        kwargs["age_bounds"] = tuple(_int(b, "options.age_bounds") for b in bounds)
    if "abc_measure" in value:
        if not isinstance(value["abc_measure"], str):
            raise QueryError("options.abc_measure must be text", "options.abc_measure")
        kwargs["abc_measure"] = value["abc_measure"]
    if "abc_cuts" in value:
        cuts = value["abc_cuts"]
        if not isinstance(cuts, list) or len(cuts) != 2:
            raise QueryError("options.abc_cuts must be two numbers", "options.abc_cuts")
        kwargs["abc_cuts"] = tuple(_number(c, "options.abc_cuts") for c in cuts)
    try:
        return QueryOptions(**kwargs)
    except QueryError as exc:  # name the field as the client wrote it
        raise QueryError(str(exc), f"options.{exc.field}") from None


def _sort(value: Any) -> list[tuple[str, bool]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 10:
        raise QueryError("sort must be a list of [column, descending] pairs", "sort")
    out = []
    for item in value:
        if isinstance(item, str):
            out.append((item.lstrip("-"), item.startswith("-")))
        elif (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
              and isinstance(item[1], bool)):
            out.append((item[0], item[1]))
        else:
            raise QueryError("sort items are \"column\", \"-column\" or [column, descending]",
                             "sort")
    return out


def _having(value: Any) -> list[tuple[str, str, float]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 20:
        raise QueryError("having must be a list of [metric, operator, number]", "having")
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and isinstance(item[1], str)):
            raise QueryError("having items are [metric, operator, number]", "having")
        out.append((item[0], item[1], _number(item[2], "having")))
    return out


def query_from_dict(data: Any, scope: Mapping[str, list[str]] | None = None) -> MetricQuery:
    """Parse a query object; `scope` comes from the server (the user's rights), never from
    the data."""
    if not isinstance(data, Mapping):
        raise QueryError("the query must be a JSON object", "body")
    unknown = sorted(repr(str(k)) if not str(k) else str(k) for k in set(data) - TOP_KEYS)
    if unknown:
        raise QueryError(f"unknown field(s) {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(TOP_KEYS))}", unknown[0])
    metrics = _texts(data.get("metrics"), "metrics") if data.get("metrics") is not None \
        else []
    by = [] if data.get("by") is None else _texts(data["by"], "by")
    limit = None if data.get("limit") is None else _int(data.get("limit"), "limit")
    return MetricQuery.create(
        metrics, _date(data.get("start"), "start", True), _date(data.get("end"), "end", True),
        by=by, where=_filters(data.get("where"), "where"),
        as_of=_date(data.get("as_of"), "as_of", False), scope=scope,
        sort=_sort(data.get("sort")), limit=limit, having=_having(data.get("having")),
        **vars_of(_options(data.get("options"))),
    )


def vars_of(options: QueryOptions) -> dict[str, Any]:
    return {"dead_stock_days": options.dead_stock_days, "age_bounds": options.age_bounds,
            "abc_measure": options.abc_measure, "abc_cuts": options.abc_cuts}
