"""Row-level scope: what the person asking may see, applied to every MetricQuery run.

The web app installs a provider that returns the signed-in user's scope (e.g. a regional
manager's {"region": ["East"]}); the metrics layer intersects it with the query's own
filters before anything else happens — before the cache key is computed, so two users never
share an answer — and a filter outside the scope yields nothing. Nothing here trusts the
query: a scope already on it is intersected too, never replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from metrics.query import MetricQuery

Scope = Mapping[str, list[str] | tuple[str, ...]]
_provider: dict[str, Callable[[], Scope | None]] = {}


def set_scope_provider(provider: Callable[[], Scope | None] | None) -> None:
    """Install (or remove, with None) the function that says what may be seen now."""
    if provider is None:
        _provider.pop("scope", None)
    else:
        _provider["scope"] = provider


def current_scope() -> Scope | None:
    """The scope in force for this request; None means everything."""
    provider = _provider.get("scope")
    return provider() if provider else None


def apply_scope(query: MetricQuery, scope: Scope | None = None) -> MetricQuery:
    """The query narrowed to `scope` (default: the current one). Idempotent."""
    scope = current_scope() if scope is None else scope
    if not scope:
        return query
    merged: dict[str, tuple[str, ...]] = {d: tuple(v) for d, v in query.scope}
    for dim, allowed in scope.items():
        allowed = tuple(allowed)
        merged[dim] = tuple(v for v in merged[dim] if v in allowed) if dim in merged \
            else allowed
    return replace(query, scope=tuple(sorted(merged.items())))


def allowed_values(dim: str, values: list[str], scope: Scope | None = None) -> list[str]:
    """`values` of `dim` that the scope (default: the current one) lets through, for
    filter choices: a scope on `dim` itself keeps only its values. (A scope on another
    dimension — the regions of a category manager — does not narrow them here.)"""
    scope = current_scope() if scope is None else scope
    if not scope or dim not in scope:
        return values
    allowed = set(scope[dim])
    return [v for v in values if v in allowed]
