"""Password hashes: scrypt, salted per hash, parameters in the hash, constant-time check."""

from __future__ import annotations

import hmac
import re

import pytest

from auth import passwords
from auth.passwords import (
    CURRENT,
    Cost,
    PasswordError,
    check_password_rules,
    hash_password,
    needs_rehash,
    verify_password,
)

FORMAT = re.compile(r"^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")


def test_hash_format_carries_its_parameters_and_a_fresh_salt() -> None:
    first, second = hash_password("s3cret-pass"), hash_password("s3cret-pass")
    match = FORMAT.match(first)
    assert match, first
    assert tuple(map(int, match.groups()[:3])) == (CURRENT.log2_n, CURRENT.r, CURRENT.p)
    assert CURRENT.log2_n >= 15 and CURRENT.r >= 8  # slow on purpose
    assert first != second  # same password, different salt, different hash
    assert FORMAT.match(second).group(4) != match.group(4)
    assert "s3cret-pass" not in first


def test_verification_accepts_the_password_and_nothing_else() -> None:
    stored = hash_password("s3cret-pass")
    assert verify_password("s3cret-pass", stored)
    assert not verify_password("s3cret-pasS", stored)
    assert not verify_password("", stored)
    assert not verify_password("s3cret-pass", stored[:-2] + "AA")  # tampered key
    for damaged in ("", "plain", "$scrypt$ln=99,r=8,p=1$AA$AA", "$md5$x$y$z"):
        assert not verify_password("s3cret-pass", damaged)


def test_old_parameters_still_verify_and_ask_for_a_rehash() -> None:
    cheaper = hash_password("s3cret-pass", Cost(log2_n=12, r=8, p=1))
    assert verify_password("s3cret-pass", cheaper)
    assert needs_rehash(cheaper)
    assert not needs_rehash(hash_password("s3cret-pass"))
    assert needs_rehash("garbage")


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The derived keys are compared by hmac.compare_digest (a spy around the real one)."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(passwords.hmac, "compare_digest", spy)
    stored = hash_password("s3cret-pass", Cost(log2_n=10, r=8, p=1))
    assert verify_password("s3cret-pass", stored) and not verify_password("other-pass", stored)
    assert len(calls) == 2 and all(len(a) == len(b) == 32 for a, b in calls)


def test_password_rules() -> None:
    check_password_rules("eight ch")
    with pytest.raises(PasswordError, match="at least 8"):
        check_password_rules("short")
    with pytest.raises(PasswordError, match="at most"):
        check_password_rules("x" * 2000)
