"""Several server processes starting together on a new app-state file (gunicorn workers)
all come up: creating the tables is not a race between them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START = """
import importlib, pkgutil, sys
import app_state
from app_state.db import state_engine
for module in pkgutil.iter_modules(app_state.__path__):
    importlib.import_module(f"app_state.{module.name}")
sys.stdin.read()  # start together: released when the test closes every stdin
state_engine()
print("ok")
"""


def test_workers_starting_together_on_a_new_state_file_all_start(tmp_path: Path) -> None:
    for attempt in range(3):
        path = tmp_path / f"state-{attempt}.sqlite"
        env = {**os.environ, "STOCKLENS_STATE_DB": str(path)}
        procs = [subprocess.Popen([sys.executable, "-c", START], cwd=ROOT, env=env, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(6)]
        for proc in procs:  # all imported: let them go at once
            proc.stdin.close()
        results = [(proc.stdout.read(), proc.stderr.read()) for proc in procs]
        for proc in procs:
            proc.wait(timeout=120)
        failed = [err.strip().splitlines()[-1] for (out, err), p in zip(results, procs,
                                                                         strict=True)
                  if p.returncode != 0 or out.strip() != "ok"]
        assert failed == [], failed
