"""Roles and row-level scopes: which roles exist, which dimensions a scope may restrict,
and the rules that tie them together (a manager must have a scope, an admin or an
executive must not).

A scope is {dimension: [values]}: OR within a dimension, AND across dimensions, exactly
as metrics/scope.py applies it to every MetricQuery. It is kept to the four dimensions a
person's responsibility is drawn along (region, location, channel, category) so that a
scope reads like a job description and every metric can be filtered by it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

ADMIN, EXECUTIVE, MANAGER, WALL = "admin", "executive", "manager", "wall"
ROLES = (ADMIN, EXECUTIVE, MANAGER, WALL)
# Roles a person's account may have; WALL is the role of a wall-screen token's session
# (app_state/tokens.py), never of an account with a password.
USER_ROLES = (ADMIN, EXECUTIVE, MANAGER)
SCOPE_DIMENSIONS = ("region", "location", "channel", "category")
MAX_SCOPE_VALUES = 200
MAX_VALUE_LENGTH = 200

Scope = dict[str, list[str]]


class ScopeError(ValueError):
    """A scope or a role/scope combination that cannot be stored; the message says why."""


def normalise_scope(scope: Mapping[str, Iterable[str]] | None) -> Scope:
    """The scope as stored: known dimensions only, values trimmed, de-duplicated and
    sorted, no empty dimension (ScopeError otherwise)."""
    out: Scope = {}
    for dim, values in (scope or {}).items():
        if dim not in SCOPE_DIMENSIONS:
            raise ScopeError(f"a scope restricts {', '.join(SCOPE_DIMENSIONS)}; not {dim!r}")
        texts = [values] if isinstance(values, str) else list(values)
        if not all(isinstance(v, str) for v in texts):
            raise ScopeError(f"scope values of {dim} must be texts")
        cleaned = sorted({v.strip() for v in texts if v.strip()})
        if not cleaned:
            raise ScopeError(f"scope dimension {dim} has no value")
        if len(cleaned) > MAX_SCOPE_VALUES or any(len(v) > MAX_VALUE_LENGTH for v in cleaned):
            raise ScopeError(f"scope dimension {dim}: at most {MAX_SCOPE_VALUES} values of "
                             f"at most {MAX_VALUE_LENGTH} characters")
        out[dim] = cleaned
    return dict(sorted(out.items()))


def parse_scope_args(items: Iterable[str]) -> Scope:
    """`region=East region=West channel=online` (the CLI's repeated --scope) →
    {"channel": ["online"], "region": ["East", "West"]}."""
    scope: dict[str, list[str]] = {}
    for item in items:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip() or not value.strip():
            raise ScopeError(f"--scope {item!r} is not of the form dimension=value "
                             f"(dimensions: {', '.join(SCOPE_DIMENSIONS)})")
        scope.setdefault(dim.strip(), []).append(value.strip())
    return normalise_scope(scope)


def check_role_scope(role: str, scope: Mapping[str, Iterable[str]] | None) -> Scope:
    """The scope to store for an account of `role`: a manager needs one (else the
    account would see everything, which is what executives are for); an admin or an
    executive sees everything, so a scope on them would be a silent no-op."""
    if role not in USER_ROLES:
        hint = (" (wall screens use tokens: python app.py users wall-token)"
                if role == WALL else "")
        raise ScopeError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}{hint}")
    cleaned = normalise_scope(scope)
    if role == MANAGER and not cleaned:
        raise ScopeError("a manager needs a scope, e.g. --scope region=East")
    if role != MANAGER and cleaned:
        raise ScopeError(f"an {role} sees all data; a scope is only for managers")
    return cleaned


def scope_json(scope: Mapping[str, list[str]]) -> str:
    return json.dumps(normalise_scope(scope), ensure_ascii=False, sort_keys=True)


def scope_from_json(text: str | None) -> Scope:
    return normalise_scope(json.loads(text or "{}"))


def scope_text(scope: Mapping[str, list[str]] | None) -> str:
    """For lists and the audit log: `region=East,West; channel=online`, or `all data`."""
    if not scope:
        return "all data"
    return "; ".join(f"{dim}={','.join(values)}" for dim, values in scope.items())
