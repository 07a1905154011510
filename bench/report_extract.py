"""The extract-mode section of bench/REPORT.md (bench/extract_bench.py's figures, next to
board_bench.py's direct-query PostgreSQL and embedded DuckDB figures at the same scale)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from report_board import _ms

RESULTS = Path(__file__).resolve().parent / "results"
PAGES = ("/", "/ageing", "/slow-movers")
ACCEPT = 1.5  # issue 21: extract-mode cold board and ageing within 1.5× of embedded DuckDB


def _run(data: dict[str, Any], label: str, scale: float) -> dict[str, Any] | None:
    runs = [r for r in data.get(label, {}).get("runs", []) if r["scale"] == scale]
    return runs[0] if runs else None


def _p50(run: dict[str, Any] | None, page: str, kind: str) -> float | None:
    if run is None or "cold" not in run["pages"].get(page, {}):
        return None
    return run["pages"][page][kind]["p50_ms"]


def _rows_read(figures: dict[str, Any]) -> str:
    """From the CLI's line "erp: full refresh, 36,231,387 rows in 657.2 s; …"."""
    return figures["output"].split(", ")[1].split(" rows")[0]


def _snapshot_row(inc: dict[str, Any] | None) -> list[str]:
    if not inc:
        return []
    return [f"| incremental, stock snapshots by date too (`watermark: date` on inventory): "
            f"one new day ({inc['new_day']}) | {_rows_read(inc)} | {inc['seconds']:.0f} s "
            f"| {inc['peak_rss_mb']:.0f} MB |"]


def extract_section(data: dict[str, Any]) -> list[str]:
    m, scale = data["machine"], data["scale"]
    full, inc = data["full"], data["incremental"]
    lines = [
        "## Extract mode (`bench/extract_bench.py`)", "",
        f"Refreshes measured {data['measured_at']} on {m['cpus']} CPUs ({m['cpu_model']}), load "
        f"average at start {m.get('load_average_at_start')} (the machine is shared: other "
        "helpers' tests and benchmarks ran alongside, so wall times are upper bounds). "
        f"Source: the scale-{scale:g} demo in PostgreSQL (stocklens_extract_bench); each "
        "refresh is `app.py extract refresh` in a fresh process.", "",
        "| refresh | rows read | wall time | peak RSS |", "|---|---:|---:|---:|",
        f"| first sync (full) | {_rows_read(full)} "
        f"| {full['seconds']:.0f} s | {full['peak_rss_mb']:.0f} MB |",
        f"| incremental: one new day ({inc['new_day']}), {inc['window_days']}-day window "
        f"| {_rows_read(inc)} | {inc['seconds']:.0f} s "
        f"| {inc['peak_rss_mb']:.0f} MB |",
        *_snapshot_row(data.get("incremental_snapshots_by_date")), "",
        f"The copy is {data['copy_mb']:,.0f} MB. An incremental refresh re-reads the window "
        "of sales and receipts and replaces the dimensions and the stock snapshots (24M "
        "rows at this scale, most of its time) unless the mapping puts `watermark: date` "
        "on inventory.", "",
    ]
    pages_path = RESULTS / "extract_pages.json"
    board_path = RESULTS / "board_bench.json"
    if not (pages_path.exists() and board_path.exists()):
        return lines
    pages = json.loads(pages_path.read_text(encoding="utf-8"))
    board = json.loads(board_path.read_text(encoding="utf-8"))
    extract, alongside = _run(pages, "extract", scale), _run(pages, "duckdb_alongside", scale)
    quiet = _run(board, "duckdb", scale)
    runs = {"embedded DuckDB, same session": alongside,
            f"embedded DuckDB, {(quiet or {}).get('measured_at', '')[:10]}": quiet,
            "PostgreSQL, direct query": _run(board, "postgresql", scale),
            "PostgreSQL, extract mode": extract}
    lines += ["Cold p50 / warm p50 per page. *Same session*: the embedded store measured "
              "right before the extract, on the same busy machine (bench/board_bench.py, "
              "label duckdb_alongside); the dated columns are board_bench.json's runs.", "",
              "| page | " + " | ".join(runs) + " |", "|---|" + "---:|" * len(runs)]
    for page in PAGES:
        cells = [f"{_ms(_p50(r, page, 'cold'))} / {_ms(_p50(r, page, 'warm'))}"
                 for r in runs.values()]
        lines.append(f"| `{page}` | " + " | ".join(cells) + " |")
    lines += ["", "| acceptance (cold p50) | extract / embedded, same session "
              "| extract / embedded, quiet machine | verdict |", "|---|---:|---:|---|"]
    for page in ("/", "/ageing"):
        got = _p50(extract, page, "cold")
        same, calm = _p50(alongside, page, "cold"), _p50(quiet, page, "cold")
        if got is None or not same:
            continue
        ratio = got / same
        against_quiet = f"{got / calm:.2f}×" if calm else "—"
        lines.append(f"| `{page}` within {ACCEPT:g}× of embedded DuckDB "
                     f"| {_ms(got)} / {_ms(same)} = {ratio:.2f}× | {against_quiet} "
                     f"| {'met' if ratio <= ACCEPT else f'missed ({ratio:.2f}×)'} |")
    lines += ["", *[f"Note: {note}" for note in data.get("notes", [])]]
    return lines
