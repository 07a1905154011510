"""A source that is down holds up only the requests for that source.

The slow source is real: a PostgreSQL URL that points at a TCP listener which accepts the
connection and never answers, exactly what a hung server or a black-holed network does to
the client (it waits for its connect timeout). While one request is stuck opening it,
another source (a DuckDB file) opens and answers; concurrent first requests for one source
share a single open, and a failed open is tried again by the next request.

Nothing here asserts a duration: the order of events (recorded by a spy around the opener)
is the evidence, and the listener decides when the stuck open ends. Joins have generous
bounds only so that a regression fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from data_connectors import registry as registry_module
from data_connectors.config import SourceConfig
from data_connectors.registry import SourceRegistry
from data_connectors.source import Source, SourceError
from tests.builders import duckdb_source

BOUND_S = 60  # far above any healthy run; only stops a regression from hanging the suite


class SilentServer:
    """Accepts TCP connections and never says a word; holds them until `cut()` (or, in
    `hold=False` mode, hangs up on each at once, like a server that drops connections)."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.hold = True
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._changed:
                self.accepted += 1
                if self.hold:
                    self._held.append(conn)
                else:
                    conn.close()
                self._changed.notify_all()

    def wait_accepted(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.accepted >= count, BOUND_S), \
                f"the client never connected ({self.accepted} of {count})"

    def cut(self) -> None:
        """Hang up on the held connections; later ones are dropped at once."""
        with self._changed:
            self.hold = False
            held, self._held = self._held, []
        for conn in held:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        self.cut()
        self._listener.close()


class OpenerSpy:
    """Wraps the registry's opener: records ("enter"|"exit"|"fail", name) in order and can
    hold an open at its start until `release(name)`."""

    def __init__(self, real: Callable[[SourceConfig], Source]) -> None:
        self.real = real
        self.events: list[tuple[str, str]] = []
        self.gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def __call__(self, cfg: SourceConfig) -> Source:
        self._record("enter", cfg.name)
        gate = self.gates.get(cfg.name)
        if gate is not None:
            assert gate.wait(BOUND_S)
        try:
            source = self.real(cfg)
        except BaseException:
            self._record("fail", cfg.name)
            raise
        self._record("exit", cfg.name)
        return source

    def _record(self, what: str, name: str) -> None:
        with self._lock:
            self.events.append((what, name))

    def calls(self, name: str) -> int:
        with self._lock:
            return self.events.count(("enter", name))

    def snapshot(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self.events)


class Waiters:
    """Counts requests that found another request opening their source and waited for it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self._changed = threading.Condition()
        real = registry_module._Opening.outcome

        def outcome(opening: Any) -> Source:
            with self._changed:
                self.count += 1
                self._changed.notify_all()
            return real(opening)

        monkeypatch.setattr(registry_module._Opening, "outcome", outcome)

    def wait_for(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count >= count, BOUND_S), \
                f"only {self.count} of {count} requests waited for the open in progress"


class Call:
    """`fn()` in a thread, keeping its result or exception."""

    def __init__(self, fn: Callable[[], Source]) -> None:
        self.result: Source | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Source]) -> None:
        try:
            self.result = fn()
        except BaseException as exc:
            self.error = exc

    def join(self) -> Call:
        self._thread.join(BOUND_S)
        assert not self._thread.is_alive(), "the request is still blocked"
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


@pytest.fixture
def server() -> Iterator[SilentServer]:
    found = SilentServer()
    yield found
    found.close()


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> OpenerSpy:
    found = OpenerSpy(registry_module.open_configured)
    monkeypatch.setattr(registry_module, "open_configured", found)
    return found


@pytest.fixture
def registry(server: SilentServer, tmp_path: Path) -> Iterator[SourceRegistry]:
    shop = tmp_path / "shop.duckdb"
    duckdb_source(shop).dispose()
    down = (f"postgresql+psycopg://stocklens@127.0.0.1:{server.port}/erp"
            "?sslmode=disable&gssencmode=disable")  # one TCP connection per attempt
    found = SourceRegistry({"down": SourceConfig("down", down),
                            "shop": SourceConfig("shop", f"duckdb:///{shop}")}, "shop")
    yield found
    server.cut()  # a test that failed half-way must not leave a request stuck
    found.dispose()


def test_a_source_stuck_connecting_does_not_hold_up_another_source(
        registry: SourceRegistry, server: SilentServer, spy: OpenerSpy) -> None:
    stuck = Call(lambda: registry.get("down"))
    server.wait_accepted(1)  # the open of "down" is connecting and gets no answer

    shop = Call(lambda: registry.get("shop")).join()

    assert shop.error is None and shop.result is registry.get("shop")
    assert stuck.running
    assert spy.snapshot() == [("enter", "down"), ("enter", "shop"), ("exit", "shop")]

    server.cut()  # the server hangs up: the stuck open fails now
    stuck.join()
    assert isinstance(stuck.error, SourceError)
    assert spy.snapshot()[-1] == ("fail", "down")


def test_concurrent_first_requests_for_a_stuck_source_share_one_open_and_its_error(
        registry: SourceRegistry, server: SilentServer, spy: OpenerSpy,
        monkeypatch: pytest.MonkeyPatch) -> None:
    waiters = Waiters(monkeypatch)
    calls = [Call(lambda: registry.get("down")) for _ in range(6)]
    server.wait_accepted(1)
    waiters.wait_for(5)  # every other request waits for the one open in progress
    assert all(call.running for call in calls)

    server.cut()
    for call in calls:
        call.join()
        assert isinstance(call.error, SourceError)
    assert spy.calls("down") == 1 and server.accepted == 1

    # a failed open is not remembered: the next request tries again (and fails again)
    with pytest.raises(SourceError):
        registry.get("down")
    assert spy.calls("down") == 2 and server.accepted == 2


def test_concurrent_first_requests_for_one_source_open_it_once(
        registry: SourceRegistry, spy: OpenerSpy, monkeypatch: pytest.MonkeyPatch) -> None:
    waiters = Waiters(monkeypatch)
    spy.gates["shop"] = gate = threading.Event()  # the first open waits here
    calls = [Call(lambda: registry.get("shop")) for _ in range(6)]
    waiters.wait_for(5)
    assert spy.calls("shop") == 1

    gate.set()
    sources = [call.join().result for call in calls]
    assert all(call.error is None for call in calls)
    assert all(source is sources[0] for source in sources)
    assert registry.get("shop") is sources[0]
    assert spy.snapshot() == [("enter", "shop"), ("exit", "shop")]


def test_a_failed_open_is_tried_again_by_the_next_request(
        registry: SourceRegistry, spy: OpenerSpy, monkeypatch: pytest.MonkeyPatch) -> None:
    real = spy.real
    failures = iter([SourceError("the server is restarting")])

    def flaky(cfg: SourceConfig) -> Source:
        error = next(failures, None)
        if error is not None:
            raise error
        return real(cfg)

    spy.real = flaky
    with pytest.raises(SourceError, match="restarting"):
        registry.get("shop")
    assert registry.get("shop") is registry.get("shop")
    assert spy.snapshot() == [("enter", "shop"), ("fail", "shop"), ("enter", "shop"),
                              ("exit", "shop")]


def test_release_waits_for_an_open_in_progress(
        registry: SourceRegistry, spy: OpenerSpy) -> None:
    """An import releases its file's source before rewriting it; an open that was under way
    must not slip in afterwards with a connection to the old file."""
    spy.gates["shop"] = gate = threading.Event()
    opening = Call(lambda: registry.get("shop"))
    while spy.calls("shop") == 0:
        threading.Event().wait(0.01)
    released = Call(lambda: registry.release("shop"))
    assert released.running
    gate.set()
    opening.join()
    released.join()
    assert opening.result is not None
    assert registry.get("shop") is not opening.result  # the released one was closed
