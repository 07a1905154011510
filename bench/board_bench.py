"""Benchmark the boards at scale: server-side callback latency (cold and warm), the same
numbers by hand-written DuckDB SQL and by naive pandas, server memory, and the browser.

    .venv/bin/python bench/board_bench.py --scales 1 10 30 [--cold 8 --warm 20]
                                          [--postgres-url postgresql://…/stocklens_bench]

Per scale: the demo data (data/bench/demo_scaleN.duckdb, built when missing) is served by
`app.py serve`; each page is opened once in headless Chromium and the callback requests it
sends are recorded (bench/board_browser.py). A *filter change* replays the page's data
callbacks — those fed by its state store — with the store's filters changed, all at once,
as the browser sends them; its latency is the time until the last answer.

- cold: a filter combination (preset, region, channel, category) the server has never
  been asked, so every query misses the query cache and runs on the database;
- warm: the same combinations asked again (the cache answers; what remains is the
  callbacks' own Python and figure building).

The board's cold combinations are also answered by bench/board_sql.py (the floor) and
bench/board_pandas.py (naive), in this process, in the same run. Results go to
bench/results/board_bench.json; bench/report_board.py renders them.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import random
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from board_browser import board_timings, capture_callbacks
from board_server import ROOT, bench_lock, machine, serve

RESULTS = ROOT / "bench" / "results" / "board_bench.json"
DATA = ROOT / "data" / "bench"
PAGES = ("/", "/products", "/locations", "/channels", "/ageing", "/slow-movers", "/abc")
PRESETS = ("last30", "last90", "qtd", "ytd")
CALLBACK = "/_dash-update-component"
# A page shows a failed query (a timeout, say) as a red alert in a 200 answer: counted,
# so a fast "answer" that is an error message is not mistaken for a fast result.
ERROR_MARK = re.compile(r'"color":\s*"danger"')


def demo_file(scale: float) -> Path:
    """The scale's demo database, built (with its daily snapshots) when missing."""
    path = DATA / f"demo_scale{scale:g}.duckdb"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, str(ROOT / "app.py"), "demo-data", "--scale", f"{scale:g}",
               "--out", str(path)]
        import subprocess

        subprocess.run(cmd, check=True, cwd=ROOT)
    return path


def dimension_choices(db: Path) -> dict[str, list[str]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {"region": [r for (r,) in con.execute(
                    "SELECT DISTINCT region FROM location ORDER BY 1").fetchall()],
                "channel": [c for (c,) in con.execute(
                    "SELECT DISTINCT channel FROM location ORDER BY 1").fetchall()],
                "category": [c for (c,) in con.execute(
                    "SELECT DISTINCT category FROM sku ORDER BY 1").fetchall()][:4]}
    finally:
        con.close()


def combinations(choices: dict[str, list[str]], seed: int) -> list[dict[str, Any]]:
    """Every filter state the benchmark may ask, in a seeded random order: each is used
    once as a cold change (the pool is large enough that none repeats)."""
    pool = [{"preset": p, "region": [r] if r else [], "channel": [c] if c else [],
             "category": [k] if k else []}
            for p, r, c, k in itertools.product(PRESETS, [None, *choices["region"]],
                                                [None, *choices["channel"]],
                                                [None, *choices["category"]])]
    random.Random(seed).shuffle(pool)
    return pool


def state_input(body: dict[str, Any]) -> dict[str, Any] | None:
    """The page-state store among a callback's inputs (what a filter change changes)."""
    for item in body.get("inputs", []):
        if isinstance(item, dict) and str(item.get("id", "")).endswith("-state") \
                and item.get("property") == "data":
            return item
    return None


def with_filters(body: dict[str, Any], combo: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    item = state_input(changed)
    item["value"] = {**item["value"], **combo, "start": None, "end": None}
    changed["changedPropIds"] = [f"{item['id']}.data"]
    return changed


def refresh(session: requests.Session, base: str, bodies: list[dict[str, Any]],
            pool: ThreadPoolExecutor) -> dict[str, Any]:
    """Send a page's data callbacks together; the refresh ends with the last answer."""
    def one(body: dict[str, Any]) -> tuple[float, int, bool]:
        started = time.perf_counter()
        answer = session.post(base + CALLBACK, json=body, timeout=600)
        failed = bool(ERROR_MARK.search(answer.text))
        return time.perf_counter() - started, answer.status_code, failed

    started = time.perf_counter()
    done = list(pool.map(one, bodies))
    bad = [status for _, status, _ in done if status not in (200, 204)]
    if bad:
        raise RuntimeError(f"callback answered {bad}")
    return {"ms": round((time.perf_counter() - started) * 1000, 1),
            "callbacks_ms": [round(s * 1000, 1) for s, _, _ in done],
            "error_answers": sum(failed for _, _, failed in done)}


def percentiles(values: list[float]) -> dict[str, float | int]:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered) + 0.5) - 1)]
                     if len(ordered) > 1 else ordered[0], 1)

    return {"n": len(ordered), "p50_ms": pick(0.5), "p95_ms": pick(0.95),
            "max_ms": round(ordered[-1], 1)}


def measure_pages(base: str, pool_of_combos: list[dict[str, Any]], cold: int, warm: int,
                  pages: tuple[str, ...]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Cold and warm filter changes per page; returns the figures and the board's cold
    combinations (for the floor and the naive approach)."""
    session, pool = requests.Session(), ThreadPoolExecutor(8)
    figures, board_combos, combos = {}, [], iter(pool_of_combos)
    for path in pages:
        bodies = [b for b in capture_callbacks(base, path) if state_input(b)]
        if not bodies:
            figures[path] = {"note": "no callbacks fed by the page state"}
            continue
        mine = [next(combos) for _ in range(cold)]
        first = refresh(session, base, [with_filters(b, mine[0]) for b in bodies], pool)
        cold_runs = [first] + [refresh(session, base, [with_filters(b, c) for b in bodies],
                                       pool) for c in mine[1:]]
        warm_runs = [refresh(session, base, [with_filters(b, mine[i % cold]) for b in bodies],
                             pool) for i in range(warm)]
        figures[path] = {
            "data_callbacks": len(bodies),
            "cold": percentiles([r["ms"] for r in cold_runs]),
            "warm": percentiles([r["ms"] for r in warm_runs]),
            "warm_per_callback": percentiles([ms for r in warm_runs
                                              for ms in r["callbacks_ms"]]),
            "cold_runs_ms": [r["ms"] for r in cold_runs],
            "error_answers": sum(r["error_answers"] for r in cold_runs + warm_runs),
        }
        if path == "/":
            board_combos = mine
        print(f"  {path}: cold p50 {figures[path]['cold']['p50_ms']} ms, warm p95 "
              f"{figures[path]['warm']['p95_ms']} ms", file=sys.stderr)
    pool.shutdown()
    return figures, board_combos


def floor_and_naive(db: Path, combos: list[dict[str, Any]], pandas_runs: int
                    ) -> dict[str, Any]:
    """The board's cold combinations by hand SQL (each once, as cold as ours) and by naive
    pandas (the first `pandas_runs` of them)."""
    import duckdb
    from board_pandas import run_board as pandas_board
    from board_sql import BoardAsk
    from board_sql import run_board as sql_board

    from components.filters.filter_state import BoardFilters

    con = duckdb.connect(str(db), read_only=True)
    first, last = con.execute("SELECT min(date), max(date) FROM sales").fetchone()
    asks = []
    for c in combos:
        start, end = BoardFilters.from_params(c).period(last)
        asks.append(BoardAsk(start, end, tuple(c["region"]), tuple(c["channel"]),
                             tuple(c["category"])))
    sql_ms, pandas_ms = [], []
    for ask in asks:
        started = time.perf_counter()
        sql_board(con, ask, first)
        sql_ms.append((time.perf_counter() - started) * 1000)
    for ask in asks[:pandas_runs]:
        started = time.perf_counter()
        pandas_board(con, ask, first)
        pandas_ms.append((time.perf_counter() - started) * 1000)
    con.close()
    return {"hand_sql": percentiles(sql_ms), "pandas": percentiles(pandas_ms),
            "hand_sql_runs_ms": [round(v, 1) for v in sql_ms],
            "pandas_runs_ms": [round(v, 1) for v in pandas_ms], "first_day": str(first)}


def browser_figures(base: str, choices: dict[str, list[str]]) -> dict[str, Any]:
    """First render of the board and filter changes: combinations never asked (each
    region, then two channels on the last region), then ones already asked (no channel,
    then the first regions again). Seven and five of them: single changes in a browser
    on a 2-core machine vary by ±50 %, so the report gives the median and the range."""
    regions, channels = choices["region"][:5], choices["channel"][:2]
    new = [("ov-filter-region", [r]) for r in regions]
    new += [("ov-filter-channel", [c]) for c in channels]
    seen = [("ov-filter-channel", [])]
    seen += [("ov-filter-region", [r]) for r in regions[:4]]
    got = board_timings(base, "/", new + seen)
    got["cold_changes"], got["warm_changes"] = len(new), len(seen)
    return got


def run_scale(scale: float, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    db = demo_file(scale)
    choices = dimension_choices(db)
    combos = combinations(choices, args.seed)
    print(f"scale {scale:g}: {db}", file=sys.stderr)
    source = ["--url", args.url, "--statement-timeout", f"{args.statement_timeout:g}"] \
        if args.url else ["--db", str(db)]
    with serve(source, work / f"server_scale{scale:g}.log") as (base, rss):
        started = time.perf_counter()
        pages, board_combos = measure_pages(base, combos, args.cold, args.warm,
                                            tuple(args.pages))
        browser = browser_figures(base, choices) if args.browser else None
        seconds = time.perf_counter() - started
        peak, after = rss.peak, rss.current()
    result = {"scale": scale,
              "engine": args.label or ("postgresql" if args.url else "duckdb"),
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "rows": _rows(db), "pages": pages, "browser": browser,
              "server_rss_mb": {"peak": round(peak / 2**20), "at_end": round(after / 2**20)},
              "server_seconds": round(seconds, 1)}
    if not args.url:
        result["board_floor"] = floor_and_naive(db, board_combos,
                                                args.pandas_runs if scale < 30 else 1)
    return result


def _rows(db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("sales", "inventory", "receipts", "sku", "location")}
    finally:
        con.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 30.0])
    p.add_argument("--cold", type=int, default=6, help="cold filter changes per page")
    p.add_argument("--warm", type=int, default=20, help="warm filter changes per page")
    p.add_argument("--pandas-runs", type=int, default=2)
    p.add_argument("--pages", nargs="+", default=list(PAGES))
    p.add_argument("--no-browser", dest="browser", action="store_false")
    p.add_argument("--url", help="serve this SQLAlchemy URL instead of the DuckDB file "
                                 "(the tables of the scale's demo, loaded by the caller)")
    p.add_argument("--label", help="key of this run in the results (default: engine)")
    p.add_argument("--statement-timeout", type=float, default=30.0,
                   help="with --url: the served source's statement timeout in seconds")
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--results", type=Path, default=RESULTS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = ROOT / "bench" / "results" / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    old = json.loads(args.results.read_text()) if args.results.exists() else {}
    label = args.label or ("postgresql" if args.url else "duckdb")
    with bench_lock():
        runs = [run_scale(s, args, work) for s in args.scales]
        info = machine()
    kept = [r for r in old.get(label, {}).get("runs", [])  # other scales' last runs
            if r["scale"] not in args.scales]
    report = {**old, "benchmark": "board_bench",
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": info,
              label: {"runs": sorted(kept + runs, key=lambda r: r["scale"]),
                      "measured_at": date.today().isoformat(),
                      "parameters": {"cold": args.cold, "warm": args.warm,
                                     "pandas_runs": args.pandas_runs, "seed": args.seed}}}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    print(f"wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
