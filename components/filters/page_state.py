"""The state of an analysis page, kept in one dcc.Store and mirrored in the URL.

A page's state holds its filters (the filter bar), the source it shows and its own
parameters (a drill path, the chosen metric, N days, …). The filter bar is synchronised
into the store by one clientside callback per page (`register_filter_sync`, running
assets/filter_sync.js: no server round trip before the data callbacks); page callbacks
change the page parameters with `with_page`. The state also carries `last`, the data's last
day when the page was built, which the clientside sync anchors presets at. The URL
follows the store clientside: a step the Back button should undo (a drill) is pushed onto
the history, a filter tweak replaces the current entry. On load — and on Back, when Dash's
router rebuilds the page — the page's layout reads the state back from the URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from urllib.parse import urlencode

import dash
from dash import Input, Output, State, clientside_callback

import service
from auth.principal import request_principal
from components.filters.filter_bar import fid
from components.filters.filter_state import FILTER_DIMENSIONS, BoardFilters
from data_connectors.source import SourceError
from service import sources


def state_id(prefix: str) -> str:
    return f"{prefix}-state"


def initial_state(params: Mapping[str, str], source: str,
                  page: Mapping[str, str | None]) -> dict:
    """The state a page opens with: filters from the URL, page parameters as given."""
    try:
        last = service.data_range(request_principal(), source)[1]
    except SourceError:  # the page shows the failure; the sync then keeps the bar's dates
        last = None
    return _finish(BoardFilters.from_params(params).to_store(), source,
                   {k: v for k, v in page.items() if v is not None}, push=False,
                   last=last.isoformat() if last else None)


def _finish(filters: dict, source: str, page: dict, push: bool, last: str | None) -> dict:
    params = BoardFilters.from_params(filters).to_params()
    params.update(page)
    if len(sources.registry().names()) > 1:  # a shared link must open the same data
        params["source"] = source
    return {**filters, "source": source, "page": page, "push": push, "last": last,
            "qs": "?" + urlencode(params) if params else ""}


def with_filters(state: dict, filters: BoardFilters) -> dict:
    return _finish(filters.to_store(), state["source"], dict(state["page"]), push=False,
                   last=state.get("last"))


def with_page(state: dict, push: bool, **changes: str | None) -> dict:
    """New page parameters (None removes one); `push` makes it a step Back can undo."""
    page = dict(state["page"])
    for key, value in changes.items():
        if value is None:
            page.pop(key, None)
        else:
            page[key] = value
    return _finish({k: state[k] for k in ("preset", "start", "end", *FILTER_DIMENSIONS)},
                   state["source"], page, push, last=state.get("last"))


def filters_of(state: Mapping) -> BoardFilters:
    return BoardFilters.from_params(state)


def period_of(state: Mapping) -> tuple[BoardFilters, date, date]:
    """The filters and the [start, end] their preset resolves to on this source's data."""
    filters = filters_of(state)
    start, end = filters.period(service.data_range(request_principal(), source_of(state))[1])
    return filters, start, end


def source_of(state: object) -> str:
    """The state's source if it is a configured one, else the default (states arrive
    from the browser and may have been crafted)."""
    return sources.source_name(state.get("source") if isinstance(state, Mapping) else None)


def register_filter_sync(prefix: str, dims: Iterable[str] = FILTER_DIMENSIONS) -> None:
    """The one callback that turns a page's filter bar into its state: picking dates means
    "custom", picking a preset shows its dates, reset restores the defaults. Dimensions the
    page's bar does not show keep their values.

    It runs in the browser (assets/filter_sync.js mirrors BoardFilters): a server-side sync
    cost a whole round trip before the page's data callbacks could even be sent."""
    dims = tuple(dims)
    clientside_callback(
        "function () { return window.stocklensFilters.sync("
        f"{json.dumps(prefix)}, {json.dumps(list(dims))}, Array.from(arguments)); }}",
        Output(fid(prefix, "preset"), "value"),
        Output(fid(prefix, "dates"), "start_date"),
        Output(fid(prefix, "dates"), "end_date"),
        *(Output(fid(prefix, d), "value") for d in dims),
        Output(state_id(prefix), "data"),
        Input(fid(prefix, "preset"), "value"),
        Input(fid(prefix, "dates"), "start_date"),
        Input(fid(prefix, "dates"), "end_date"),
        *(Input(fid(prefix, d), "value") for d in dims),
        Input(fid(prefix, "reset"), "n_clicks"),
        State(state_id(prefix), "data"),
        prevent_initial_call=True,
    )

    clientside_callback(
        dash.ClientsideFunction("stocklens", "syncUrl"),
        Output(f"{prefix}-url-sync", "children"),
        Input(state_id(prefix), "data"),
    )

    # Small screens (components/filters/filter_bar.py filter_drawer): the "Filters (n
    # active)" button and the chips follow the state; the button, the chips, Done and the
    # backdrop open and close the drawer. Both in the browser (assets/stocklens_mobile.js).
    clientside_callback(
        dash.ClientsideFunction("stocklensMobile", "filterChips"),
        Output(fid(prefix, "open"), "children"),
        Output(fid(prefix, "chips"), "children"),
        Input(state_id(prefix), "data"),
        State(fid(prefix, "labels"), "data"),
    )
    clientside_callback(
        dash.ClientsideFunction("stocklensMobile", "filterDrawer"),
        Output(fid(prefix, "drawer"), "className"),
        Output(fid(prefix, "open"), "aria-expanded"),
        Input(fid(prefix, "open"), "n_clicks"),
        Input(fid(prefix, "chips"), "n_clicks"),
        Input(fid(prefix, "close"), "n_clicks"),
        Input(fid(prefix, "backdrop"), "n_clicks"),
        prevent_initial_call=True,
    )
