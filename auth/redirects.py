"""Where the login sends the browser afterwards: the ?next= address, but only a path on
this server — anything else would make StockLens an open redirect (a link to our real
login page that lands the victim, signed in and trusting, on a look-alike site).

Browsers read `//evil.example`, `/\\evil.example` and `\\\\evil.example` as other hosts,
and strip tabs and newlines from URLs, so those are refused as well as any scheme.
"""

from __future__ import annotations

from urllib.parse import urlsplit

HOME = "/"
MAX_LENGTH = 2000
_NOT_AFTER_LOGIN = ("/login", "/logout")


def safe_next(value: object) -> str:
    """`value` when it is a local path (with its query), else "/"."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return HOME
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value) or "\\" in value:
        return HOME
    if not value.startswith("/") or value.startswith("//"):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return HOME
    if parts.path in _NOT_AFTER_LOGIN:
        return HOME
    return value
