"""Browser tab titles in the reader's language (issue 24).

Dash Pages accepts a function as a page's `title`: it is called when the page's HTML is
served and on every in-app navigation (the router's callback sets document.title). Both
happen inside a request, so the language is the one the page itself uses: `?lang=` of the
address (in the page's own URL, or in the router's `search` input), else the cookie and
the browser's language (i18n.resolve_language).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import flask

from i18n import resolve_language, t

ROUTER_LOCATION = "_pages_location"  # dash.page_container's dcc.Location


def _address_language() -> str | None:
    """?lang= of the page being shown: the request's own query (the page's HTML) or the
    router callback's `search` input (a navigation inside the app)."""
    if not flask.has_request_context():
        return None
    if flask.request.args.get("lang"):
        return flask.request.args.get("lang")
    body = flask.request.get_json(silent=True) if flask.request.is_json else None
    for item in (body or {}).get("inputs", []) if isinstance(body, dict) else []:
        if (isinstance(item, dict) and item.get("id") == ROUTER_LOCATION
                and item.get("property") == "search" and isinstance(item.get("value"), str)):
            return (parse_qs(item["value"].lstrip("?")).get("lang") or [None])[0]
    return None


def page_language() -> str:
    """The language the page being served or routed to is shown in."""
    return resolve_language(_address_language())


def page_title(key: str | None) -> Callable[..., str]:
    """A `title=` for dash.register_page: "StockLens · <t(key)>" in the page's language
    (the app's name alone for `key` None)."""
    def title(**_path_variables: object) -> str:
        lang = page_language()
        if key is None:
            return t("title.app", lang)
        return t("title.page", lang, page=t(key, lang))

    title.__doc__ = f"The tab title of the page named by {key!r}, in the reader's language."
    return title
