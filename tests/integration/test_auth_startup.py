"""Safe defaults at start: no account means no login, which only a loopback server may
offer — `serve` on another address and gunicorn refuse to start, in one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from auth.startup import is_loopback, serve_refusal
from tests.integration.auth_support import make_user

ROOT = Path(__file__).resolve().parents[2]


def _env(state_db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKLENS_")}
    return {**env, "STOCKLENS_STATE_DB": str(state_db), **extra}


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("127.0.0.2", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
    ("example.com", False)])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_on_a_public_address_without_accounts_refuses(state_db: Path) -> None:
    done = subprocess.run([sys.executable, "app.py", "serve", "--host", "0.0.0.0"],
                          cwd=ROOT, env=_env(state_db), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: refusing to serve on 0.0.0.0 without login")
    assert "python app.py users add NAME --role admin" in lines[0]


def test_with_an_account_a_public_address_is_allowed(state_db: Path) -> None:
    assert serve_refusal("0.0.0.0") is not None
    make_user("ada", "admin")
    assert serve_refusal("0.0.0.0") is None


def test_gunicorn_without_accounts_stops_with_the_reason(state_db: Path,
                                                         demo_db: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    done = subprocess.run([str(gunicorn), "--bind", "127.0.0.1:0", "--workers", "1",
                           "app:server"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=_env(state_db, STOCKLENS_DB=str(demo_db)))
    assert done.returncode != 0
    assert "StockLens refuses to start without login" in done.stderr
    assert "STOCKLENS_ALLOW_NO_AUTH=1" in done.stderr
    assert "Traceback" not in done.stderr
