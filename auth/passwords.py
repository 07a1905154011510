"""Password hashes: scrypt (standard library) with a per-user random salt.

The stored text carries its own parameters, `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`
(base64 without padding), so the cost can be raised later without locking anyone out:
old hashes still verify with the parameters they were made with, `needs_rehash` tells
the login to store a new hash at the current cost.

The cost (N = 2^15, r = 8, p = 3: 32 MiB and ~0.25 s per guess on one core) is one of
OWASP's equivalent scrypt settings; the p factor buys time without more memory, so a
burst of logins on a small server cannot run it out of RAM. Comparison of the derived
keys uses hmac.compare_digest, so the time taken does not tell how many bytes matched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

SCHEME = "scrypt"
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # a longer "password" only costs the server time


@dataclass(frozen=True)
class Cost:
    log2_n: int = 15
    r: int = 8
    p: int = 3

    def maxmem(self) -> int:
        return 2 * 128 * self.r * (2 ** self.log2_n) + 1024 * 1024


CURRENT = Cost()


class PasswordError(ValueError):
    """A password that cannot be used (too short, too long)."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordError(f"a password has at most {MAX_PASSWORD} characters")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2 ** cost.log2_n, r=cost.r,
                          p=cost.p, maxmem=cost.maxmem(), dklen=KEY_BYTES)


def hash_password(password: str, cost: Cost = CURRENT) -> str:
    """A new hash of `password` with a fresh random salt."""
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, cost)
    return f"${SCHEME}$ln={cost.log2_n},r={cost.r},p={cost.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes]:
    """(cost, salt, key) of a stored hash; ValueError when it is not one of ours."""
    empty, scheme, params, salt, key = stored.split("$")
    if empty or scheme != SCHEME:
        raise ValueError("not a scrypt hash")
    values = dict(part.split("=", 1) for part in params.split(","))
    cost = Cost(int(values["ln"]), int(values["r"]), int(values["p"]))
    if not (1 <= cost.log2_n <= 24 and 1 <= cost.r <= 64 and 1 <= cost.p <= 64):
        raise ValueError("scrypt parameters out of range")
    return cost, _unb64(salt), _unb64(key)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` produces `stored` (False for a malformed hash, never an error:
    a damaged row must not turn a login into a server error)."""
    try:
        cost, salt, key = _parse(stored)
    except (ValueError, KeyError):
        return False
    if len(password) > MAX_PASSWORD:
        return False
    return hmac.compare_digest(_derive(password, salt, cost), key)


def needs_rehash(stored: str) -> bool:
    """True when the hash was made at a lower cost than CURRENT (or is unreadable)."""
    try:
        cost, _, _ = _parse(stored)
    except (ValueError, KeyError):
        return True
    return cost.log2_n < CURRENT.log2_n or cost.r < CURRENT.r or cost.p < CURRENT.p


@cache
def _dummy_hash() -> str:
    return hash_password("stocklens: no such user")


def burn_time(password: str) -> None:
    """Spend what a real verification spends, for an unknown user name, so the answer's
    timing does not tell which names exist."""
    verify_password(password, _dummy_hash())
