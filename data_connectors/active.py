"""The sources the web server answers from, and the functions callbacks use to run a
MetricQuery on one of them. (Caching keyed by query and data version hooks in here.)

Which source a page shows: `?source=` in its URL, else the one remembered by the navbar's
source switcher (a cookie), else the configured default.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import pandas as pd

from data_connectors.query_cache import CachePolicy, QueryCache, SourceStatus, make_backend
from data_connectors.registry import SourceRegistry
from data_connectors.source import Source, SourceError
from metrics.query import MetricQuery
from metrics.scope import allowed_values

SOURCE_COOKIE = "stocklens_source"
_state: dict[str, object] = {}
_last_keys: dict[str, tuple[str, int, str | None]] = {}  # last version key that worked


def use_registry(registry: SourceRegistry) -> None:
    old = _state.get("registry")
    _state["registry"] = registry
    _last_keys.clear()
    if isinstance(old, SourceRegistry) and old is not registry:
        old.dispose()
    for cached in (_dimension_values, _data_range, _channel_values):
        cached.cache_clear()


def use_source(source: Source) -> None:
    """Serve a single, already-open source (a --db file, tests)."""
    use_registry(SourceRegistry.of_source(source))


def registry() -> SourceRegistry:
    try:
        return _state["registry"]  # type: ignore[return-value]
    except KeyError:
        raise SourceError("no data source is configured") from None


def use_cache(cache: QueryCache) -> None:
    """The query cache the server answers through (see data_connectors/query_cache.py)."""
    _state["cache"] = cache


def query_cache() -> QueryCache:
    if "cache" not in _state:
        _state["cache"] = QueryCache(make_backend(None, CachePolicy().ttl_s))
    return _state["cache"]  # type: ignore[return-value]


def source_status(name: str | None = None) -> SourceStatus:
    """Whether the source answers; during an incident, since when and why."""
    return query_cache().status(name or registry().default)


def invalidate(name: str) -> None:
    """An import rewrote this source: read its data version again now."""
    query_cache().invalidate(name)
    _last_keys.pop(name, None)


def source_name(explicit: str | None = None) -> str:
    """The source to show: an explicit (URL) choice, the remembered one, else the default."""
    reg = registry()
    if not isinstance(explicit, str):  # a crafted request may send anything
        explicit = None
    if explicit in reg.configs:
        return explicit  # type: ignore[return-value]
    try:
        import flask

        if flask.has_request_context():
            remembered = flask.request.cookies.get(SOURCE_COOKIE)
            if remembered in reg.configs:
                return remembered  # type: ignore[return-value]
    except ImportError:  # pragma: no cover - flask ships with dash
        pass
    return reg.default


def current_source(name: str | None = None) -> Source:
    return registry().get(name)


def run(query: MetricQuery, source: str | None = None) -> pd.DataFrame:
    """The query's result, through the cache; during an outage the last good result with
    attrs["stale_since"] set (SourceError when there is none)."""
    return query_cache().run(current_source(source), query)


def _version_key(name: str | None) -> tuple[str, int, str | None]:
    """Identifies the data: a re-import changes the version and so the cached answers.
    While the source is failing, the last key that worked keeps the pages' filter choices
    and date range available."""
    source = current_source(name)
    try:
        version = query_cache().version(source)
    except SourceError:
        if source.name in _last_keys:
            return _last_keys[source.name]
        raise
    key = (source.name, id(source), version)
    _last_keys[source.name] = key
    return key


# The dimension a filter's choices come from, for the row-level scope.
_SCOPED_COLUMNS = {("location", "region"): "region", ("location", "location_id"): "location",
                   ("location", "channel"): "channel", ("sku", "category"): "category"}


@lru_cache(maxsize=128)
def _dimension_values(key: tuple, entity: str, column: str) -> tuple[str, ...]:
    return tuple(current_source(key[0]).distinct_values(entity, column))


def dimension_values(entity: str, column: str, source: str | None = None) -> list[str]:
    """Choices for a filter dropdown (dimension tables are small; cached per data
    version), narrowed to the caller's scope on that same dimension."""
    values = list(_dimension_values(_version_key(source), entity, column))
    dim = _SCOPED_COLUMNS.get((entity, column))
    return allowed_values(dim, values) if dim else values


@lru_cache(maxsize=32)
def _channel_values(key: tuple) -> tuple[str, ...]:
    src = current_source(key[0])
    values = set(src.distinct_values("location", "channel"))
    values |= set(src.distinct_values("sales", "channel"))
    return tuple(sorted(values))


def channel_values(source: str | None = None) -> list[str]:
    """Channels of locations and of sales lines (a store can sell online), narrowed to the
    caller's scope on channels."""
    return allowed_values("channel", list(_channel_values(_version_key(source))))


@lru_cache(maxsize=32)
def _data_range(key: tuple) -> tuple[date | None, date | None]:
    lo, hi = current_source(key[0]).date_range()
    return lo, hi  # type: ignore[return-value]


def data_range(source: str | None = None) -> tuple[date | None, date | None]:
    """First and last date of the data; presets like "last 30 days" end at the last one."""
    return _data_range(_version_key(source))
