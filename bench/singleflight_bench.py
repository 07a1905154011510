"""Concurrent identical misses: N screens ask the same new question at the same moment.

    .venv/bin/python bench/singleflight_bench.py [--db FILE.duckdb] [--screens 1 8 32 64]

A StockLens app (the real one: create_app on a demo file) serves on 127.0.0.1 from a
threaded server in this process; for each N, N client threads wait at a barrier and then
POST the same never-asked query to /api/v1/query. An SQLAlchemy event on the source's
engine counts the metric statements that reach the database. Each round runs twice: with
the query service's single-flight (the product) and with it bypassed (every miss
computes), so the report shows what single-flight saves. Results go to
bench/results/singleflight.json; bench/report.py renders them into bench/REPORT.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "singleflight.json"


class _Bypass:
    """A stand-in for the cache's SingleFlight that lets every caller compute."""

    computed = 0

    def do(self, _key: str, compute):
        return compute()


def _serve(app) -> tuple[str, object]:
    from server_process import free_port
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def _round(base: str, body: dict, screens: int) -> list[float]:
    barrier, took, failures = threading.Barrier(screens), [], []

    def screen() -> None:
        barrier.wait()
        began = time.perf_counter()
        answer = requests.post(base + "/api/v1/query", json=body, timeout=120)
        took.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            failures.append(answer.status_code)

    threads = [threading.Thread(target=screen) for _ in range(screens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {failures[:5]}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a demo DuckDB file (default: build scale 1)")
    parser.add_argument("--screens", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale to build")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="singleflight-bench-"))
    os.environ.update({"STOCKLENS_STATE_DB": str(tmp / "state.sqlite"),
                       "STOCKLENS_FORECAST_JOB": "off"})
    import sqlalchemy as sa

    from app import create_app
    from data_connectors.demo.generator import generate_demo
    from data_connectors.source import open_duckdb
    from service import sources

    db = args.db
    if db is None:
        db = tmp / "demo.duckdb"
        generate_demo(db, scale=args.scale, seed=7)
    source = open_duckdb(db)
    app = create_app(source)
    base, server = _serve(app)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    statements: list[str] = []

    @sa.event.listens_for(source.engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and \
                "stocklens_meta" not in statement:
            statements.append(statement)

    last = source.date_range()[1]
    cache = sources.query_cache()
    product_flights = cache.flights
    runs, question = [], 0
    for screens in args.screens:
        for mode in ("single-flight", "bypassed"):
            cache.flights = product_flights if mode == "single-flight" else _Bypass()
            question += 1  # a question never asked before: every screen misses the cache
            end = last - timedelta(days=question)
            # a wall-sized question that takes DuckDB a few hundred ms: FIFO ageing and
            # turnover per location (a fast one finishes before most screens have asked)
            body = {"metrics": ["aged_value", "average_age_days", "turnover_days",
                                "sell_through"],
                    "by": ["location"], "start": (end - timedelta(days=89)).isoformat(),
                    "end": end.isoformat()}
            cache.version(source)  # the data version is read before, not during, the round
            before = len(statements)
            took = _round(base, body, screens)
            runs.append({"screens": screens, "mode": mode,
                         "statements": len(statements) - before,
                         "p50_ms": round(statistics.median(took), 1),
                         "max_ms": round(max(took), 1)})
            print(f"{screens:>3} screens, {mode:<13}: {runs[-1]['statements']:>3} statements, "
                  f"p50 {runs[-1]['p50_ms']:,.0f} ms, max {runs[-1]['max_ms']:,.0f} ms")
    server.shutdown()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0],
        "sales_lines": int(source.row_counts()["sales"]), "runs": runs}, indent=1))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
