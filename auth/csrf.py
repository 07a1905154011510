"""Cross-site request forgery: what stops another web site from making a signed-in
browser act on StockLens.

- The login and logout forms are plain HTML forms, which any site can make a browser
  submit. Each carries a per-session random token in a hidden field; the server compares
  it with the session's copy with hmac.compare_digest (no timing hint) and refuses the
  form without it. The login form's token lives in the anonymous session the login page
  starts, so a forged login (signing a victim into the attacker's account) fails too.
- Dash's callbacks (/_dash-update-component) and the JSON API take POSTs with a JSON body.
  A cross-site form cannot send `Content-Type: application/json` (Dash and the API refuse
  any other type: 415), and a cross-site `fetch` that sets it needs a CORS preflight,
  which StockLens never grants. On top of that the session cookie is SameSite=Lax, so
  browsers do not attach it to cross-site POSTs at all. As a cheap third layer,
  auth/gate.py refuses any unsafe request whose Origin header names another host.
"""

from __future__ import annotations

import hmac
import secrets

from flask import session

from auth.identity import CSRF

FIELD = "csrf_token"


def csrf_token() -> str:
    """This session's token, made on first use (the login page's anonymous session)."""
    token = session.get(CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF] = token
    return token


def csrf_valid(sent: object) -> bool:
    """Whether a form's token is this session's."""
    expected = session.get(CSRF)
    if not isinstance(expected, str) or not expected or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))
