"""The Explore page's control panel: metrics, dimensions, time grain, chart type, more
filters, sort and top-N, title — showing a ViewSpec, and read back into one."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.boards.view_spec import (
    CHART_TYPES,
    EXTRA_FILTERS,
    GROUP_DIMENSIONS,
    MAX_METRICS,
    MAX_TOP,
    ViewSpec,
)
from components.filters.filter_bar import dropdown_labels
from i18n import t
from metrics.dimensions import DIMENSIONS, TIME_GRAINS
from metrics.registry import METRICS

P = "exp"
NONE = "__none__"
VIEW_KEYS = ("m", "by", "grain", "chart", "sort", "top", "title")
# Explore's first view when the address names none: the board's main figure, revenue, by
# category over the filter bar's default period (the last 90 days) — a comparison to start
# from, not one "Total" bar
FIRST_VIEW = {"m": "revenue", "by": "category", "sort": "revenue"}


def with_first_view(params: dict[str, str]) -> dict[str, str]:
    """The page's parameters, with the first view's when they choose no view (filters and
    the source stay as given)."""
    if any(params.get(k) for k in VIEW_KEYS) or any(k.startswith("f_") for k in params):
        return params
    return {**FIRST_VIEW, **params}


def cid(name: str) -> str:
    return f"{P}-ctl-{name}"


def _field(label: str, control: object, target: str | None = None) -> html.Div:
    """A labelled control; `target`: the id of a plain input the label names (htmlFor)."""
    return html.Div([html.Label(label, className="filter-label", htmlFor=target), control],
                    className="explore-field")


def _dim_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t("explore.none", lang), "value": NONE}] + [
        {"label": DIMENSIONS[d].label(lang), "value": d} for d in GROUP_DIMENSIONS]


def control_panel(spec: ViewSpec, lang: str) -> html.Div:
    dims = [*spec.dims, NONE, NONE][:2]
    extra_dim = spec.extra_where[0][0] if spec.extra_where else EXTRA_FILTERS[0]
    return html.Div([
        _field(t("explore.metrics", lang), dcc.Dropdown(
            id=cid("metrics"), multi=True, value=list(spec.metrics), clearable=False,
            options=[{"label": m.label(lang), "value": m.id} for m in METRICS.values()],
            labels=dropdown_labels(lang), maxHeight=320)),
        html.Div([
            _field(t("explore.group_by", lang), dcc.Dropdown(
                id=cid("dim1"), value=dims[0], clearable=False, options=_dim_options(lang))),
            _field(t("explore.then_by", lang), dcc.Dropdown(
                id=cid("dim2"), value=dims[1], clearable=False, options=_dim_options(lang))),
        ], className="explore-pair"),
        _field(t("explore.grain", lang), dcc.Dropdown(
            id=cid("grain"), value=spec.grain or NONE, clearable=False,
            options=[{"label": t("explore.none", lang), "value": NONE}] + [
                {"label": DIMENSIONS[g].label(lang), "value": g} for g in TIME_GRAINS])),
        _field(t("explore.chart", lang), dbc.RadioItems(
            id=cid("chart"), value=spec.chart, className="chart-types",
            inputClassName="btn-check", labelClassName="btn btn-sm btn-outline-primary",
            labelCheckedClassName="active",
            options=[{"label": t(f"chart.{c}", lang), "value": c} for c in CHART_TYPES])),
        _field(t("explore.more_filters", lang), html.Div([
            dcc.Dropdown(id=cid("extra-dim"), value=extra_dim, clearable=False,
                         options=[{"label": DIMENSIONS[d].label(lang), "value": d}
                                  for d in EXTRA_FILTERS]),
            dcc.Dropdown(id=cid("extra-values"), multi=True, placeholder=t("filter.all", lang),
                         labels=dropdown_labels(lang)),
            html.Div(id=cid("extra-chips"), className="extra-chips"),
        ])),
        html.Div([
            _field(t("explore.sort", lang), dcc.Dropdown(
                id=cid("sort"), value=spec.sort or NONE, clearable=False,
                options=sort_options(spec, lang))),
            _field(t("explore.top", lang), dbc.Input(
                id=cid("top"), type="number", min=1, max=MAX_TOP, step=1,
                value=spec.top, debounce=True), cid("top")),
        ], className="explore-pair"),
        dbc.Checkbox(id=cid("desc"), value=spec.descending, label=t("explore.descending", lang),
                     className="mb-2"),
        _field(t("explore.title_field", lang), dbc.Input(
            id=cid("title"), value=spec.title, debounce=True,
            placeholder=spec.default_title(lang), maxlength=120), cid("title")),
    ], className="panel explore-controls")


def sort_options(spec: ViewSpec, lang: str) -> list[dict[str, str]]:
    labels = {**{d: DIMENSIONS[d].label(lang) for d in DIMENSIONS},
              **{m: METRICS[m].label(lang) for m in METRICS}}
    return [{"label": t("explore.none", lang), "value": NONE}] + [
        {"label": labels.get(c, c), "value": c} for c in spec.columns() if c in labels]


def spec_from_controls(base: ViewSpec, metrics: list[str] | None, dim1: str, dim2: str,
                       grain: str, chart: str, sort: str, desc: bool, top: object,
                       title: str | None,
                       extra: tuple[tuple[str, tuple[str, ...]], ...]) -> ViewSpec:
    """The controls' values as a view (through the same tolerant reading as the URL)."""
    dims = [d for d in (dim1, dim2) if d and d != NONE]
    params = {**base.filters.to_params(), "m": ",".join((metrics or [])[:MAX_METRICS]),
              "by": ",".join(dict.fromkeys(dims)),
              "grain": None if grain == NONE else grain, "chart": chart,
              "sort": None if sort == NONE else sort, "desc": "1" if desc else "0",
              "top": top, "title": title or ""}
    params.update({f"f_{d}": ",".join(v) for d, v in extra})
    return ViewSpec.from_params(params)
