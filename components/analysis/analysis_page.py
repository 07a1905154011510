"""What every analysis page starts with: its language, source, filters and their choices,
and a header (title, subtitle, filter bar, the state store and the URL mirror)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dash import dcc, html

import service
from auth.principal import request_principal
from components.filters.filter_bar import filter_bar
from components.filters.filter_state import FILTER_DIMENSIONS, BoardFilters
from components.filters.page_state import initial_state, state_id
from components.kit.feedback import empty_alert, error_alert
from components.kit.page_frame import page_frame
from data_connectors.source import SourceError
from i18n import resolve_language
from service import sources


@dataclass(frozen=True)
class PageContext:
    lang: str
    source: str
    params: Mapping[str, str]
    filters: BoardFilters
    first: date
    last: date
    choices: dict[str, list[str]]

    def frame(self, content: object) -> object:
        return page_frame(self.lang, content, self.source)


def filter_choices(source: str, dims: tuple[str, ...]) -> dict[str, list[str]]:
    who = request_principal()
    choices = {"region": lambda: service.dimension_values(who, "location", "region", source),
               "channel": lambda: service.channel_values(who, source),
               "category": lambda: service.dimension_values(who, "sku", "category", source)}
    return {d: choices[d]() for d in dims}


def open_page(params: Mapping[str, str],
              dims: tuple[str, ...] = FILTER_DIMENSIONS) -> PageContext | object:
    """The page's context, or the whole page saying why there is nothing to show."""
    lang = resolve_language(params.get("lang"))
    source = sources.source_name(params.get("source"))
    try:
        first, last = service.data_range(request_principal(), source)
        choices = filter_choices(source, dims)
    except SourceError as exc:
        return page_frame(lang, error_alert(exc, lang), source)
    if last is None:
        return page_frame(lang, empty_alert(lang), source)
    return PageContext(lang, source, params, BoardFilters.from_params(params), first, last,
                       choices)


def page_header(prefix: str, title: str, page: PageContext, page_params: Mapping[str, str |
                None], dims: tuple[str, ...] = FILTER_DIMENSIONS,
                head_extra: object = None) -> list:
    """Title and subtitle, the filter bar, the page's state store and its URL mirror."""
    bar = filter_bar(prefix, page.filters, page.filters.period(page.last),
                     (page.first, page.last), page.choices, page.lang, dims)
    head = [html.H1(title, className="page-title"),
            html.Div(id=f"{prefix}-subtitle", className="page-subtitle")]
    if head_extra is not None:
        head.append(head_extra)
    return [
        html.Div(head, className="page-head"),
        bar,
        dcc.Store(id=state_id(prefix), data=initial_state(page.params, page.source,
                                                          page_params)),
        dcc.Store(id=f"{prefix}-lang", data=page.lang),
        html.Div(id=f"{prefix}-url-sync", hidden=True),
    ]
