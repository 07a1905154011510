"""The forecast job at scale: a full run, an incremental refit after new days, the policy
replay, and what a web request sees while the job runs in the server's process.

    .venv/bin/python bench/forecast_job_bench.py [--scale 10] [--new-days 1]

On the demo at `scale` (data/bench/demo_scale<N>.duckdb, built when missing, as
bench/board_bench.py does), each step runs in a fresh child process with a state database
and forecast cache of its own (so its peak memory is its own):

    full          refresh_source on a copy without its last `new-days` days: every
                  SKU-location series read, forecast, calibrated (no replay)
    incremental   the same copy with those days back: only they are read
    replay        the policy replay over its 91 days (forecast/replay.py)
    web           a small query through the query service every 0.2 s, first alone, then
                  while the job thread runs a full run in the same process: p50 / p95

Results go to bench/results/forecast_job.json; bench/report.py renders them with the
budget the README states.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from tests.integration.demo_cuts import cut_copy, restore  # noqa: E402

RESULTS = ROOT / "results" / "forecast_job.json"
BUDGET_FULL_S = 120.0  # README, "Replenishment": the job's budget at scale 10, 2 CPUs
BUDGET_INCREMENTAL_S = 30.0


def child(step: str, db: Path) -> dict:
    """One step in this (child) process; its figures as a dict."""
    from data_connectors.source import open_duckdb
    from forecast import store
    from service import sources

    source = open_duckdb(db)
    sources.use_source(source)
    began = time.perf_counter()
    out: dict = {"step": step}
    if step in ("full", "incremental"):
        from forecast.job import refresh_source

        run = refresh_source(source, replay=False)
        state = store.unpack_json(store.load(run.id, store.STATE))
        out.update(series=run.series, mode=state["mode"], read_s=state["read_seconds"],
                   fit_s=state["fit_seconds"])
    elif step == "replay":
        from forecast.replay import replay_source

        result = replay_source(source)
        table = result.summary().set_index("name")
        out.update(pairs=int(table["pairs"].iloc[0]),
                   days=(result.last - result.first).days + 1)
    elif step == "web":
        out.update(web_probe(source))
    out["seconds"] = round(time.perf_counter() - began, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    source.dispose()
    return out


def web_probe(source: object) -> dict:
    """Latency of a small query-service request, alone and while the job thread (with
    its lowered priority, as in a web process) makes a full run."""
    import numpy as np

    from forecast.job import ForecastJob
    from metrics.query import MetricQuery
    from service import ALL_DATA, run

    last = source.date_range()[1]  # type: ignore[attr-defined]

    def probe(seconds: float, done: threading.Event | None = None) -> list[float]:
        times = []
        ends = time.perf_counter() + seconds
        k = 0
        while time.perf_counter() < ends and not (done and done.is_set()):
            start = last - timedelta(days=30 + k % 400)  # a new question each time
            query = MetricQuery.create(["revenue", "units_sold"], start, last, by=["region"])
            began = time.perf_counter()
            run(ALL_DATA, query, source)
            times.append(time.perf_counter() - began)
            k += 1
            time.sleep(0.2)
        return times

    alone = probe(20)
    job = ForecastJob(lambda: [source], check_s=3600)
    finished = threading.Event()
    job_began = time.perf_counter()
    job.start()  # as create_app does: a daemon thread that lowers its own priority

    def watch() -> None:
        from app_state.forecasts import latest_run

        while latest_run(source.name) is None:  # type: ignore[attr-defined]
            time.sleep(0.5)
        finished.set()

    threading.Thread(target=watch, daemon=True).start()
    during = probe(900, finished)
    job_s = time.perf_counter() - job_began - 2.0  # FIRST_DELAY_S
    job.stop()

    def pct(values: list[float], q: float) -> float:
        return round(float(np.percentile(values, q)) * 1000, 1) if values else None

    return {"alone_p50_ms": pct(alone, 50), "alone_p95_ms": pct(alone, 95),
            "during_p50_ms": pct(during, 50), "during_p95_ms": pct(during, 95),
            "requests_during": len(during), "job_in_process_s": round(job_s, 1)}


def run_child(step: str, db: Path, work: Path) -> dict:
    env = dict(os.environ, STOCKLENS_STATE_DB=str(work / "state.sqlite"),
               STOCKLENS_FORECAST_CACHE=str(work / "cache"), STOCKLENS_FORECAST_JOB="on",
               STOCKLENS_FORECAST_REPLAY="off")
    done = subprocess.run([sys.executable, __file__, "--child", step, "--db", str(db)],
                          env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--new-days", type=int, default=1)
    p.add_argument("--no-web", action="store_true", help="leave the web-latency probe out")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db)))
        return
    from board_bench import demo_file

    db = demo_file(args.scale)
    steps = []
    with tempfile.TemporaryDirectory(dir=ROOT.parent / "data" / "bench") as tmp:
        work = Path(tmp)
        copy, _ = cut_copy(db, work, args.new_days)
        steps.append(run_child("full", copy, work))
        print(steps[-1], file=sys.stderr)
        restore(copy)
        steps.append(run_child("incremental", copy, work))
        print(steps[-1], file=sys.stderr)
        steps.append(run_child("replay", copy, work))
        print(steps[-1], file=sys.stderr)
        if not args.no_web:
            web = work / "web"
            web.mkdir()
            steps.append(run_child("web", copy, web))
            print(steps[-1], file=sys.stderr)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "scale": args.scale, "database": db.name, "new_days": args.new_days,
        "budget_full_s": BUDGET_FULL_S, "budget_incremental_s": BUDGET_INCREMENTAL_S,
        "steps": steps,
    }, indent=2), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
