"""What a fresh clone gets from `make run` (issue 24): the port and address it is given, and
the demo's two boards on the demo's first run, which the README's wall example names."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.integration.live_server import free_port, server_env

ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT_S = 180


def _make_run(port: int, host: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`make run PORT=… HOST=…` as typed, without re-installing the requirements (-o: the
    venv counts as installed), in a process group of its own so that make's child goes too."""
    with log.open("w") as handle:
        return subprocess.Popen(["make", "-s", "-o", ".venv/.installed", "run",
                                 f"PORT={port}", f"HOST={host}"], cwd=ROOT, env=env,
                                stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def test_make_run_serves_on_the_port_it_is_given(tmp_path: Path, demo_db: Path,
                                                 state_db: Path | str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(demo_db, data / "demo.duckdb")  # the demo is built already: no 10 s build
    port = free_port()
    log = tmp_path / "make-run.log"
    process = _make_run(port, "127.0.0.1", server_env(state_db, STOCKLENS_DATA_DIR=str(data)),
                        log)
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        answer = None
        while answer is None and time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            except requests.ConnectionError:
                time.sleep(0.25)
        assert answer is not None, f"nothing on port {port}: {log.read_text()[-3000:]}"
        assert answer.status_code == 200
        assert "StockLens" in answer.text
        assert f"127.0.0.1:{port}" in log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_run_passes_host_and_port_to_serve() -> None:
    # --no-print-directory: under `make test` (MAKELEVEL set) make would frame its output
    # with "Entering/Leaving directory" lines
    done = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.installed",
                           "run", "PORT=8060", "HOST=0.0.0.0"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip().endswith("app.py serve --host 0.0.0.0 --port 8060")


def test_the_demo_first_run_adds_the_two_demo_boards(tmp_path: Path, demo_db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """demo_registry() on a data folder without the demo (a fresh clone) builds it, then
    stores the executive and the warehouse board; the second run adds nothing."""
    import app
    from app_state.boards import get_board, list_boards
    from components.boards.saved import get_view
    from data_connectors import paths

    target = tmp_path / "demo.duckdb"
    monkeypatch.setattr(paths, "DEMO_DB", target)
    # the full-scale build takes its 10 s elsewhere (bench/demo_build.py): here the small one
    monkeypatch.setattr(app, "ensure_demo_data", lambda: shutil.copy(demo_db, target)
                        and target)
    assert list_boards() == []
    app.demo_registry()
    boards = list_boards()
    assert [b.name for b in boards] == ["Executive board · 经营看板", "Warehouse board · 仓库看板"]
    assert [b.tiles for b in boards] == [5, 5]
    views = {get_view(tile.view_id).spec.metrics for b in boards for tile in get_board(b.id).tiles}
    assert ("days_of_supply",) in views and ("aged_value",) in views
    app.demo_registry()  # the demo exists now: not a first run
    assert len(list_boards()) == 2
    # the README's wall example opens one of them
    ids = {str(b.id) for b in boards}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"/wall\?[^\s`]*board=(\d+)", readme))
    assert named and named <= ids, (named, ids)
