"""The HTTP robot every IM and webhook receiver is: a threaded local server that records
each request and answers what the subclass decides; `fail_times` / `always_fail` make it
answer "system busy" for retry tests. `Window` counts messages as the services
rate-limit them.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.integration.receivers.net import LOCALHOST


@dataclass
class Received:
    """One request a robot got, and what it answered."""

    path: str
    query: dict[str, str]  # URL-decoded
    query_string: str  # as sent
    headers: dict[str, str]
    raw: bytes
    json: Any
    status: int = 200
    answer: Any = None
    accepted: bool = False


@dataclass
class Answer:
    status: int
    body: Any
    accepted: bool = False


class HttpReceiver:
    """A ThreadingHTTPServer on a free local port in a daemon thread; subclasses decide
    the answer in `answer`. Every request is recorded in `requests`."""

    path = "/"

    def __init__(self, *, fail_times: int = 0, always_fail: bool = False) -> None:
        self.fail_times, self.always_fail = fail_times, always_fail
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                # parse_qs URL-decodes exactly as the services do ("+" is a space)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body = None
                got = Received(parts.path, query, parts.query, dict(self.headers.items()),
                               raw, body)
                with receiver._lock:
                    answer = receiver._dispatch(got)
                got.status, got.answer, got.accepted = answer.status, answer.body, answer.accepted
                with receiver._lock:
                    receiver.requests.append(got)
                payload = (answer.body if isinstance(answer.body, bytes)
                           else json.dumps(answer.body, ensure_ascii=False).encode())
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the URL carries the robot's key: keep it out of test output

        self.server = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.port = int(self.server.server_address[1])
        # a short poll so that leaving the `with` block does not wait half a second
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._failures_left = fail_times

    @property
    def base(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def accepted(self) -> list[Any]:
        """The JSON bodies of the messages it accepted (delivered)."""
        return [r.json for r in self.requests if r.accepted]

    def _dispatch(self, got: Received) -> Answer:
        if self.always_fail or self._failures_left > 0:
            self._failures_left -= 1
            return self.busy()
        return self.answer(got)

    def busy(self) -> Answer:
        return Answer(503, {"error": "service unavailable"})

    def answer(self, got: Received) -> Answer:
        raise NotImplementedError

    def __enter__(self) -> HttpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class Window:
    """Sliding-window counter of accepted messages, as the services rate-limit."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def count(self, seconds: float) -> int:
        now = time.monotonic()
        return sum(1 for t in self.times if now - t < seconds)

    def add(self) -> None:
        self.times.append(time.monotonic())
