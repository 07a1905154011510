"""The login's ?next= only ever leads to a path on this server."""

from __future__ import annotations

import pytest

from auth.redirects import safe_next


@pytest.mark.parametrize("target", ["/", "/explore", "/products?region=East&lang=zh",
                                    "/boards/3", "/wall?board=1"])
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "evil.example", "/\t/evil.example",
    "/\n/evil.example", "http:/evil.example", "/login", "/logout", "/x" * 2000, 42,
])
def test_anything_else_goes_home(target: object) -> None:
    assert safe_next(target) == "/"
