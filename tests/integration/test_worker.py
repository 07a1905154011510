"""`python app.py worker`: the forecast job and the alert scheduler in processes of their
own, for a web tier that runs with STOCKLENS_FORECAST_JOB=off and STOCKLENS_ALERTS=off.
Two workers on one PostgreSQL state compute a source's forecasts once and send a due
alert once; they stop cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app_state import migrate
from app_state.db import STATE_DB_ENV, close_state_engine, open_state_engine
from tests.integration.live_server import server_env
from tests.integration.receivers.webhook import WebhookReceiver
from tests.integration.servers import POSTGRES, ScratchDatabase, create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL state database at this code's revision, for this test."""
    db: ScratchDatabase = create_database(POSTGRES)
    engine = open_state_engine(db.url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv(STATE_DB_ENV, db.url)
    try:
        yield db.url
    finally:
        close_state_engine()
        drop_database(db)


def worker(state: str, log: Path, *args: str, **env: str) -> subprocess.Popen:
    handle = log.open("w")
    process = subprocess.Popen([sys.executable, "app.py", "worker", *args], cwd=ROOT,
                               env=server_env(state, **env), stdout=handle,
                               stderr=subprocess.STDOUT)
    handle.close()
    return process


def test_worker_once_stores_the_forecasts_and_a_second_round_does_nothing(
        state_db: Path | str, demo_db: Path, tmp_path: Path) -> None:
    from app_state.forecasts import runs_of

    for attempt in range(2):
        done = subprocess.run([sys.executable, "app.py", "worker", "--once", "--db",
                               str(demo_db)], cwd=ROOT, env=server_env(state_db),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        computed = "forecast demo: " in done.stderr
        assert computed == (attempt == 0), done.stderr
    runs = runs_of("demo")
    assert [r.status for r in runs] == ["done"] and runs[0].series > 0


def test_two_workers_share_the_work_and_stop_on_sigterm(
        pg_state: str, demo_db: Path, tmp_path: Path) -> None:
    from app_state.alerts import claims_of
    from app_state.forecasts import runs_of

    with WebhookReceiver() as hook:
        config = tmp_path / "stocklens.yaml"
        config.write_text(yaml.safe_dump({
            "sources": {"demo": {"url": f"duckdb:///{demo_db}"}},
            "alerts": [{"name": "Every minute", "metric": "revenue",
                        "condition": {"above": 1}, "schedule": "* * * * *",
                        "channels": [{"type": "webhook", "url": hook.url}]}]}),
            encoding="utf-8")
        logs = [tmp_path / f"worker{i}.log" for i in range(2)]
        # the web tier's switches are off here too: the worker runs its jobs regardless
        workers = [worker(pg_state, log, "--config", str(config),
                          STOCKLENS_ALERTS="off",
                          STOCKLENS_ALERTS_TICK_S="1") for log in logs]
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                runs = runs_of("demo")
                if runs and runs[0].status == "done" and claims_of("config:Every minute"):
                    break
                assert all(w.poll() is None for w in workers), [f.read_text() for f in logs]
                time.sleep(0.5)
            time.sleep(3)  # more ticks of both schedulers
        finally:
            for process in workers:
                process.send_signal(signal.SIGTERM)
            codes = [process.wait(timeout=60) for process in workers]
        texts = [log.read_text() for log in logs]
        sent = len(hook.requests)
    assert codes == [0, 0], texts
    assert all("worker started" in t and "worker stopping (signal 15)" in t for t in texts)
    assert sum("forecast demo: " in t for t in texts) == 1, texts  # computed once
    runs = runs_of("demo")
    assert len(runs) == 1 and runs[0].status == "done"
    claims = claims_of("config:Every minute")
    assert sent == len(claims) >= 1  # each due minute sent once, by one of the two
    assert len({due for due, _ in claims}) == len(claims)
