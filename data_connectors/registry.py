"""The named sources a server answers from, opened on first use, and their health.

Sources come from the config file (or one --db/--url); each is opened lazily so a source
that is down does not stop the others, and a failed open is retried on the next request.

Opening a source may take as long as a connect timeout (a server that does not answer), so
the registry's lock only guards its dictionaries and is never held while connecting: the
first requests for one source wait for a single open of it, requests for other sources go on.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from data_connectors.config import AppConfig, CacheConfig, SourceConfig
from data_connectors.extract_files import superseded
from data_connectors.open_source import open_configured
from data_connectors.source import Source, SourceError


class _Opening:
    """One open of a source in progress; the requests that arrive meanwhile wait for it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.source: Source | None = None
        self.error: BaseException | None = None

    def outcome(self) -> Source:
        self.done.wait()
        if self.error is not None:
            raise self.error
        assert self.source is not None
        return self.source


class SourceRegistry:
    def __init__(self, configs: dict[str, SourceConfig], default: str,
                 cache: CacheConfig | None = None) -> None:
        if default not in configs:
            raise SourceError(f"default source {default!r} is not configured")
        self.configs = dict(configs)
        self.default = default
        self.cache = cache or CacheConfig.from_env()
        self._open: dict[str, Source] = {}
        self._opening: dict[str, _Opening] = {}  # opens in progress, one per source
        self._lock = threading.Lock()  # guards the dictionaries; never held while connecting

    @classmethod
    def from_config(cls, config: AppConfig) -> SourceRegistry:
        return cls(config.sources, config.default_source, config.cache)

    @classmethod
    def of_source(cls, source: Source) -> SourceRegistry:
        """A registry around one already-open source (a --db file, tests)."""
        registry = cls({source.name: SourceConfig(source.name, str(source.engine.url))},
                       source.name)
        registry._open[source.name] = source
        return registry

    def add(self, config: SourceConfig) -> None:
        """Register a source created while serving (an upload into a new database)."""
        with self._lock:
            self.configs[config.name] = config

    def duckdb_path(self, name: str) -> Path | None:
        """The file of a DuckDB source without a mapping (a possible import target)."""
        cfg = self.configs[name]
        url = sa.engine.make_url(cfg.url)
        if url.get_backend_name() == "duckdb" and cfg.mapping is None and url.database:
            return Path(url.database)
        return None

    def names(self) -> list[str]:
        return list(self.configs)

    def label(self, name: str) -> str:
        return self.configs[name].label or name

    def get(self, name: str | None = None) -> Source:
        """The open source `name` (the default when None), opened on first use.

        Concurrent first requests for one source share a single open (and its error);
        the lock is released while connecting, so other sources are never held up."""
        name = name or self.default
        if name not in self.configs:
            raise SourceError(f"unknown source {name!r}; configured: {', '.join(self.configs)}")
        stale = None
        with self._lock:
            if name in self._open:
                if not superseded(self._open[name], self.configs[name]):
                    return self._open[name]
                stale = self._open.pop(name)  # a refresh published a newer extract
            waiting = self._opening.get(name)
            if waiting is None:
                opening = self._opening[name] = _Opening()
            config = self.configs[name]
        if stale is not None:  # requests still on it finish; its idle connections close
            stale.dispose()
        if waiting is not None:  # another request is opening this source: share its outcome
            return waiting.outcome()
        try:
            source = open_configured(config)
            with self._lock:
                self._open[name] = source
            opening.source = source
            return source
        except BaseException as exc:  # not kept: the next request tries again
            opening.error = exc
            raise
        finally:
            with self._lock:
                self._opening.pop(name, None)
            opening.done.set()

    def release(self, name: str) -> None:
        """Close a source's connections (before an import rewrites its file); the next
        `get` opens it again and sees the new data."""
        with self._lock:
            opening = self._opening.get(name)
        if opening is not None:  # an open in progress would put the old file back
            opening.done.wait()
        with self._lock:
            source = self._open.pop(name, None)
        if source is not None:
            source.dispose()

    def dispose(self) -> None:
        for name in list(self._open):
            self.release(name)


def add_imported_databases(registry: SourceRegistry, folder: Path) -> None:
    """Databases created by the upload page in earlier runs become sources again."""
    for path in sorted(folder.glob("*.duckdb")):
        if path.stem not in registry.configs:
            registry.add(SourceConfig(path.stem, f"duckdb:///{path}"))
