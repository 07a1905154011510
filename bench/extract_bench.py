"""Extract mode on the PostgreSQL 10M source (issue 21): first sync, incremental refresh of
one new day, and the pages served from the copy, next to direct query and embedded DuckDB.

    .venv/bin/python bench/extract_bench.py [--scale 10] [--load] [--cold 4 --warm 10]

The source is the scale's demo copied into the PostgreSQL database stocklens_extract_bench
(bench/board_pg.py's copy: canonical tables with a date index per fact; the first run, or
--load, (re)builds it, which takes minutes at 10M). Each refresh runs `app.py extract
refresh` in a fresh process, through the CLI a user runs, and reports its wall time and peak
RSS. The new day is the source's last day of sales, receipts and stock copied one day on (as
an ERP's next day would arrive). The pages are measured by bench/board_bench.py serving the
published copy (label "extract"): the registry opens an extract as a read-only DuckDB file,
the code path `--url duckdb:///…` takes too — right after the embedded store's file,
measured the same way (label "duckdb_alongside"), so the two are compared under the same
load. Figures go to bench/results/extract_bench.json; the page figures to bench/results/
extract_pages.json (board_bench.py's format); board_bench.json keeps its own runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board_bench import demo_file
from board_bench import main as board_main
from board_pg import copy_database
from board_server import bench_lock, machine

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "extract_bench.json"
PAGE_RESULTS = ROOT / "bench" / "results" / "extract_pages.json"  # board_bench's format
DATABASE = "stocklens_extract_bench"
MEASURE = """
import json, resource, sys, time
from cli.main import main
started = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"exit": code, "seconds": time.perf_counter() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def present(admin_url: str) -> bool:
    """Whether the source database was built by an earlier run (else it is loaded)."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [DATABASE]).fetchone() is not None


def load(admin_url: str, scale: float) -> None:
    db = demo_file(scale)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    copy_database(db, f"{admin_url.rsplit('/', 1)[0]}/{DATABASE}")


def refresh(config: Path, *options: str) -> dict[str, float]:
    """`app.py extract refresh` in a fresh process: exit code, wall time, peak RSS."""
    done = subprocess.run([sys.executable, "-c", MEASURE, "extract", "refresh", "--config",
                           str(config), *options], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise SystemExit(f"refresh failed: {done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["output"] = done.stdout.strip().splitlines()[0]
    return figures


def add_next_day(pg_url: str) -> str:
    """Copy the source's last day of every fact one day on; the new day's date."""
    with psycopg.connect(pg_url, autocommit=False) as pg:
        last = pg.execute("SELECT max(date) FROM sales").fetchone()[0]
        for table in ("sales", "receipts", "inventory"):
            columns = [r[0] for r in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position", [table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            shifted = ", ".join("date + 1" if c == "date" else f'"{c}"' for c in columns)
            pg.execute(f'INSERT INTO "{table}" ({listed}) SELECT {shifted} FROM "{table}" '
                       f"WHERE date = %s", [last])
        pg.commit()
    return (last.fromordinal(last.toordinal() + 1)).isoformat()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--load", action="store_true", help="(re)build the PostgreSQL source")
    p.add_argument("--cold", type=int, default=4)
    p.add_argument("--warm", type=int, default=10)
    p.add_argument("--skip-pages", action="store_true", help="measure the refreshes only")
    args = p.parse_args(argv)
    work = ROOT / "bench" / "results" / "tmp" / "extract"
    work.mkdir(parents=True, exist_ok=True)
    pg_url = f"{args.admin_url.rsplit('/', 1)[0]}/{DATABASE}"
    config, snapshots = work / "stocklens.yaml", work / "stocklens-snapshots.yaml"
    entry = {"url": pg_url.replace("postgresql://", "postgresql+psycopg://"),
             "mode": "extract", "extract": {"folder": str(work / "copies"), "window_days": 3}}
    state = str(work / "state.sqlite")
    config.write_text(yaml.safe_dump({"state_db": state, "sources": {"erp": entry}}))
    # the same source and copy, with the stock snapshots pulled by date too
    snapshots.write_text(yaml.safe_dump({"state_db": state, "sources": {"erp": {
        **entry, "mapping": {"inventory": {"table": "inventory", "watermark": "date"}}}}}))
    with bench_lock():
        if args.load or not present(args.admin_url):
            load(args.admin_url, args.scale)
        info = machine()
        full = refresh(config, "--full")
        new_day = add_next_day(pg_url)
        incremental = refresh(config)
        snapshot_day = add_next_day(pg_url)
        by_date = refresh(snapshots)
    copy = work / "copies" / (work / "copies" / "CURRENT").read_text().strip()
    result = {"benchmark": "extract_bench", "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "machine": info, "scale": args.scale, "full": full,
              "incremental": {**incremental, "new_day": new_day, "window_days": 3},
              "incremental_snapshots_by_date": {**by_date, "new_day": snapshot_day,
                                                "window_days": 3},
              "copy_mb": round(copy.stat().st_size / 2**20, 1)}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if args.skip_pages:
        return 0
    common = ["--scales", f"{args.scale:g}", "--cold", str(args.cold), "--warm",
              str(args.warm), "--no-browser", "--pages", "/", "/ageing", "/slow-movers",
              "--results", str(PAGE_RESULTS)]
    # the embedded store first, in the same session: a shared machine's load changes by
    # the hour, so the acceptance ratio compares runs made under the same conditions
    board_main([*common, "--label", "duckdb_alongside", "--pandas-runs", "0"])
    return board_main([*common, "--url", f"duckdb:///{copy}", "--label", "extract"])


if __name__ == "__main__":
    raise SystemExit(main())
