"""Demo mode answers only requests addressed to this computer: a loopback Host header.

Without accounts StockLens has no login (demo mode), which is safe only because it
listens on a loopback address. A web page elsewhere can still reach it through the
visitor's browser by DNS rebinding: its own name (evil.example.com) is made to resolve
to 127.0.0.1, and the page's scripts, being "same-origin" with that name, read the
answers and post callbacks. What gives such a request away is its Host header, which
names the attacker's domain. So in demo mode a request whose Host is not 127.0.0.1 (or
another loopback address), localhost or [::1] — with any port — is refused with 400 and
a reason, before anything else runs. STOCKLENS_ALLOWED_HOSTS (comma-separated names;
".example.com" also admits its subdomains) adds names for a trusted set-up.

With accounts (login mode) Host is not restricted here: a deployment is reached under its
own name, and a rebinding page has no session cookie for its own name. (The same list
could be Flask's TRUSTED_HOSTS, but that applies to every request of every mode, and
werkzeug's matching of a list cannot express an IPv6 literal such as [::1]; werkzeug's
own check of the header's syntax is used.)
"""

from __future__ import annotations

import os
from collections.abc import Collection
from urllib.parse import urlsplit

from flask import Response, current_app, request
from werkzeug.sansio.utils import host_is_trusted

from auth.identity import DEMO, auth_mode
from auth.startup import is_loopback
from i18n import resolve_language, t
from web.json_errors import API_PREFIX, error_response

ALLOWED_HOSTS_ENV = "STOCKLENS_ALLOWED_HOSTS"
ALLOWED_HOSTS_KEY = "STOCKLENS_ALLOWED_HOSTS"  # Flask config: the list read at start
MAX_SHOWN = 100


def allowed_hosts_from_env() -> list[str]:
    """$STOCKLENS_ALLOWED_HOSTS as a list of lower-case names."""
    return [name.strip().lower() for name in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")
            if name.strip()]


def host_name(host: str) -> str | None:
    """The name or address of a Host header ("[::1]:8050" -> "::1"); None when the header
    is not a valid host[:port] (werkzeug's rule)."""
    if not host_is_trusted(host):
        return None
    try:
        return urlsplit(f"//{host}").hostname
    except ValueError:
        return None


def local_host(host: str, allowed: Collection[str] = ()) -> bool:
    """Whether a Host header names this computer (or a name of the allow-list)."""
    name = host_name(host)
    if name is None:
        return False
    if is_loopback(name):
        return True
    return any(name == ref or (ref.startswith(".") and name.endswith(ref))
               for ref in allowed)


def check_host() -> Response | None:
    """The before_request hook (installed first, by auth/setup.py): None to go on, else
    the refusal. The mode is only looked up for a host that is not local."""
    host = request.host
    if local_host(host, current_app.config.get(ALLOWED_HOSTS_KEY, ())):
        return None
    if auth_mode() != DEMO:
        return None
    message = t("auth.foreign_host", resolve_language(), host=host[:MAX_SHOWN] or "?")
    if request.path.startswith((API_PREFIX + "/", "/_dash-")):
        return error_response(400, message)
    return Response(message, 400, mimetype="text/plain")
