"""What the caller may see: the one place the API decides a query's scope.

Every query the API runs is built with `query_from_dict(body, scope=current_scope())`;
the metrics layer intersects the scope with the client's filters, so a filter can never
widen it. The scope is the caller's — the account behind the session cookie or the
`Authorization: Bearer` API token (auth/identity.py): None (everything) for admins and
executives, e.g. {"region": ["East"]} for a manager restricted to one region.
"""

from __future__ import annotations

from auth.identity import current_scope as caller_scope


def current_scope() -> dict[str, list[str]] | None:
    """The dimension values the current request may see; None: no restriction."""
    return caller_scope()
