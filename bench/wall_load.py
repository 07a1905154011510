"""Load-test wall screens: many /wall screens refreshing against gunicorn + Redis.

    .venv/bin/python bench/wall_load.py [--screens 200 --interval 10 --duration 120
                                         --workers 4 --threads 4]

Why it is built this way:

- The traffic is a real browser's. Each distinct wall (a scope, optionally a board) is
  opened once in headless Chromium with performance logging, and the requests it makes
  to the server are recorded: the page, Dash's layout and dependency lists, the
  /_dash-update-component POST bodies of the initial load, and those of the first
  refresh tick (the callbacks fired by the `wall-refresh` interval). The simulated
  screens replay exactly those bodies, so the load follows the wall's code as it is
  (memo stores, outputs, pattern ids) instead of a hand-written copy that would drift.
- Static files (/assets/, /_dash-component-suites/) are not replayed: a wall loads
  them once and its browser keeps them; they say nothing about the refresh load.
- Screens are spread over several sites (regions and locations, one with a board):
  screens of the same site ask the same queries, which is what the shared Redis cache
  is for, while different sites keep it honest.
- Each screen starts at a random moment within the first interval (real screens are
  not switched on in the same millisecond), then refreshes every `interval` seconds;
  the requests of one refresh go out together, as the browser sends them.
- The load generator runs on the same machine as the server, so its own CPU use is
  recorded next to the server's: on a small machine it competes for the same cores.

The gunicorn server, the Redis database (flushed at start) and a throw-away app-state
database (STOCKLENS_STATE_DB) are the script's own; data/ is only read (the demo
database is built there if missing). Results go to bench/results/wall_load.json.

The parts live beside this file: wall_capture.py records a wall in Chromium,
wall_server.py runs and measures the server (and sets up what it needs), wall_replay.py
replays the screens and sums up their requests; this file holds the options and the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from server_process import free_port
from wall_capture import Variant, capture_with_retries, save_recording
from wall_replay import Result, Screen, latency, replay_once, summarise
from wall_server import (
    ROOT,
    ProcessSampler,
    default_scopes,
    ensure_db,
    gunicorn,
    machine,
    machine_busy_seconds,
    make_board,
    own_cpu_seconds,
    prepare_forecasts,
    prepare_state_db,
    redis_figures,
    server_log_problems,
    wall_path,
)

RESULTS = ROOT / "bench" / "results" / "wall_load.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--screens", type=int, default=200)
    p.add_argument("--interval", type=int, default=10, help="seconds between refreshes")
    p.add_argument("--duration", type=float, default=120, help="seconds of load")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                   help="a database of its own: it is flushed at the start")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--scopes", nargs="+", help="default: 4 regions and 3 locations")
    p.add_argument("--board-scopes", nargs="*", default=None,
                   help="scopes that also get a variant with a 2-tile board "
                        "(default: the first scope)")
    p.add_argument("--rotate", type=int, default=20)
    p.add_argument("--warmup", type=int, default=1,
                   help="passes of every variant's load + one refresh before measuring")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--gunicorn-timeout", type=int, default=60)
    p.add_argument("--backlog", type=int, default=2048)
    p.add_argument("--keep-alive", type=int, default=2, help="gunicorn's --keep-alive (s)")
    p.add_argument("--gunicorn-arg", action="append", default=[],
                   help="extra gunicorn argument (repeatable), e.g. --gunicorn-arg=--preload")
    p.add_argument("--warm-workers", action=argparse.BooleanOptionalAction, default=False,
                   help="each worker serves one request to itself before taking "
                        "connections (the old work-around for plotly/dash#3971; "
                        "app.create_app now does the same itself)")
    p.add_argument("--capture-browsers", type=int, default=3,
                   help="Chromium instances recording variants at once")
    p.add_argument("--sample-every", type=float, default=2.0, help="RSS sampling period (s)")
    p.add_argument("--keep-errors", type=int, default=10)
    p.add_argument("--save-recording", type=Path,
                   help="also write the recorded requests (bodies included) to this file, "
                        "e.g. to profile one callback in-process")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.db = args.db.resolve()
    args.port = args.port or free_port()
    ensure_db(args.db)
    rng = random.Random(args.seed)
    signal.signal(signal.SIGTERM, _interrupted)  # a kill stops gunicorn too

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    with tempfile.TemporaryDirectory(prefix="wall-load-") as tmp:
        tmp_dir = Path(tmp)
        # the app state (boards, server secret) lives in a throw-away file, never in data/
        os.environ["STOCKLENS_STATE_DB"] = str(tmp_dir / "state.sqlite")
        env = {**os.environ, "STOCKLENS_ALLOW_NO_AUTH": "1",
               "STOCKLENS_STATE_DB": str(tmp_dir / "state.sqlite"),
               "STOCKLENS_DATA_DIR": str(tmp_dir / "data"),
               "STOCKLENS_DB": str(args.db), "REDIS_URL": args.redis_url}
        env.pop("STOCKLENS_CONFIG", None)
        scopes = args.scopes or default_scopes(args.db, 4, 3)
        board_scopes = scopes[:1] if args.board_scopes is None else args.board_scopes
        prepare_state_db()
        forecast_s = prepare_forecasts(args.db)
        print(f"forecasts stored in {forecast_s} s", file=sys.stderr)
        board = make_board() if board_scopes else None
        variants = [Variant(s, wall_path(s, args.interval, args.rotate, None)) for s in scopes]
        variants += [Variant(f"{s} + board", wall_path(s, args.interval, args.rotate, board),
                             board) for s in board_scopes]
        log_path = tmp_dir / "gunicorn.log"
        base = f"http://127.0.0.1:{args.port}"
        print(f"gunicorn: {args.workers} workers × {args.threads} threads on {base}",
              file=sys.stderr)
        with gunicorn(args, env, log_path) as server:
            started = time.perf_counter()
            browser_errors: list[dict[str, Any]] = []
            with ThreadPoolExecutor(args.capture_browsers) as browsers:
                for done in [browsers.submit(capture_with_retries, base, v, args.interval)
                             for v in variants]:
                    browser_errors += done.result()
            capture_s = time.perf_counter() - started
            for v in variants:
                print(f"recorded {v.name}: {sum(map(len, v.initial))} initial requests in "
                      f"{len(v.initial)} waves, {len(v.tick)} per refresh", file=sys.stderr)

            if args.save_recording:
                save_recording(variants, args.save_recording)
            most = max(max(map(len, v.initial)) for v in variants)
            pool = ThreadPoolExecutor(min(1000, args.screens * max(most, 3)))
            warm = [r for _ in range(args.warmup)
                    for r in replay_once(variants, base, pool, args.request_timeout)]
            sampler = ProcessSampler(server.pid, args.sample_every)
            sampler.sample()
            cpu_before, own_cpu_before = sampler.cpu_seconds(), own_cpu_seconds()
            cpu_start = dict(sampler.cpu)
            machine_before = machine_busy_seconds()
            redis_before = redis_figures(args.redis_url)
            sampler.start()

            screens = [Screen(i, variants[i % len(variants)], base, pool,
                              args.request_timeout) for i in range(args.screens)]
            results: list[Result] = []
            late: list[float] = []
            stop = threading.Event()
            t0 = time.perf_counter() + 0.5
            threads = [threading.Thread(
                target=s.run, daemon=True,
                args=(t0, rng.uniform(0, args.interval), args.interval, args.duration,
                      stop, results, late)) for s in screens]
            print(f"{args.screens} screens, a refresh every {args.interval} s for "
                  f"{args.duration:.0f} s …", file=sys.stderr)
            try:
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            except KeyboardInterrupt:
                stop.set()
                print("interrupted: stopping the screens and the server", file=sys.stderr)
                for t in threads:
                    t.join(timeout=args.request_timeout + 5)
                raise
            finally:
                measured_s = time.perf_counter() - t0
                sampler.stop.set()
                sampler.join()
                sampler.sample()
                pool.shutdown(wait=False, cancel_futures=True)
            redis_after = redis_figures(args.redis_url)
            server_cpu = sampler.cpu_seconds() - cpu_before
            own_cpu = own_cpu_seconds() - own_cpu_before
            machine_busy = machine_busy_seconds() - machine_before
            master = server.pid
        problems = server_log_problems(log_path)

    workers = {pid: rss for pid, rss in sampler.peak_rss.items() if pid != master}
    figures = summarise(results, variants, measured_s, args)
    hits = redis_after["keyspace_hits"] - redis_before["keyspace_hits"]
    misses = redis_after["keyspace_misses"] - redis_before["keyspace_misses"]
    report = {
        "benchmark": "wall_load",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(args.redis_url),
        "parameters": {
            "screens": args.screens, "interval_s": args.interval, "duration_s": args.duration,
            "workers": args.workers, "threads": args.threads, "worker_class": "gthread",
            "gunicorn_timeout_s": args.gunicorn_timeout, "backlog": args.backlog,
            "keep_alive_s": args.keep_alive, "gunicorn_extra": args.gunicorn_arg,
            "warm_workers": args.warm_workers,
            "db": _shown_path(args.db), "redis_url": args.redis_url, "rotate_s": args.rotate,
            "request_timeout_s": args.request_timeout, "warmup_passes": args.warmup,
            "seed": args.seed, "forecasts_prepared_s": forecast_s,
        },
        "variants": [{"name": v.name, "url": v.url_path,
                      "screens": sum(1 for s in screens if s.variant is v),
                      "initial_requests": [[r.label for r in w] for w in v.initial],
                      "refresh_requests": [r.label for r in v.tick]} for v in variants],
        "capture_seconds": round(capture_s, 1),
        "browser_errors_while_recording": browser_errors,
        "warmup": {"requests": len(warm), "errors": sum(1 for r in warm if r.error),
                   **latency(warm)},
        **figures,
        "late_refreshes": {"count": len(late),
                           "max_s": round(max(late), 2) if late else 0.0},
        "cpu": {"server_seconds": round(server_cpu, 1),
                "per_worker_seconds": [round(sampler.cpu[pid] - cpu_start.get(pid, 0.0), 1)
                                       for pid in sorted(workers)],
                "load_generator_seconds": round(own_cpu, 1),
                "available_seconds": round(measured_s * (os.cpu_count() or 1), 1),
                "server_share": round(server_cpu / (measured_s * (os.cpu_count() or 1)), 2),
                # the machine may be shared: CPU that neither the server nor this script
                # used (other processes, Redis, the kernel) competed with the server
                "machine_busy_seconds": round(machine_busy, 1),
                "other_processes_seconds": round(machine_busy - server_cpu - own_cpu, 1)},
        "memory": {
            "peak_rss_mb_per_worker": [round(v / 2**20, 1) for _, v in sorted(workers.items())],
            "peak_rss_mb_master": round(sampler.peak_rss.get(master, 0) / 2**20, 1),
            "worker_pids_seen": len(workers),  # more than --workers: some were replaced
            "samples": sampler.samples,
        },
        "cache": {"keys": redis_after["keys"], "used_memory_mb": redis_after["used_memory_mb"],
                  "redis_hits": hits, "redis_misses": misses,
                  "redis_hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None},
        "server_log_problems": problems,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    lat = figures["latency"]
    print(f"{figures['requests']:,} requests ({figures['requests_per_second']}/s), "
          f"{figures['errors']['count']} errors, p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms,"
          f" p99 {lat['p99_ms']} ms → {args.out}", file=sys.stderr)
    return 0  # a missed target is the report's to show (make bench goes on to it)


def _interrupted(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
