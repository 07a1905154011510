"""A real StockLens server in a subprocess, for tests that attack it over HTTP: `python
app.py serve` (werkzeug, threaded) or gunicorn, on a free loopback port, with its own
app-state database and accounts made with `python app.py users add`, its log in a file.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.integration.auth_support import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT_S = 180
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
COOKIE = "stocklens_session"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(state_db: Path | str, **extra: str) -> dict[str, str]:
    """The environment of a server or command on `state_db`: a SQLite file, or a
    database URL (kept as text: a Path would fold its "//")."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("STOCKLENS_") or k.startswith("STOCKLENS_TEST_")}
    env.update(STOCKLENS_STATE_DB=str(state_db), STOCKLENS_FORECAST_JOB="off", **extra)
    return env


def cli(state_db: Path | str, *args: str, stdin: str = "",
        **env: str) -> subprocess.CompletedProcess:
    """`python app.py ARGS` on that state database."""
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, input=stdin,
                          env=server_env(state_db, **env), capture_output=True, text=True,
                          timeout=120)


def add_account(state_db: Path | str, name: str, role: str, *scope: str) -> None:
    args = ["users", "add", name, "--role", role, "--password-stdin"]
    for item in scope:
        args += ["--scope", item]
    done = cli(state_db, *args, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr


@dataclass
class LiveServer:
    url: str
    state_db: Path
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


def start(command: Sequence[str], state_db: Path, log: Path, port: int,
          **env: str) -> LiveServer:
    """Run `command` (which serves on `port`) until GET /login answers."""
    handle = log.open("w")
    process = subprocess.Popen(list(command), cwd=ROOT, env=server_env(state_db, **env),
                               stdout=handle, stderr=subprocess.STDOUT)
    handle.close()
    server = LiveServer(f"http://127.0.0.1:{port}", state_db, log, process)
    deadline = time.monotonic() + BOOT_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {server.log_text()[-3000:]}")
        try:
            if requests.get(server.url + "/login", timeout=5).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.25)
    server.stop()
    raise AssertionError(f"the server did not answer in {BOOT_TIMEOUT_S} s: "
                         f"{server.log_text()[-3000:]}")


def serve(state_db: Path, demo_db: Path, log: Path, **env: str) -> LiveServer:
    """`python app.py serve` on 127.0.0.1 (werkzeug's threaded server)."""
    port = free_port()
    return start([sys.executable, "app.py", "serve", "--port", str(port), "--db",
                  str(demo_db)], state_db, log, port, **env)


def gunicorn(state_db: Path, demo_db: Path, log: Path, *options: str, **env: str) -> LiveServer:
    """gunicorn app:server (one gthread worker) on 127.0.0.1, the demo data as STOCKLENS_DB."""
    port = free_port()
    binary = Path(sys.executable).with_name("gunicorn")
    return start([str(binary), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                  "--worker-class", "gthread", "--threads", "4", *options, "app:server"],
                 state_db, log, port, STOCKLENS_DB=str(demo_db), **env)


def csrf_in(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def sign_in(base: str, name: str, password: str = PASSWORD,
            remember: bool = False) -> requests.Session:
    """A browser-like session signed in through the real form."""
    browser = requests.Session()
    token = csrf_in(browser.get(base + "/login", timeout=30).text)
    data: dict[str, Any] = {"name": name, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "1"
    response = browser.post(base + "/login", data=data, allow_redirects=False, timeout=60)
    assert response.status_code == 303, response.text[:500]
    return browser
