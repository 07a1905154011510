"""The "Concurrent identical misses" section of bench/REPORT.md, from
bench/results/singleflight.json (bench/singleflight_bench.py)."""

from __future__ import annotations

from typing import Any


def singleflight_section(data: dict[str, Any]) -> list[str]:
    lines = [
        "## Concurrent identical misses (`bench/singleflight_bench.py`)",
        "",
        f"Measured {data['measured_at']} on {data['cpus']} CPUs "
        f"(load {data.get('load_average_at_start', 0):.2f}), "
        f"demo with {data['sales_lines']:,} sales lines. N screens POST the same never-asked "
        "query to /api/v1/query at once; the statements that reach DuckDB are counted by an "
        "engine event. \"bypassed\" replaces the query service's single-flight with a "
        "pass-through, to show what it saves.",
        "",
        "| screens | mode | SQL statements | p50 | slowest |",
        "|---:|---|---:|---:|---:|",
    ]
    for run in data["runs"]:
        lines.append(f"| {run['screens']} | {run['mode']} | {run['statements']} "
                     f"| {run['p50_ms']:,.0f} ms | {run['max_ms']:,.0f} ms |")
    return lines
