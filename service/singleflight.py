"""Single-flight: concurrent misses on one key compute once.

The screens of one warehouse tick together: forty walls asking the same question in the
same second must not send forty identical statements to the database. The first caller
computes; the others wait for its answer (or its exception). Per process; across
processes the shared Redis cache answers the ones that come after.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class _Call:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class SingleFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}
        self.computed = 0  # how many times a function really ran (for tests and bench)

    def do(self, key: str, compute: Callable[[], Any]) -> Any:
        """compute()'s result; callers arriving while it runs share it."""
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
        assert call is not None
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.result
        try:
            self.computed += 1
            call.result = compute()
            return call.result
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._lock:
                self._calls.pop(key, None)
            call.done.set()
