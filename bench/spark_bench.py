"""The board and ageing pages on Spark SQL: a scale's demo loaded into the local Spark
cluster, served through `app.py serve --url hive://…`, and the board's hand-written floor
in Spark SQL.

    .venv/bin/python bench/spark_bench.py --scale 10 [--cold 3 --warm 10]

The cluster is scripts/spark_cluster.sh's (master, two 1-core workers, Thrift Server),
started here with Spark's default code generation when it does not run yet, and stopped
at the end if this run started it. The demo file's tables — canonical, rollups and data
version — go in with the product's own loader (data_connectors/spark_loading.py, what
`app.py import --into hive://…` runs) into the database stocklens_bench, dropped at the
end. Page figures go to bench/results/board_bench.json under "spark" (board_bench.py
measures them exactly as for DuckDB and PostgreSQL); the floor is added to that run: the
board's cold filter combinations answered by bench/board_spark_sql.py, after checking
that its rows equal the DuckDB floor's on the same data.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from board_bench import RESULTS, combinations, demo_file, dimension_choices, percentiles
from board_bench import main as board_main
from board_server import ROOT, bench_lock
from board_spark_sql import run_board as spark_board
from board_sql import BoardAsk
from board_sql import run_board as duck_board

from components.filters.filter_state import BoardFilters
from data_connectors.spark_loading import load_into_spark

SCRIPT = ROOT / "scripts" / "spark_cluster.sh"
SERVER = "hive://127.0.0.1:10000"
DATABASE = "stocklens_bench"
PARQUET = ROOT / "data" / "bench" / "spark-parquet"
TIMEOUT_S = 900


def _cluster(command: str) -> int:
    env = {**os.environ, "STOCKLENS_SPARK_CONF": os.environ.get("STOCKLENS_SPARK_CONF", "")}
    return subprocess.run([str(SCRIPT), command], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL).returncode


def _same(a: list[tuple], b: list[tuple]) -> bool:
    """Rows equal, numbers to a relative 1e-9 (sums in another order differ in the last
    bits), None where the other has None."""
    if len(a) != len(b):
        return False
    for row_a, row_b in zip(a, b, strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            if isinstance(x, int | float) and isinstance(y, int | float):
                if not math.isclose(float(x), float(y), rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif (x is None) != (y is None) or (x is not None and str(x) != str(y)):
                return False
    return True


def floor(db: Path, combos: list[dict[str, Any]]) -> dict[str, Any]:
    """The board's cold combinations by hand-written Spark SQL, each checked against the
    DuckDB floor on the demo file."""
    local = duckdb.connect(str(db), read_only=True)
    first, last = local.execute("SELECT min(date), max(date) FROM sales").fetchone()
    engine = sa.create_engine(f"{SERVER}/{DATABASE}", poolclass=sa.pool.NullPool)
    con = engine.raw_connection()
    runs_ms = []
    try:
        for combo in combos:
            start, end = BoardFilters.from_params(combo).period(last)
            ask = BoardAsk(start, end, tuple(combo["region"]), tuple(combo["channel"]),
                           tuple(combo["category"]))
            started = time.perf_counter()
            got = spark_board(con, ask, first)
            runs_ms.append((time.perf_counter() - started) * 1000)
            want = duck_board(local, ask, first)
            wrong = [name for name in want if not _same(sorted(want[name], key=str),
                                                        sorted(got[name], key=str))]
            if wrong:
                raise SystemExit(f"the Spark floor differs from DuckDB's in {wrong} for {combo}")
    finally:
        con.close()
        engine.dispose()
        local.close()
    return {"hand_sql": percentiles(runs_ms), "hand_sql_runs_ms": [round(v, 1) for v in runs_ms],
            "checked_against": "bench/board_sql.py on DuckDB, rel 1e-9"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--cold", type=int, default=3)
    p.add_argument("--warm", type=int, default=10)
    p.add_argument("--seed", type=int, default=8)
    args = p.parse_args(argv)
    db = demo_file(args.scale)
    started_here = _cluster("status") != 0
    if started_here and _cluster("start") != 0:
        raise SystemExit("the Spark cluster did not start: see .spark/logs/")
    try:
        with bench_lock():
            print(f"loading {db} into Spark …", file=sys.stderr)
            loaded = load_into_spark(db, f"{SERVER}/{DATABASE}", PARQUET)
            print(f"  loaded in {loaded.seconds:.0f} s", file=sys.stderr)
            # the floor first: a translation slip fails in minutes, not after the pages
            combos = combinations(dimension_choices(db), args.seed)[:args.cold]
            figures = floor(db, combos)
            print(f"  floor p50 {figures['hand_sql'].get('p50_ms')} ms", file=sys.stderr)
            board_main(["--scales", f"{args.scale:g}", "--url", f"{SERVER}/{DATABASE}",
                        "--label", "spark", "--no-browser", "--pages", "/", "/ageing",
                        "--cold", str(args.cold), "--warm", str(args.warm),
                        "--seed", str(args.seed), "--statement-timeout", str(TIMEOUT_S)])
            report = json.loads(RESULTS.read_text(encoding="utf-8"))
            for run in report["spark"]["runs"]:
                if run["scale"] == args.scale:
                    run["board_floor"] = figures
                    run["load_seconds"] = round(loaded.seconds, 1)
            RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    finally:
        engine = sa.create_engine(f"{SERVER}/default", poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as con:
                con.exec_driver_sql(f"DROP DATABASE IF EXISTS `{DATABASE}` CASCADE")
        finally:
            engine.dispose()
        shutil.rmtree(PARQUET / DATABASE, ignore_errors=True)  # the tables' files
        if started_here:
            _cluster("stop")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
