"""The server under test for bench/wall_load.py, and what is measured around it.

gunicorn serving app:server (optionally with the warm-workers hook), a sampler of its processes'
RSS and CPU time, the setup it needs (demo database, app-state database, a board, the
wall URLs and default scopes), and the machine, Redis and server-log figures of a run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
from server_process import stop, wait_ready

ROOT = Path(__file__).resolve().parents[1]
SERVER_LOG_PROBLEMS = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|"
                                 r"Worker .* was sent|Exception")


# Dash fills its registry of JS bundles and its callback map in a before_request hook
# whose "done" flag is set before the work (plotly/dash#3971): under gthread, requests
# that reach a fresh worker while its first request is being set up get 500 ("… is not a
# registered library"). app.create_app now runs that set-up itself (app.warm_up), so the
# benchmark measures the plain `app:server` by default; --warm-workers adds this hook,
# which makes each worker answer one request to itself before it accepts connections.
WARM_WORKERS_CONF = '''\
def post_worker_init(worker):
    """Run Dash's first-request setup before this worker takes any connection."""
    worker.wsgi.test_client().get("/wall")
'''


# ---- the server under test -------------------------------------------------------------------
@contextmanager
def gunicorn(args: argparse.Namespace, env: dict[str, str], log_path: Path) -> Iterator[
        subprocess.Popen]:
    """gunicorn serving app:server with the README's production flags; stopped (TERM,
    then KILL) however the block ends, Ctrl-C included."""
    config = []
    if args.warm_workers:
        hook = log_path.with_name("gunicorn_conf.py")
        hook.write_text(WARM_WORKERS_CONF, encoding="utf-8")
        config = ["--config", str(hook)]
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "app:server", *config,
           "--workers", str(args.workers), "--worker-class", "gthread",
           "--threads", str(args.threads), "--bind", f"127.0.0.1:{args.port}",
           "--timeout", str(args.gunicorn_timeout), "--backlog", str(args.backlog),
           "--keep-alive", str(args.keep_alive), *args.gunicorn_arg]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # Ctrl-C reaches us, not it
    try:
        # until the wall page answers (each worker imports Dash and opens the source)
        wait_ready(f"http://127.0.0.1:{args.port}/wall", proc, log_path, timeout_s=90)
        yield proc
    except BaseException:
        print("gunicorn's log ends:\n" + log_path.read_text(errors="replace")[-2000:],
              file=sys.stderr)
        raise
    finally:
        stop(proc, grace_s=30)


class ProcessSampler(threading.Thread):
    """RSS of gunicorn's master and workers every few seconds (peak per process), and
    their CPU time: a worker that was killed and replaced shows up as an extra pid."""

    def __init__(self, master_pid: int, every_s: float) -> None:
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.every_s = every_s
        self.stop = threading.Event()
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.samples = 0

    def procs(self) -> list[psutil.Process]:
        with suppress(psutil.Error):
            return [self.master, *self.master.children(recursive=True)]
        return []

    def sample(self) -> None:
        for proc in self.procs():
            with suppress(psutil.Error):
                rss = proc.memory_info().rss
                times = proc.cpu_times()
                self.peak_rss[proc.pid] = max(self.peak_rss.get(proc.pid, 0), rss)
                self.cpu[proc.pid] = times.user + times.system
        self.samples += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.every_s)

    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


# ---- setup -----------------------------------------------------------------------------------
def ensure_db(path: Path) -> None:
    """The demo database, built like `python app.py demo-data` when missing."""
    if path.exists():
        return
    print(f"building {path} (python app.py demo-data) …", file=sys.stderr)
    subprocess.run([sys.executable, str(ROOT / "app.py"), "demo-data", "--out", str(path)],
                   cwd=ROOT, check=True)


def default_scopes(db: Path, regions: int, locations: int) -> list[str]:
    """Regions with the most locations first, then locations spread over the sorted ids
    (distribution centres and stores): sites that share no queries with one another, so
    the cache sees variety."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        region_rows = con.execute("select region, count(*) n from location group by 1 "
                                  "order by n desc, region").fetchall()
        location_rows = con.execute("select location_id from location "
                                    "order by location_id").fetchall()
    finally:
        con.close()
    step = max(1, len(location_rows) // max(1, locations))  # DCs and stores alike
    return ([f"region:{r[0]}" for r in region_rows[:regions]]
            + [f"location:{r[0]}" for r in location_rows[::step][:locations]])


def prepare_state_db() -> None:
    """Create every app-state table in this one process before gunicorn starts (workers
    booting together on a fresh state file once raced in metadata.create_all; app_state
    now locks, and this keeps the boot out of the measurement)."""
    import importlib
    import pkgutil

    sys.path.insert(0, str(ROOT))
    import app_state
    from app_state.db import state_engine

    for module in pkgutil.iter_modules(app_state.__path__):
        importlib.import_module(f"app_state.{module.name}")
    state_engine()


def prepare_forecasts(db: Path) -> float:
    """Store the demand forecasts before gunicorn starts, as a running server has them
    (its background job makes them once per data version): the load measured is the
    steady state, with the ticker's reorder-point alerts, not a worker forecasting.
    Returns the seconds it took."""
    sys.path.insert(0, str(ROOT))
    from data_connectors.source import open_duckdb
    from forecast.job import refresh_source

    started = time.perf_counter()
    source = open_duckdb(db)
    try:
        refresh_source(source)
    finally:
        source.dispose()
    return round(time.perf_counter() - started, 1)


def make_board() -> int:
    """A board with two tiles (a table and a bar chart), in the temporary state
    database, so a board variant exercises the tile callbacks too."""
    sys.path.insert(0, str(ROOT))
    from app_state.boards import add_tile, create_board
    from components.boards.saved import save_view
    from components.boards.view_spec import ViewSpec

    board = create_board("Wall load board")
    add_tile(board, save_view("Revenue by region",
                              ViewSpec(metrics=("revenue",), dims=("region",), chart="table")))
    add_tile(board, save_view("Turnover days by channel",
                              ViewSpec(metrics=("turnover_days",), dims=("channel",),
                                       chart="bar")))
    return board


def wall_path(scope: str, refresh: int, rotate: int, board: int | None) -> str:
    path = f"/wall?scope={quote(scope, safe=':')}&refresh={refresh}&rotate={rotate}"
    return path + (f"&board={board}" if board is not None else "")


def machine(redis_url: str) -> dict[str, Any]:
    import dash
    import gunicorn as gunicorn_pkg
    import redis

    try:
        server = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except redis.RedisError:
        server = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "gunicorn": gunicorn_pkg.__version__,
            "redis_server": server, "redis_py": redis.__version__, "dash": dash.__version__,
            "memory_mb": round(psutil.virtual_memory().total / 2**20)}


def redis_figures(redis_url: str) -> dict[str, Any]:
    """Key count of the benchmark's database, and the server's hit/miss counters (they
    cover every database, so the run's figures are the difference of two readings)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    stats = client.info("stats")
    return {"keys": client.dbsize(), "keyspace_hits": stats.get("keyspace_hits", 0),
            "keyspace_misses": stats.get("keyspace_misses", 0),
            "used_memory_mb": round(client.info("memory")["used_memory"] / 2**20, 1)}


def server_log_problems(path: Path, limit: int = 10) -> dict[str, Any]:
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    bad = [line for line in lines if SERVER_LOG_PROBLEMS.search(line)]
    return {"lines": len(bad), "first": bad[:limit]}


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy so far (all processes, all cores)."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0)
               for name in ("user", "nice", "system", "irq", "softirq", "steal"))


def own_cpu_seconds() -> float:
    """CPU seconds this process (the load generator) used so far."""
    times = psutil.Process().cpu_times()
    return times.user + times.system
