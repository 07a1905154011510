"""The "Wall screens under load" section of bench/REPORT.md, from bench/results/wall_load.json.

Only formats what bench/wall_load.py measured; figures a results file does not hold (an
older run wrote fewer of them) are left out rather than guessed.
"""

from __future__ import annotations

from typing import Any

ERRORS_TARGET = 0


def _ms(value: float) -> str:
    """A latency for a table: milliseconds below a second, seconds above."""
    return f"{value:,.0f} ms" if value < 1000 else f"{value / 1000:,.1f} s"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "es" if noun.endswith("s") else "s")


def _latency_cells(lat: dict[str, Any]) -> str:
    if not lat["requests"]:
        return "0 | — | — | — | —"
    return (f"{lat['requests']:,} | {_ms(lat['p50_ms'])} | {_ms(lat['p95_ms'])} "
            f"| {_ms(lat['p99_ms'])} | {_ms(lat['max_ms'])}")


def _intro(data: dict[str, Any]) -> list[str]:
    m, p = data["machine"], data["parameters"]
    redis = f"Redis {m['redis_server']}" if m.get("redis_server") else "Redis (version unknown)"
    warm = "on" if p.get("warm_workers") else "off"
    extra = f", extra gunicorn flags `{' '.join(p['gunicorn_extra'])}`" \
        if p.get("gunicorn_extra") else ""
    variants = data.get("variants", [])
    return [
        "## Wall screens under load (`bench/wall_load.py`)",
        "",
        f"Measured {data['measured_at']} on {m['cpus']} CPUs, {m['memory_mb'] / 1024:,.0f} GB "
        f"RAM, Python {m['python']}, Dash {m['dash']}, gunicorn {m['gunicorn']}, {redis} "
        f"(redis-py {m['redis_py']}), {m['platform']}. The load generator runs on the same "
        "machine as the server.",
        "",
        f"**{p['screens']} screens**, each refreshing every **{p['interval_s']} s** for "
        f"**{p['duration_s']:g} s** (after {_count(p['warmup_passes'], 'warm-up pass')}); "
        f"gunicorn "
        f"**{p['workers']} workers × {p['threads']} threads** ({p['worker_class']}, timeout "
        f"{p['gunicorn_timeout_s']} s, keep-alive {p['keep_alive_s']} s, warm workers {warm}"
        f"{extra}); shared cache **Redis** at `{p['redis_url']}`; data `{p['db']}`. "
        f"{len(variants)} wall variants, recorded in Chromium in {data['capture_seconds']:g} s: "
        + ", ".join(f"`{v['name']}` ({v['screens']})" for v in variants) + ".",
        "",
    ]


def _totals(data: dict[str, Any]) -> list[str]:
    errors = data["errors"]
    over = errors["count"] - ERRORS_TARGET
    verdict = "met" if over <= 0 else f"missed by {over:,}"
    statuses = ", ".join(f"{k}: {v:,}" for k, v in data["status_counts"].items())
    lines = [
        f"Target: {ERRORS_TARGET} errors.",
        "",
        "**Requests and errors**",
        "",
        "| requests | req/s | measured | errors | target | stale answers "
        "| resent after a dropped connection | HTTP statuses |",
        "|---:|---:|---:|---:|---|---:|---:|---|",
        f"| {data['requests']:,} | {data['requests_per_second']:,} "
        f"| {data['measured_seconds']:,} s | {errors['count']:,} | {verdict} "
        f"| {data['stale_answers']:,} | {data['resent_after_connection_drop']:,} "
        f"| {statuses} |",
        "",
    ]
    if errors["by_kind"]:
        lines += ["Errors by kind: " + "; ".join(f"{kind} × {n:,}"
                                                  for kind, n in errors["by_kind"].items())
                  + ".", ""]
    return lines


def _latency(data: dict[str, Any]) -> list[str]:
    lines = ["**Latency** (from sending a request to reading its whole answer)", "",
             "| latency | requests | p50 | p95 | p99 | max |",
             "|---|---:|---:|---:|---:|---:|",
             f"| all | {_latency_cells(data['latency'])} |"]
    lines += [f"| {phase} | {_latency_cells(lat)} |"
              for phase, lat in data["latency_by_phase"].items()]
    lines += ["", "**Per callback**", "", "| phase | callback | requests | errors | p50 | p95 |",
              "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {c['phase']} | `{c['callback']}` | {c['requests']:,} | {c['errors']:,} "
              f"| {_ms(c['p50_ms'])} | {_ms(c['p95_ms'])} |" for c in data["per_callback"]]
    late = data["late_refreshes"]
    lines += ["", f"Late refreshes (a refresh due while the screen's previous one was still "
                  f"waiting for answers): {late['count']:,}"
                  + (f", up to {late['max_s']:,} s late." if late["count"] else "."), ""]
    return lines


def _resources(data: dict[str, Any]) -> list[str]:
    cpu, mem, cache = data["cpu"], data["memory"], data["cache"]
    other = cpu.get("other_processes_seconds")
    lines = [
        "**CPU** during the measured part of the run",
        "",
        "| server CPU | load generator CPU | other processes | available | server share |",
        "|---:|---:|---:|---:|---:|",
        f"| {cpu['server_seconds']:,} s | {cpu['load_generator_seconds']:,} s "
        f"| {'—' if other is None else f'{other:,} s'} | {cpu['available_seconds']:,} s "
        f"| {cpu['server_share']:.0%} |",
        "",
    ]
    if cpu.get("per_worker_seconds"):
        lines += ["CPU per worker: " + ", ".join(f"{s:,} s" for s in cpu["per_worker_seconds"])
                  + ".", ""]
    rss = ", ".join(f"{v:,.0f}" for v in mem["peak_rss_mb_per_worker"])
    replaced = mem["worker_pids_seen"] - data["parameters"]["workers"]
    lines += [f"Peak RSS per worker: {rss} MB (master {mem['peak_rss_mb_master']:,.0f} MB; "
              f"{mem['worker_pids_seen']} worker processes seen"
              + (f", {replaced} replaced during the run" if replaced > 0 else "")
              + f"; {mem['samples']:,} samples).", ""]
    ratio = cache["redis_hit_ratio"]
    lines += [f"Redis: {cache['keys']:,} keys, {cache['used_memory_mb']:,} MB used, "
              f"{cache['redis_hits']:,} hits / {cache['redis_misses']:,} misses "
              f"(hit ratio {'n/a' if ratio is None else f'{ratio:.1%}'}).", ""]
    return lines


def _problems(data: dict[str, Any]) -> list[str]:
    log = data["server_log_problems"]
    recording = data.get("browser_errors_while_recording") or []
    lines = [f"Server log problems: {log['lines']:,} lines; the first:" if log["lines"]
             else "Server log problems: none."]
    if log["lines"]:
        lines += ["", "```", *log["first"], "```"]
    if recording:
        lines += ["", f"The browser saw errors while recording ({len(recording)} attempt(s) "
                      "recorded again): "
                  + "; ".join(f"`{r['variant']}` {r['failed']} failed" for r in recording)
                  + "."]
    return lines


def wall_load_section(data: dict[str, Any]) -> list[str]:
    """The section's markdown lines."""
    return [*_intro(data), *_totals(data), *_latency(data), *_resources(data),
            *_problems(data)]
