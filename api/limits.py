"""The API's size limits, in one place, so the handlers, the OpenAPI document and the
README state the same numbers.

The metrics layer bounds what a query may be and cost (at most 4 group dimensions, a
limit of at most MAX_LIMIT, MAX_TIME_BUCKETS periods, age bounds up to MAX_AGE_BOUND days:
re-exported here for the OpenAPI document); these bound what a request may cost: its
body, the rows of an answer, and numbers that must stay inside every engine's integer
parameters.
"""

from __future__ import annotations

from dataclasses import replace

from metrics.errors import QueryError
from metrics.query import MAX_AGE_BOUND, MAX_LIMIT, MAX_TIME_BUCKETS, MetricQuery
from web.json_errors import API_PREFIX  # where the gate, too, answers in JSON

__all__ = ["API_PREFIX", "MAX_AGE_BOUND", "MAX_BODY_BYTES", "MAX_ROWS", "MAX_SAFE_INTEGER",
           "MAX_TIME_BUCKETS", "capped", "check_row_count"]

MAX_BODY_BYTES = 1024 * 1024
# An answer holds at most MAX_LIMIT rows. A query without `limit` runs with LIMIT MAX_LIMIT;
# if it fills that, it is refused (400) rather than silently cut, so a client never takes a
# prefix for the whole answer (a client wanting exactly the first MAX_LIMIT rows says so).
MAX_ROWS = MAX_LIMIT
# JSON integers beyond ±(2^53 − 1) lose precision in most clients (RFC 7493, I-JSON) and
# may overflow a database parameter or float(); the body reader refuses them.
MAX_SAFE_INTEGER = 2**53 - 1


def capped(query: MetricQuery) -> MetricQuery:
    """The query to run: one without a limit gets LIMIT MAX_ROWS, so the database stops
    an oversized answer (see `check_row_count`)."""
    return query if query.limit is not None else replace(query, limit=MAX_ROWS)


def check_row_count(query: MetricQuery, rows: int) -> None:
    """A query without a limit that filled the cap may have more rows: refuse it."""
    if query.limit is None and rows >= MAX_ROWS:
        raise QueryError(
            f"the answer has {MAX_ROWS:,} rows or more; give a limit (at most {MAX_LIMIT}), "
            "narrower filters, fewer dimensions or a coarser time grain", "limit")
