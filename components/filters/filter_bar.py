"""The filter bar: period preset and dates, region, channel and category.

Component ids are prefixed by the page, so several pages can each have their own bar.
The choices come from the source's dimension tables; labels of channel codes are
translated.

On a small screen (below the `lg` breakpoint, 992 px) the same bar — the same controls,
so the same page state and URL — sits in a drawer that slides in from the left, opened by
one "Filters (n active)" button; the active filters show as chips next to it. The button
text, the chips and the drawer's opening are drawn in the browser
(assets/stocklens_mobile.js, from the page state and the labels stored here); on a wide
screen the button, chips and drawer head are hidden and the bar looks as it always did.
"""

from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.filters.filter_state import (
    DEFAULT_PRESET,
    FILTER_DIMENSIONS,
    PRESETS,
    BoardFilters,
)
from components.kit.value_labels import value_label
from i18n import STRINGS, t


def fid(prefix: str, name: str) -> str:
    """The id of a filter-bar control on the page `prefix`."""
    return f"{prefix}-filter-{name}"


def dropdown_labels(lang: str) -> dict[str, str]:
    """Dash 4's built-in dropdown texts, translated ("{num_selected} selected" keeps its slot)."""
    return {key.split(".", 1)[1]: t(key, lang, num_selected="{num_selected}")
            for key in STRINGS if key.startswith("dropdown.")}


def option_label(dim: str, value: str, lang: str) -> str:
    """A value as the page shows it: channel codes translated, the source's names in the
    page's language (components/kit/value_labels.py); the value itself stays the key."""
    if dim == "channel" and f"channel.{value}" in STRINGS:
        return t(f"channel.{value}", lang)
    return value_label(dim, value, lang)


def _labelled(label: str, control: object, width: dict[str, int]) -> dbc.Col:
    return dbc.Col([html.Label(label, className="filter-label"), control], **width)


def filter_bar(prefix: str, filters: BoardFilters, period: tuple[date, date],
               data_range: tuple[date, date], choices: dict[str, list[str]],
               lang: str, dims: tuple[str, ...] = FILTER_DIMENSIONS) -> html.Div:
    """The bar, showing `filters` (and the dates its preset resolves to); `dims` are the
    dimension filters it offers (a drill page leaves out the one it drills)."""
    start, end = period
    first, last = data_range
    controls = [
        _labelled(t("filter.period", lang), dcc.Dropdown(
            id=fid(prefix, "preset"),
            options=[{"label": t(f"preset.{p}", lang), "value": p} for p in PRESETS],
            value=filters.preset, clearable=False, searchable=False,
        ), {"xs": 12, "md": 4, "xl": 2}),
        _labelled(t("filter.dates", lang), dcc.DatePickerRange(
            id=fid(prefix, "dates"), start_date=start, end_date=end,
            min_date_allowed=first, max_date_allowed=last, display_format="YYYY-MM-DD",
            first_day_of_week=1, minimum_nights=0, updatemode="bothdates",
        ), {"xs": 12, "md": 8, "xl": 3}),
    ]
    for dim in dims:
        controls.append(_labelled(t(f"filter.{dim}", lang), dcc.Dropdown(
            id=fid(prefix, dim),
            options=[{"label": option_label(dim, v, lang), "value": v}
                     for v in choices.get(dim, [])],
            value=list(getattr(filters, dim)), multi=True,
            placeholder=t("filter.all", lang), labels=dropdown_labels(lang),
        ), {"xs": 12, "md": 4, "xl": 2}))
    controls.append(dbc.Col(
        dbc.Button(t("filter.reset", lang), id=fid(prefix, "reset"), color="link",
                   className="filter-reset"),
        xs=12, md="auto", className="d-flex align-items-end"))
    bar = html.Div(dbc.Row(controls, className="g-2 align-items-end"),
                   className="filter-bar", role="search")
    return filter_drawer(prefix, bar, choices, lang)


def chip_labels(choices: dict[str, list[str]], lang: str) -> dict[str, object]:
    """What the browser needs to write the filter button and the chips in `lang`."""
    return {
        "filters": t("mobile.filters", lang),
        "active": t("mobile.filters_active", lang, n="{n}"),
        "chip": t("mobile.chip", lang, dim="{dim}", values="{values}"),
        "join": t("mobile.chip_join", lang),
        "more": t("mobile.chip_more", lang, n="{n}"),
        "default": DEFAULT_PRESET,
        "presets": {p: t(f"preset.{p}", lang) for p in PRESETS},
        "dims": {d: t(f"filter.{d}", lang) for d in FILTER_DIMENSIONS},
        # only the values whose label is not the value itself (translated channel codes)
        "values": {d: {v: option_label(d, v, lang) for v in values
                       if option_label(d, v, lang) != v}
                   for d, values in choices.items()},
    }


def filter_drawer(prefix: str, bar: html.Div, choices: dict[str, list[str]],
                  lang: str) -> html.Div:
    """The bar in place on a wide screen; in a drawer behind one button on a small one."""
    hint = t("mobile.filters_title", lang)
    return html.Div([
        html.Div([
            html.Button(t("mobile.filters", lang), id=fid(prefix, "open"), n_clicks=0,
                        type="button", className="btn btn-sm btn-primary filter-open",
                        title=hint, **{"aria-controls": fid(prefix, "drawer"),
                                       "aria-expanded": "false"}),
            html.Div(id=fid(prefix, "chips"), n_clicks=0, className="filter-chips",
                     title=hint, **{"aria-label": t("mobile.chips", lang)}),
        ], className="filter-mobile"),
        html.Div([
            html.Div([
                html.Span(t("mobile.filters", lang), className="filter-drawer-title"),
                html.Button(t("mobile.done", lang), id=fid(prefix, "close"), n_clicks=0,
                            type="button", className="btn btn-sm btn-primary filter-close",
                            title=t("mobile.close", lang)),
            ], className="filter-drawer-head"),
            bar,
        ], id=fid(prefix, "drawer"), className="filter-drawer"),
        html.Div(id=fid(prefix, "backdrop"), n_clicks=0, className="filter-backdrop"),
        dcc.Store(id=fid(prefix, "labels"), data=chip_labels(choices, lang)),
    ], className="filter-area")
