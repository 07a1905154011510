"""A view: what the Explore page shows and what a board tile shows — metrics, up to two
dimensions and a time grain, filters, sort and top-N, a chart type and a title.

A view has a URL form (Explore's state, shareable) and a JSON form (saved in the app-state
database, exported with boards). Both are read tolerantly where a person may have typed
(an unknown chart type falls back to a bar chart) and strictly where data is loaded
(`from_json` names what is wrong). The numbers always come from a MetricQuery, so a view
agrees with the board and the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from components.filters.filter_state import FILTER_DIMENSIONS, BoardFilters
from metrics.dimensions import DIMENSIONS, FILTERABLE, TIME_GRAINS
from metrics.errors import QueryError
from metrics.query import MetricQuery
from metrics.registry import METRICS

CHART_TYPES = ("bar", "stacked_bar", "line", "area", "scatter", "heatmap", "table", "pivot")
GROUP_DIMENSIONS = tuple(d for d in DIMENSIONS if d not in TIME_GRAINS)
EXTRA_FILTERS = tuple(d for d in FILTERABLE if d not in FILTER_DIMENSIONS)
MAX_METRICS = 6
MAX_TOP = 1000
DEFAULT_METRICS = ("turnover_days",)


def _split(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


@dataclass(frozen=True)
class ViewSpec:
    metrics: tuple[str, ...] = DEFAULT_METRICS
    dims: tuple[str, ...] = ()
    grain: str | None = None
    chart: str = "bar"
    filters: BoardFilters = field(default_factory=BoardFilters)
    extra_where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # brand, sku, location, …
    sort: str | None = None
    descending: bool = True
    top: int | None = None
    title: str = ""

    # ---- reading and writing ----------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ViewSpec:
        """From URL parameters, forgiving: what is unknown is dropped, not an error."""
        metrics = tuple(m for m in dict.fromkeys(_split(params.get("m"))) if m in METRICS)
        dims = tuple(d for d in dict.fromkeys(_split(params.get("by")))
                     if d in GROUP_DIMENSIONS)[:2]
        grain = params.get("grain") if params.get("grain") in TIME_GRAINS else None
        chart = params.get("chart") if params.get("chart") in CHART_TYPES else "bar"
        extra = tuple((d, tuple(_split(params.get(f"f_{d}")))) for d in EXTRA_FILTERS
                      if _split(params.get(f"f_{d}")))
        try:
            top = int(params["top"]) if params.get("top") else None
        except (TypeError, ValueError):
            top = None
        spec = cls(metrics[:MAX_METRICS] or DEFAULT_METRICS, dims, grain, chart,
                   BoardFilters.from_params(params), extra, None,
                   str(params.get("desc", "1")) != "0",
                   top if top and 0 < top <= MAX_TOP else None,
                   str(params.get("title") or "")[:120])
        sort = params.get("sort") if params.get("sort") in spec.columns() else None
        # the direction belongs to a sort: without one it is the default, as shared
        return replace(spec, sort=sort, descending=spec.descending if sort else True)

    def to_params(self) -> dict[str, str]:
        params = dict(self.filters.to_params())
        params["m"] = ",".join(self.metrics)
        if self.dims:
            params["by"] = ",".join(self.dims)
        if self.grain:
            params["grain"] = self.grain
        if self.chart != "bar":
            params["chart"] = self.chart
        for dim, values in self.extra_where:
            params[f"f_{dim}"] = ",".join(values)
        if self.sort:
            params["sort"] = self.sort
            if not self.descending:
                params["desc"] = "0"
        if self.top:
            params["top"] = str(self.top)
        if self.title:
            params["title"] = self.title
        return params

    def to_json(self) -> dict[str, Any]:
        """The saved form; `from_json` reads it back exactly."""
        return {"metrics": list(self.metrics), "dims": list(self.dims), "grain": self.grain,
                "chart": self.chart, "filters": self.filters.to_store(),
                "extra_where": {d: list(v) for d, v in self.extra_where},
                "sort": self.sort, "descending": self.descending, "top": self.top,
                "title": self.title}

    @classmethod
    def from_json(cls, data: Any, where: str = "view") -> ViewSpec:
        """Strict: a saved or imported view that does not fit names the field."""
        if not isinstance(data, Mapping):
            raise QueryError(f"{where} must be an object", where)
        unknown = set(data) - set(cls().to_json())
        if unknown:
            raise QueryError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}",
                             where)
        params: dict[str, Any] = dict(data.get("filters") or {})
        params.update({"m": data.get("metrics"), "by": data.get("dims"),
                       "grain": data.get("grain"), "chart": data.get("chart"),
                       "sort": data.get("sort"), "top": data.get("top"),
                       "desc": "1" if data.get("descending", True) else "0",
                       "title": data.get("title")})
        for dim, values in (data.get("extra_where") or {}).items():
            params[f"f_{dim}"] = values
        spec = cls.from_params(params)
        for name, given, kept in (("metrics", _split(data.get("metrics")), spec.metrics),
                                  ("dims", _split(data.get("dims")), spec.dims)):
            if list(given) != list(kept):
                raise QueryError(f"{where}.{name}: {given} contains unknown or too many "
                                 "entries", f"{where}.{name}")
        if data.get("chart", "bar") != spec.chart:
            raise QueryError(f"{where}.chart: {data.get('chart')!r} is not one of "
                             f"{', '.join(CHART_TYPES)}", f"{where}.chart")
        return spec

    # ---- meaning -----------------------------------------------------------------------
    def columns(self) -> tuple[str, ...]:
        names = [n for d in self.dims for n in (d, DIMENSIONS[d].name_column) if n]
        return ((self.grain,) if self.grain else ()) + tuple(names) + self.metrics

    def where(self, board: BoardFilters | None = None) -> dict[str, list[str]]:
        """The view's filters; a board's filter bar replaces its period and the standard
        dimensions it sets (region, channel, category) and keeps the view's others."""
        where = {d: list(v) for d, v in self.extra_where}
        base = self.filters.where()
        if board is not None:
            base = {**base, **board.where()}
        where.update(base)
        return where

    def query(self, start: date, end: date, board: BoardFilters | None = None) -> MetricQuery:
        by = [*self.dims, *([self.grain] if self.grain else [])]
        sort = [(self.sort, self.descending)] if self.sort else []
        return MetricQuery.create(self.metrics, start, end, by=by, where=self.where(board),
                                  sort=sort, limit=self.top)

    def default_title(self, lang: str) -> str:
        metrics = ", ".join(METRICS[m].label(lang) for m in self.metrics)
        dims = [DIMENSIONS[d].label(lang) for d in (*self.dims, *([self.grain] if self.grain
                                                                  else []))]
        joiner = " 按 " if lang == "zh" else " by "
        return metrics + (joiner + " / ".join(dims) if dims else "")
