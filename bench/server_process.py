"""A StockLens server process for a benchmark: a free port, waiting until it answers, and
stopping it (TERM, then KILL) — shared by the board benchmark (app.py serve) and the
wall load benchmark (gunicorn)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen, log_path: Path, timeout_s: float) -> None:
    """Until `url` answers 200 (the server imported Dash and opened its source); the
    server's log in the error when it exits or never answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n"
                               + log_path.read_text(errors="replace")[-3000:])
        with suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout_s:.0f} s")


def stop(proc: subprocess.Popen, grace_s: float) -> None:
    """TERM, then KILL after `grace_s` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
