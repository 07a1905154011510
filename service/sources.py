"""The sources a server answers from, the query cache it answers through, and which
source a request means.

Which source a page shows: `?source=` in its URL, else the one remembered by the navbar's
source switcher (a cookie), else the configured default.
"""

from __future__ import annotations

from data_connectors.registry import SourceRegistry
from data_connectors.source import Source, SourceError
from service.cache import CachePolicy, QueryCache, SourceStatus, make_backend

SOURCE_COOKIE = "stocklens_source"
_state: dict[str, object] = {}
_last_keys: dict[str, tuple[str, int, str]] = {}  # last version key that worked
_on_change: list = []  # functions that forget what they derived from the old sources


def use_registry(registry: SourceRegistry) -> None:
    old = _state.get("registry")
    _state["registry"] = registry
    _last_keys.clear()
    if isinstance(old, SourceRegistry) and old is not registry:
        old.dispose()
    for forget in _on_change:
        forget()


def on_change(forget: object) -> object:
    """Register a function called when the served sources change (decorator)."""
    _on_change.append(forget)
    return forget


def use_source(source: Source) -> None:
    """Serve a single, already-open source (a --db file, tests)."""
    use_registry(SourceRegistry.of_source(source))


def registry() -> SourceRegistry:
    try:
        return _state["registry"]  # type: ignore[return-value]
    except KeyError:
        raise SourceError("no data source is configured") from None


def use_cache(cache: QueryCache) -> None:
    """The query cache the server answers through (see service/cache.py)."""
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


def resolve(source: str | Source | None) -> Source:
    """An open Source: given as such (the CLI opened it), else by name from the registry."""
    return source if isinstance(source, Source) else registry().get(source)


def version_key(source: Source) -> tuple[str, int, str]:
    """Identifies the data: a re-import changes the version and so the cached answers.
    While the source is failing, the last key that worked keeps the pages' filter choices
    and date range available."""
    try:
        version = query_cache().version(source)
    except SourceError:
        if source.name in _last_keys:
            return _last_keys[source.name]
        raise
    key = (source.name, id(source), version)
    _last_keys[source.name] = key
    return key
