"""Whom a query runs for: the principal every call to the query service must name.

A principal carries a row-level scope — the dimension values its holder may see, e.g. a
regional manager's {"region": ["East"]} or a wall token's {"location": ["W01"]} — or
`None`, all data. Only trusted code (the command line, background jobs, an admin's
request) holds an all-data principal; a request nobody is behind gets NOBODY, which
matches no row. There is no default: a call without a principal is a programming error
(MissingPrincipal), never "everything" — the coming alerts and workers run outside any
browser request, where a scope that failed open would leak another region's numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from metrics.query import MetricQuery
from metrics.scope import allowed_values, apply_scope

ScopeItems = tuple[tuple[str, tuple[str, ...]], ...]


class MissingPrincipal(TypeError):
    """A query-service call without a Principal: a bug in the caller, not a user error."""


@dataclass(frozen=True)
class Principal:
    """`scope` None: all data; else (dimension, allowed values) pairs, sorted."""

    name: str
    kind: str  # "user", "token", "wall", "demo", "system" or "nobody"
    scope: ScopeItems | None

    @classmethod
    def scoped(cls, name: str, kind: str,
               scope: Mapping[str, Sequence[str]] | None) -> Principal:
        """A principal from a mapping; None or {} means all data."""
        if not scope:
            return cls(name, kind, None)
        return cls(name, kind, tuple(sorted((d, tuple(v)) for d, v in scope.items())))

    @property
    def all_data(self) -> bool:
        return self.scope is None

    @property
    def scope_map(self) -> dict[str, list[str]] | None:
        return None if self.scope is None else {d: list(v) for d, v in self.scope}

    @property
    def cache_key(self) -> str:
        """What every cache adds to its key: two scopes never share an entry."""
        return "all" if self.scope is None else json.dumps(self.scope, separators=(",", ":"))

    def narrow(self, query: MetricQuery) -> MetricQuery:
        """The query intersected with this scope (a filter can never widen it)."""
        return query if self.scope is None else apply_scope(query, self.scope_map)

    def allowed(self, dim: str, values: list[str]) -> list[str]:
        """`values` of `dim` this principal's scope on `dim` lets through."""
        return values if self.scope is None else allowed_values(dim, values, self.scope_map)


# Trusted code only: the CLI, the forecast job, an admin's request, tests.
ALL_DATA = Principal("all-data", "system", None)
# A request nobody is behind: a scope that matches no row.
NOBODY = Principal("nobody", "nobody", (("region", ()),))


def require(principal: object) -> Principal:
    """The principal, or MissingPrincipal: every service entry point starts here."""
    if not isinstance(principal, Principal):
        raise MissingPrincipal(
            f"the query service needs a Principal (whose scope the query runs under), "
            f"got {type(principal).__name__}; pass ALL_DATA only from trusted code")
    return principal
