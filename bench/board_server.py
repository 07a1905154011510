"""The StockLens server under test for bench/board_bench.py, and its memory.

`app.py serve` (one process, Flask's threaded server, the in-process query cache) on a
free port with a throw-away app-state database, so a run never touches data/'s users
and boards, and with the background forecast job off (it is not what is measured, and
it would share the CPU with every figure). A sampler thread records the process's RSS
every 100 ms: the peak is what the 1.5 GB target is checked against (DuckDB's buffer pool
lives in the same process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from server_process import free_port, stop, wait_ready

ROOT = Path(__file__).resolve().parents[1]
LOCK = Path("/tmp/stocklens-bench.lock")
_held: list[bool] = []  # non-empty while this process holds the lock


class RssSampler(threading.Thread):
    """Peak resident memory of a process (and its children) while the benchmark runs."""

    def __init__(self, pid: int, every_s: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.proc, self.every_s = psutil.Process(pid), every_s
        self.peak = 0
        self.stop = threading.Event()

    def current(self) -> int:
        try:
            procs = [self.proc, *self.proc.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs)
        except psutil.Error:
            return 0

    def run(self) -> None:
        while not self.stop.wait(self.every_s):
            self.peak = max(self.peak, self.current())


@contextmanager
def serve(source_args: list[str], log_path: Path) -> Iterator[tuple[str, RssSampler]]:
    """Serve StockLens on `source_args` (--db FILE or --url URL); yield its base URL and
    RSS sampler; stop it (TERM, then KILL) however the block ends."""
    port = free_port()
    state_dir = tempfile.mkdtemp(prefix="board-bench-state-")
    # The demand-forecast job is off: it would forecast every SKU-location of the fresh
    # state database while the boards are measured (at 10M, minutes of both cores).
    env = {**os.environ, "STOCKLENS_STATE_DB": str(Path(state_dir) / "state.sqlite"),
           "STOCKLENS_FORECAST_JOB": "off"}
    cmd = [sys.executable, str(ROOT / "app.py"), "serve", *source_args, "--port", str(port)]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    sampler = RssSampler(proc.pid)
    try:
        wait_ready(base + "/_dash-layout", proc, log_path, timeout_s=180)
        sampler.start()
        yield base, sampler
    finally:
        sampler.stop.set()
        stop(proc, grace_s=10)


@contextmanager
def bench_lock() -> Iterator[None]:
    """CPU etiquette on a shared machine: wait while someone else measures, then hold the
    lock file while we do; it is removed however the run ends (Ctrl-C, an error).
    Re-entrant: a run inside one that holds it (board_pg.py → board_bench.py) goes on."""
    if _held:
        yield
        return
    while LOCK.exists():
        print(f"waiting for {LOCK} (someone else is measuring)", file=sys.stderr)
        time.sleep(15)
    LOCK.touch()
    _held.append(True)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        LOCK.unlink(missing_ok=True)
        _held.clear()
        signal.signal(signal.SIGTERM, previous)


def _terminate(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    import platform

    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": cpu,
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
