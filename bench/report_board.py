"""The board benchmark's section of bench/REPORT.md (from bench/results/board_bench.json).

Imported by bench/report.py. Each target of issue 8 is checked against the figures the
benchmark measured, and a miss says by how much; the reasons are in the notes the JSON
carries ("notes", written by whoever ran and read the benchmark) and in README.
"""

from __future__ import annotations

from typing import Any

WARM_P95_MS = 150.0
COLD_VS_FLOOR = 2.0
PANDAS_FACTOR = 20.0
RSS_MB = 1536.0
FIRST_RENDER_MS = 1500.0
FILTER_CHANGE_MS = 400.0
TARGET_SCALE = 10.0


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _verdict(ok: bool, miss: str) -> str:
    return "met" if ok else f"missed: {miss}"


def _median(values: list[float]) -> float | None:
    values = sorted(v for v in values if v is not None)
    return values[len(values) // 2] if values else None


def page_table(run: dict[str, Any]) -> list[str]:
    """Per page: latencies, and how many callback answers were an error message (a query
    timeout shows as a red alert in a 200 answer; not counted before 2026-11-22: n/a)."""
    lines = ["| page | data callbacks | cold p50 | cold p95 | warm p50 | warm p95 "
             "| error answers |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for path, fig in run["pages"].items():
        if "cold" not in fig:
            lines.append(f"| `{path}` | — | {fig.get('note', '')} | | | | |")
            continue
        c, w = fig["cold"], fig["warm"]
        errors = fig.get("error_answers")
        lines.append(f"| `{path}` | {fig['data_callbacks']} | {_ms(c['p50_ms'])} "
                     f"| {_ms(c['p95_ms'])} | {_ms(w['p50_ms'])} | {_ms(w['p95_ms'])} "
                     f"| {'n/a' if errors is None else errors} |")
    return lines


def targets(run: dict[str, Any]) -> list[str]:
    """Issue 8's targets for one run (they are set for 10M sales lines on DuckDB)."""
    board = run["pages"].get("/", {})
    floor = run.get("board_floor") or {}
    out = ["| target | measured | verdict |", "|---|---:|---|"]
    warm = board.get("warm", {}).get("p95_ms")
    if warm is not None:
        out.append(f"| warm filter change p95 ≤ {WARM_P95_MS:.0f} ms (board) | {_ms(warm)} | "
                   + _verdict(warm <= WARM_P95_MS, f"by {warm - WARM_P95_MS:.0f} ms") + " |")
    cold = board.get("cold", {}).get("p50_ms")
    sql = floor.get("hand_sql", {}).get("p50_ms")
    if cold is not None and sql:
        ratio = cold / sql
        out.append(f"| cold ≤ {COLD_VS_FLOOR:g}× hand-written SQL (board, p50) | {_ms(cold)} vs "
                   f"{_ms(sql)} = {ratio:.1f}× | "
                   + _verdict(ratio <= COLD_VS_FLOOR, f"{ratio / COLD_VS_FLOOR:.1f}× over") + " |")
    naive = floor.get("pandas", {}).get("p50_ms")
    if naive and cold:
        factor = naive / cold
        out.append(f"| ≥ {PANDAS_FACTOR:g}× faster than naive pandas (cold) | {_ms(naive)} / "
                   f"{_ms(cold)} = {factor:.0f}× | "
                   + _verdict(factor >= PANDAS_FACTOR, f"{factor:.1f}× only") + " |")
        if warm:
            out.append(f"| … the same against a warm refresh | {naive / warm:.0f}× | |")
    rss = run["server_rss_mb"]["peak"]
    out.append(f"| server RSS ≤ {RSS_MB / 1024:.1f} GB | {rss:,} MB | "
               + _verdict(rss <= RSS_MB, f"by {rss - RSS_MB:,.0f} MB") + " |")
    browser = run.get("browser")
    if browser:
        first = _median(browser["first_render_ms"])
        out.append(f"| board first render ≤ {_ms(FIRST_RENDER_MS)} (median of "
                   f"{len(browser['first_render_ms'])} loads) | {_ms(first)} | "
                   + _verdict(first is not None and first <= FIRST_RENDER_MS,
                              f"by {_ms((first or 0) - FIRST_RENDER_MS)}") + " |")
        changes = browser["filter_changes"]
        cold_n = browser.get("cold_changes", len(changes))
        for label, part in (("new filter", changes[:cold_n]), ("filter seen before",
                                                               changes[cold_n:])):
            firsts = [c["first_chart_ms"] for c in part if c["first_chart_ms"] is not None]
            first_chart = _median(firsts)
            all_charts = _median([c["all_charts_ms"] for c in part])
            if first_chart is None:
                continue
            spread = f" (first chart {_ms(min(firsts))}–{_ms(max(firsts))})" \
                if len(firsts) > 1 else ""
            out.append(f"| filter change → updated chart ≤ {FILTER_CHANGE_MS:.0f} ms "
                       f"({label}, {len(part)} changes; first chart / all charts, median) "
                       f"| {_ms(first_chart)} / {_ms(all_charts)}{spread} | "
                       + _verdict(first_chart <= FILTER_CHANGE_MS,
                                  f"by {_ms(first_chart - FILTER_CHANGE_MS)}") + " |")
    return out


def board_section(data: dict[str, Any]) -> list[str]:
    m = data["machine"]
    lines = [
        "## Boards at scale (`bench/board_bench.py`)", "",
        f"Last measured {data['measured_at']} on {m['cpus']} CPUs ({m['cpu_model']}), "
        f"{m['memory_gb']} GB RAM, Python {m['python']}, DuckDB {m['duckdb']}, "
        f"{m['platform']}; load average at start {m.get('load_average_at_start')} "
        "(the machine is shared: other work ran during the measurements).", "",
        "A *filter change* sends a page's data callbacks (those fed by its state store) "
        "together over HTTP, as the browser does, and lasts until the last answer. "
        "*Cold*: a filter combination never asked before (every query runs on the "
        "database); *warm*: the same combinations again (the query cache answers). The "
        "floor is hand-written DuckDB SQL for the same numbers as the board "
        "(bench/board_sql.py, checked equal by tests/unit/test_board_hand_sql.py); naive "
        "is pandas loading the facts and grouping (bench/board_pandas.py).", "",
    ]
    for label in ("duckdb", "postgresql", "spark"):
        for run in data.get(label, {}).get("runs", []):
            rows = run["rows"]
            when = run.get("measured_at", "")
            lines += [f"### {label}, scale {run['scale']:g}: {rows['sales']:,} sales lines, "
                      f"{rows['inventory']:,} inventory rows"
                      + (f" (measured {when[:10]})" if when else ""), ""]
            lines += [*page_table(run), ""]
            floor = run.get("board_floor")
            if floor and floor.get("pandas"):
                lines += [f"Board refresh, same numbers: hand-written SQL p50 "
                          f"{_ms(floor['hand_sql'].get('p50_ms'))}, naive pandas p50 "
                          f"{_ms(floor['pandas'].get('p50_ms'))} "
                          f"({floor['pandas'].get('n', 0)} runs).", ""]
            elif floor:  # Spark: the floor is hand-written Spark SQL (bench/spark_bench.py)
                lines += [f"Board refresh, same numbers: hand-written {label} SQL p50 "
                          f"{_ms(floor['hand_sql'].get('p50_ms'))}, p95 "
                          f"{_ms(floor['hand_sql'].get('p95_ms'))} "
                          f"({floor['hand_sql'].get('n', 0)} runs).", ""]
            if run.get("load_seconds") is not None:
                lines += [f"Loaded into {label} in {run['load_seconds']:.0f} s "
                          "(Parquet + CREATE TABLE, data_connectors/spark_loading.py).", ""]
            lines += [f"- {n}" for n in run.get("notes", [])] + ([""] if run.get("notes") else [])
            title = "Targets" if run["scale"] == TARGET_SCALE and label == "duckdb" else \
                "Targets (set for 10M on DuckDB; shown for reference)"
            lines += [f"{title}:", "", *targets(run), ""]
    notes = data.get("notes")
    if notes:
        lines += ["### Notes", "", *(f"- {n}" for n in notes), ""]
    return lines
