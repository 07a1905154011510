"""Row-level scope arithmetic: a query narrowed to what someone may see.

Pure functions; whose scope is in force is the query service's business (service/
principal.py), which passes it explicitly. The scope is intersected with the query's own
filters before anything else happens — before the cache key is computed, so two scopes
never share an answer — and a filter outside the scope yields nothing. Nothing here
trusts the query: a scope already on it is intersected too, never replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from metrics.query import MetricQuery

Scope = Mapping[str, Sequence[str]]


def apply_scope(query: MetricQuery, scope: Scope) -> MetricQuery:
    """The query narrowed to `scope` ({} leaves it as it is). Idempotent."""
    if not scope:
        return query
    merged: dict[str, tuple[str, ...]] = {d: tuple(v) for d, v in query.scope}
    for dim, allowed in scope.items():
        allowed = tuple(allowed)
        merged[dim] = tuple(v for v in merged[dim] if v in allowed) if dim in merged \
            else allowed
    return replace(query, scope=tuple(sorted(merged.items())))


def allowed_values(dim: str, values: list[str], scope: Scope) -> list[str]:
    """`values` of `dim` that the scope lets through, for filter choices: a scope on `dim`
    itself keeps only its values. (A scope on another dimension — the regions of a
    category manager — does not narrow them here.)"""
    if not scope or dim not in scope:
        return values
    allowed = set(scope[dim])
    return [v for v in values if v in allowed]
