"""Scopes: which dimensions, which roles need one, how the CLI spells them."""

from __future__ import annotations

import pytest

from auth.scopes import (
    ScopeError,
    check_role_scope,
    normalise_scope,
    parse_scope_args,
    scope_from_json,
    scope_json,
    scope_text,
)


def test_cli_scope_arguments_or_within_and_across_dimensions() -> None:
    scope = parse_scope_args(["region=East", "region= West ", "channel=online", "region=East"])
    assert scope == {"channel": ["online"], "region": ["East", "West"]}
    assert scope_text(scope) == "channel=online; region=East,West"
    assert scope_from_json(scope_json(scope)) == scope
    assert scope_text({}) == "all data"


@pytest.mark.parametrize("items, problem", [
    (["region"], "dimension=value"),
    (["region="], "dimension=value"),
    (["=East"], "dimension=value"),
    (["brand=Acme"], "not 'brand'"),
    (["sku=A1"], "not 'sku'"),
])
def test_bad_scope_arguments_say_why(items: list[str], problem: str) -> None:
    with pytest.raises(ScopeError, match=problem):
        parse_scope_args(items)


def test_managers_need_a_scope_and_others_must_not_have_one() -> None:
    assert check_role_scope("manager", {"region": ["East"]}) == {"region": ["East"]}
    assert check_role_scope("admin", None) == {} == check_role_scope("executive", {})
    with pytest.raises(ScopeError, match="manager needs a scope"):
        check_role_scope("manager", {})
    with pytest.raises(ScopeError, match="only for managers"):
        check_role_scope("executive", {"region": ["East"]})
    with pytest.raises(ScopeError, match="wall-token"):
        check_role_scope("wall", {"region": ["East"]})
    with pytest.raises(ScopeError, match="role must be"):
        check_role_scope("root", None)


def test_empty_values_and_non_text_are_refused() -> None:
    with pytest.raises(ScopeError, match="no value"):
        normalise_scope({"region": ["  "]})
    with pytest.raises(ScopeError, match="texts"):
        normalise_scope({"region": [1]})  # type: ignore[list-item]
