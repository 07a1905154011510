"""Answers cached by (source, data version, question), and what to do when a source
stops answering. Owned by the query service (service/queries.py): the key it passes
already names the principal's scope, so two scopes never share an entry.

- A result is cached under the source's data version, so an import (which writes a new
  version) makes every older result unreachable at once; sources without a version (a
  company database) rely on the TTL.
- The backend is flask-caching's: in-process by default, Redis when configured, so many
  wall screens and server workers share one computation.
- The last good result of every query is also kept, longer. When the source fails (down,
  refusing, too slow), that result is served with `attrs["stale_since"]` = when it was
  read, and the source is left alone for a while (back-off: 2, 4, 8 … 60 s) instead of
  every request waiting for its timeout. The first success after that ends the incident.
- Concurrent misses on one key compute once (service/singleflight.py).
- An incident is shared through the cache backend (Redis: every worker and server) as
  well as kept by the process that met it: all see the source down since the same time
  (one stale notice everywhere), serve the last good values at once instead of each
  waiting for its own timeout, and after the back-off the next to try asks the source
  itself; its success ends the incident for all. A shared incident that nobody retries
  expires after two of the longest back-offs, so it never outlives the outage.
- One log line per incident (and one when it ends), not per request: the line is written
  by whichever process registers the incident first in the shared cache (and by the one
  that removes it).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import pandas as pd
from flask_caching.backends import BaseCache, RedisCache, SimpleCache

from data_connectors.source import Source, SourceError
from service.execute import mapped_errors
from service.singleflight import SingleFlight

log = logging.getLogger("stocklens.sources")
PREFIX = "stocklens:"
SHARED_INCIDENT_BACKOFFS = 2  # a shared incident nobody retries expires after 2 back-offs
_UNREADABLE = object()


@dataclass(frozen=True)
class CachePolicy:
    ttl_s: int = 300  # fresh results
    version_ttl_s: float = 5.0  # how long a process trusts the data version it read
    last_good_ttl_s: int = 7 * 24 * 3600  # what outages fall back on
    max_backoff_s: float = 60.0
    incident_check_s: float = 1.0  # how long a process trusts the shared incident it read


@dataclass(frozen=True)
class SourceStatus:
    ok: bool
    since: datetime | None = None  # start of the current incident
    message: str | None = None


@dataclass
class _Incident:
    since: float
    failures: int
    next_try: float
    message: str


def make_backend(redis_url: str | None, ttl_s: int) -> BaseCache:
    """Redis when a URL is given (shared by processes), else this process's memory."""
    if redis_url:
        import redis

        return RedisCache(host=redis.Redis.from_url(redis_url), default_timeout=ttl_s,
                          key_prefix=PREFIX)
    return SimpleCache(threshold=2000, default_timeout=ttl_s)


class QueryCache:
    def __init__(self, backend: BaseCache, policy: CachePolicy | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.backend = backend
        self.policy = policy or CachePolicy()
        self.clock = clock
        self.flights = SingleFlight()
        self._versions: dict[str, tuple[str | None, float]] = {}
        self._incidents: dict[str, _Incident] = {}
        self._shared: dict[str, tuple[_Incident | None, float]] = {}  # name → (read, when)
        self._lock = threading.Lock()
        self._backend_down = False

    # ---- the one entry point ------------------------------------------------------------
    def run(self, source: Source, key_text: str,
            compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The answer stored under `key_text` for the source's current data, computed by
        `compute` on a miss (once for concurrent misses); during an outage the last good
        answer with attrs["stale_since"] (SourceError when there is none)."""
        name, digest = source.name, hashlib.sha1(key_text.encode()).hexdigest()
        last_key = f"last:{name}:{digest}"
        incident = self._incident(name)
        if incident is not None:
            if self.clock() < incident.next_try:
                return self._stale(last_key, incident.message)
            with self._lock:  # past the back-off: ask the source itself, not a copy
                self._versions.pop(name, None)
        try:
            key = f"q:{name}:{self.version(source)}:{digest}"
            frame = self._get(key)
            if frame is None:
                frame = self.flights.do(key, lambda: self._compute(key, last_key, compute))
        except SourceError as exc:
            self._failed(name, str(exc), incident)
            return self._stale(last_key, str(exc))
        if incident is not None:
            self._recovered(name, incident)
        return frame.copy()

    def _compute(self, key: str, last_key: str,
                 compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        frame = self._get(key)  # a caller that just finished may have stored it
        if frame is None:
            frame = compute()
            self._set(key, frame, self.policy.ttl_s)
            self._set(last_key, {"frame": frame, "read_at": self.clock()},
                      self.policy.last_good_ttl_s)
        return frame

    def status(self, name: str) -> SourceStatus:
        incident = self._incident(name)
        if incident is None:
            return SourceStatus(True)
        return SourceStatus(False, datetime.fromtimestamp(incident.since, UTC), incident.message)

    def invalidate(self, name: str) -> None:
        """Forget the data version read for `name` (an import just wrote a new one)."""
        with self._lock:
            self._versions.pop(name, None)

    # ---- data version ----------------------------------------------------------------------
    def version(self, source: Source) -> str:
        """The source's data version, read at most every version_ttl_s seconds."""
        now = self.clock()
        known = self._versions.get(source.name)
        if known is not None and now - known[1] < self.policy.version_ttl_s:
            return known[0] or "unversioned"
        with mapped_errors(source):
            version = source.data_version()
        with self._lock:
            self._versions[source.name] = (version, now)
        return version or "unversioned"

    # ---- outages -------------------------------------------------------------------------
    def _stale(self, last_key: str, message: str) -> pd.DataFrame:
        last = self._get(last_key)
        if last is None:
            raise SourceError(message)
        frame = last["frame"].copy()
        frame.attrs["stale_since"] = datetime.fromtimestamp(last["read_at"], UTC)
        return frame

    def _incident(self, name: str) -> _Incident | None:
        """The source's incident as every process sees it: the shared record (read from
        the backend at most every incident_check_s); this process's own only while the
        backend cannot be read. A record gone means the incident ended (another process
        saw the source answer) or expired."""
        now = self.clock()
        known = self._shared.get(name)
        if known is not None and now - known[1] < self.policy.incident_check_s:
            return known[0]
        found = self._guard(lambda: self.backend.get(f"incident:{name}"), _UNREADABLE)
        if found is _UNREADABLE:
            return self._incidents.get(name)
        shared = _Incident(**found) if isinstance(found, dict) else None
        if shared is None:
            with self._lock:
                self._incidents.pop(name, None)
        self._shared[name] = (shared, now)
        return shared

    def _failed(self, name: str, message: str, before: _Incident | None = None) -> None:
        """Count a failure: back off, and share the incident (a new one is registered by
        the first process to meet it, which writes the log line)."""
        now = self.clock()
        with self._lock:
            incident = self._incidents.get(name) or before
            failures = incident.failures + 1 if incident else 1
            delay = min(self.policy.max_backoff_s, 2.0 ** min(failures, 6))
            current = _Incident(incident.since if incident else now, failures, now + delay,
                                message)
            self._incidents[name] = current
            self._versions.pop(name, None)
        key, ttl = f"incident:{name}", int(SHARED_INCIDENT_BACKOFFS * self.policy.max_backoff_s)
        if incident is not None:
            self._set(key, asdict(current), ttl + 1)
        elif self._add(key, asdict(current), ttl + 1):
            log.warning("source %s is failing: %s; serving the last good values and "
                        "retrying with back-off", name, message)
        self._shared[name] = (current, now)

    def _recovered(self, name: str, incident: _Incident) -> None:
        """The source answered: the incident ends here and for every process (the one
        that removes the shared record writes the log line)."""
        with self._lock:
            self._incidents.pop(name, None)
        self._shared[name] = (None, self.clock())
        if self._delete(f"incident:{name}"):
            log.warning("source %s is answering again after %.0f s", name,
                        self.clock() - incident.since)

    # ---- a backend that may itself be down ---------------------------------------------------
    def _guard(self, action: Callable[[], object], default: object) -> object:
        """A cache that fails (Redis down) degrades to no cache, logged once."""
        try:
            result = action()
        except Exception as exc:  # any backend failure: carry on uncached
            if not self._backend_down:
                self._backend_down = True
                log.warning("query cache unavailable (%s); answering without it", exc)
            return default
        self._backend_down = False
        return result

    def _get(self, key: str) -> object:
        return self._guard(lambda: self.backend.get(key), None)

    def _set(self, key: str, value: object, ttl: int) -> None:
        self._guard(lambda: self.backend.set(key, value, timeout=ttl), None)

    def _add(self, key: str, value: object, ttl: int) -> bool:
        return bool(self._guard(lambda: self.backend.add(key, value, timeout=ttl), True))

    def _delete(self, key: str) -> bool:
        return bool(self._guard(lambda: self.backend.delete(key), True))
