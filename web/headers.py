"""Security headers on every response: pages, the JSON API, Dash's endpoints, assets,
redirects and error answers (flask-talisman, installed by app.create_app).

- **Content-Security-Policy.** Everything is served by StockLens itself (no CDN), so
  `default-src 'self'`. Dash's page carries inline scripts (the renderer's start-up line
  and any inline clientside callback): they are allowed by their hashes, which Dash
  computes itself (`app.csp_hashes()`), never by 'unsafe-inline'. The few relaxations the
  bundled libraries need are below, each with the reason (found by opening every page in
  headless Chromium with the policy on: tests/browser/test_csp_console.py).
- **Framing.** `frame-ancestors 'none'` (and X-Frame-Options: DENY) unless
  $STOCKLENS_FRAME_ANCESTORS lists who may embed StockLens (e.g. a board on an intranet
  page): space-separated origins, or 'self'. X-Frame-Options follows it: DENY for 'none',
  SAMEORIGIN for 'self' alone, and left out otherwise (its ALLOW-FROM is ignored by
  today's browsers, which obey frame-ancestors instead). A page that says
  X-Frame-Options: DENY itself (the login form: auth/login_page.py) keeps
  frame-ancestors 'none' whatever the setting, so no other site can frame a password
  field; an embedded board's viewer signs in in a tab of their own first.
- **X-Content-Type-Options: nosniff**, **Referrer-Policy: strict-origin-when-cross-origin**
  (another site never sees a path or query string of ours), and a Permissions-Policy
  turning off browser features the app never uses.
- **No HTTPS redirect and no HSTS by default**: `make run` serves plain HTTP on 127.0.0.1.
  A deployment behind TLS sets STOCKLENS_HSTS=1 (or a max-age in seconds): the
  Strict-Transport-Security header is then sent on HTTPS requests (directly, or through a
  proxy saying X-Forwarded-Proto: https).

The session cookie's flags stay auth/setup.py's business: talisman is told to keep them
(its defaults would force Secure cookies, breaking login over plain HTTP).
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from flask import Response, g
from flask_talisman import DENY, SAMEORIGIN, Talisman

if TYPE_CHECKING:
    import dash

FRAME_ANCESTORS_ENV = "STOCKLENS_FRAME_ANCESTORS"
HSTS_ENV = "STOCKLENS_HSTS"
HSTS_DEFAULT_AGE = 365 * 24 * 3600
REFERRER_POLICY = "strict-origin-when-cross-origin"
# browser features no page of StockLens uses
PERMISSIONS_POLICY = {feature: "()" for feature in (
    "browsing-topics", "camera", "microphone", "geolocation", "payment", "usb")}

SELF = "'self'"


def frame_ancestors() -> str:
    """Who may embed our pages: $STOCKLENS_FRAME_ANCESTORS, else nobody ('none')."""
    given = " ".join(os.environ.get(FRAME_ANCESTORS_ENV, "").split())
    for source in given.split():
        if any(c in source for c in ";,\"") or source.lower() == "*":
            raise ValueError(f"${FRAME_ANCESTORS_ENV}: {source!r} is not an origin; give "
                             "space-separated origins like https://intranet.example.com")
    return given or "'none'"


def frame_options(ancestors: str) -> str | None:
    """The X-Frame-Options equal to `ancestors`, or None where it has no equal."""
    if ancestors == "'none'":
        return DENY
    if ancestors == SELF:
        return SAMEORIGIN
    return None


def hsts_max_age() -> int | None:
    """$STOCKLENS_HSTS: off (unset, 0, no), on (1, yes: one year) or a max-age in seconds."""
    given = os.environ.get(HSTS_ENV, "").strip().lower()
    if given in ("", "0", "no", "false", "off"):
        return None
    if given in ("1", "yes", "true", "on"):
        return HSTS_DEFAULT_AGE
    if not given.isdigit():
        raise ValueError(f"${HSTS_ENV} must be 1 (one year) or a max-age in seconds, "
                         f"not {given!r}")
    return int(given)


def content_security_policy(ancestors: str) -> dict[str, str]:
    """The policy without the inline scripts' hashes (added at the first response)."""
    return {
        "default-src": SELF,
        # Dash's bundles and ours from /_dash-component-suites and /assets; inline scripts
        # by hash (install_security_headers). No 'unsafe-eval': no page needs it (every
        # page and the interactions the browser test makes ran clean without it).
        "script-src": SELF,
        # 'unsafe-inline' for styles: with style-src 'self' Chromium reports dozens of
        # blocked inline styles per page, from Dash's renderer, dcc (dropdown, date
        # picker), react-dom, AG Grid (its themes inject <style> elements) and plotly —
        # both <style> elements and style attributes. A nonce cannot cover attributes
        # (and disables 'unsafe-inline'), and hashes cannot cover styles computed at run
        # time. Styles cannot run code; scripts stay hash-only.
        "style-src": f"{SELF} 'unsafe-inline'",
        # data: images: Bootstrap's CSS (switches, checkboxes, selects) and AG Grid's
        # icons are data: SVGs (blocked with img-src 'self' on the grid pages)
        "img-src": f"{SELF} data:",
        "font-src": SELF,
        "connect-src": SELF,  # callbacks and the API: this server only
        "object-src": "'none'",
        "base-uri": SELF,
        "form-action": SELF,
        "frame-ancestors": ancestors,
    }


def install_security_headers(app: dash.Dash) -> Talisman:
    """Security headers on every response of `app.server` (call after install_auth, so
    the session cookie settings it made are kept)."""
    server = app.server
    ancestors = frame_ancestors()
    hsts = hsts_max_age()
    policy = content_security_policy(ancestors)
    # Registered before talisman's, so it runs after it (Flask runs after_request
    # functions last-registered first).
    server.after_request(_keep_stricter_view_headers)
    talisman = Talisman(
        server,
        force_https=False,  # plain HTTP on 127.0.0.1 must keep working (`make run`)
        strict_transport_security=hsts is not None,
        strict_transport_security_max_age=hsts or HSTS_DEFAULT_AGE,
        strict_transport_security_include_subdomains=False,
        content_security_policy=policy,
        frame_options=frame_options(ancestors),
        referrer_policy=REFERRER_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        x_content_type_options=True,
        # the cookie is auth/setup.py's: keep its flags (talisman's default would set
        # SESSION_COOKIE_SECURE on every request, so no login over plain HTTP)
        session_cookie_secure=False,
        session_cookie_http_only=True,
        session_cookie_samesite=server.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
    hashed: list[bool] = []

    def add_script_hashes(response: Response) -> Response:
        # after_request functions run last-registered first, so this runs before
        # talisman's writes the header. The hashes are taken once, at the first response
        # (create_app's warm-up request): Dash has registered every callback by then.
        if not hashed:
            talisman.content_security_policy["script-src"] = " ".join(
                [SELF, *app.csp_hashes()])
            hashed.append(True)
        return response

    server.after_request(add_script_hashes)
    server.after_request(_remember_view_referrer)  # runs before talisman's
    return talisman


def _remember_view_referrer(response: Response) -> Response:
    """A response that set its own Referrer-Policy (the wall's token exchange sends
    no-referrer, so the token never leaves in a Referer header): noted before talisman
    writes the site-wide one, restored after it (_keep_stricter_view_headers)."""
    g.stocklens_view_referrer = response.headers.get("Referrer-Policy")
    return response


def _keep_stricter_view_headers(response: Response) -> Response:
    """A response whose view said X-Frame-Options: DENY (the login form) gets
    frame-ancestors 'none' too: browsers obey frame-ancestors over X-Frame-Options, so a
    configured embedding origin would otherwise let that site frame it. A view's
    no-referrer stays no-referrer."""
    if g.get("stocklens_view_referrer") == "no-referrer":
        response.headers["Referrer-Policy"] = "no-referrer"
    policy = response.headers.get("Content-Security-Policy")
    if policy and response.headers.get("X-Frame-Options") == DENY:
        response.headers["Content-Security-Policy"] = re.sub(
            r"frame-ancestors [^;]*", "frame-ancestors 'none'", policy)
    return response
