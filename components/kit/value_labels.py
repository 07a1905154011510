"""How a stored value reads in the page's language: the one lookup every grid, chart,
filter option and wall list shows values through (service.value_labels).

The demo stores its names in English and carries their Chinese labels; a Chinese page
shows "华东" where the data (and the URL, the saved board, the alert rule) says "East".
The source is the request's (the URL's `?source=`, else the navbar's cookie, else the
default); labels are read once per request and language.
"""

from __future__ import annotations

import logging

import flask

import service
from auth.principal import request_principal
from data_connectors.source import SourceError
from service import sources
from service.principal import MissingPrincipal

log = logging.getLogger(__name__)
_G_KEY = "stocklens_value_labels"


def source_labels(lang: str, source: str | None = None) -> dict[str, dict[str, str]]:
    """{column → {stored value → label}} of the request's source in `lang`; empty outside
    a request or when the source has none (labels never stop a page from rendering)."""
    if not flask.has_request_context():
        return {}
    memo: dict = flask.g.setdefault(_G_KEY, {})
    key = (source, lang)
    if key not in memo:
        try:
            memo[key] = service.value_labels(request_principal(), sources.source_name(source),
                                             lang)
        except (SourceError, MissingPrincipal, KeyError) as error:
            log.debug("no value labels: %s", error)
            memo[key] = {}
    return memo[key]


def value_label(column: str, value: str, lang: str, source: str | None = None) -> str:
    """`value` of `column` (region, category, sku_name…) as the page's language shows it."""
    return source_labels(lang, source).get(column, {}).get(value, value)
