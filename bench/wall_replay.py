"""The simulated wall screens of bench/wall_load.py, and the figures of their requests.

A Screen replays its variant's recorded requests (as wall_capture recorded them) with
a browser's connection limit: the initial load wave by wave, then a refresh every
interval. Each answer is checked and timed as a Result; summarise() turns the Results
into the run's totals, errors and latency percentiles (overall, per phase, per
callback, per 10-second slice).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from wall_capture import Recorded, Variant

BROWSER_CONNECTIONS = 6  # what Chromium opens per host over HTTP/1.1


# ---- the simulated screens -------------------------------------------------------------------
@dataclass
class Result:
    """One request's outcome."""

    at: float  # seconds since the load started
    screen: int
    variant: str
    phase: str  # "initial" or "refresh"
    label: str
    status: int | None
    seconds: float
    error: str | None
    stale: bool = False
    resent: bool = False  # dropped by a kept-alive connection, sent again (see send)


def check_answer(rec: Recorded, status: int, content: bytes) -> tuple[str | None, bool]:
    """(what is wrong with an answer or None, whether a wall part reported stale data).

    A callback answers 200 with {"multi": true, "response": {...}}, or 204 when every
    output is unchanged (Dash's PreventUpdate): both are fine. Anything else, a body
    that is not that JSON, or an "error" member, is an error. A wall part whose health
    store says ok: false serves stale values: counted apart, as it is not an HTTP error.
    """
    if status == 204 and rec.method == "POST":
        return None, False
    if status != 200:
        return f"HTTP {status}: {content[:300].decode('utf-8', 'replace')}", False
    if rec.method == "GET" and not rec.path.startswith(("/_dash-layout", "/_dash-dep")):
        return (None if content else "empty page"), False
    try:
        data = json.loads(content)
    except ValueError:
        return f"not JSON: {content[:200].decode('utf-8', 'replace')}", False
    if isinstance(data, dict) and "error" in data:
        return f"error answer: {json.dumps(data)[:300]}", False
    if rec.method == "POST":
        if not isinstance(data, dict) or "response" not in data:
            return f"no Dash response: {json.dumps(data)[:300]}", False
        stale = any(isinstance(props, dict) and isinstance(props.get("data"), dict)
                    and props["data"].get("ok") is False
                    for key, props in data["response"].items() if "wall-health" in key)
        return None, stale
    return None, False


class Screen:
    """One wall screen: a session (cookies, up to six connections like a browser), its
    variant's initial load, then a refresh every interval until the end."""

    def __init__(self, index: int, variant: Variant, base: str, pool: ThreadPoolExecutor,
                 timeout_s: float) -> None:
        self.index, self.variant, self.base = index, variant, base
        self.pool, self.timeout_s = pool, timeout_s
        self.session = requests.Session()
        self.answered = False  # whether this screen has connections the server kept alive
        adapter = requests.adapters.HTTPAdapter(pool_connections=1,
                                                pool_maxsize=BROWSER_CONNECTIONS,
                                                pool_block=True)
        self.session.mount("http://", adapter)

    def send(self, rec: Recorded, phase: str, t0: float) -> Result:
        """One request, timed from when it is sent until its answer is read. A request
        that a kept-alive connection drops before any answer ("connection aborted": the
        server closed the idle connection as the request went out) is sent once more,
        as Chromium does on a reused connection; the retry is counted, not hidden."""
        started = time.perf_counter()
        status, error, stale, resent = None, None, False, False
        finished = started
        while True:
            try:
                answer = self.session.request(
                    rec.method, self.base + rec.path, headers=rec.headers,
                    data=rec.body.encode("utf-8") if rec.body is not None else None,
                    timeout=self.timeout_s)
                content = answer.content  # read it all before stopping the clock
                finished = time.perf_counter()
                status = answer.status_code
                error, stale = check_answer(rec, status, content)
            except requests.Timeout:
                error = f"timeout after {self.timeout_s:.0f} s"
            except requests.ConnectionError as exc:
                if not resent and self.answered and "Connection aborted" in str(exc):
                    resent = True
                    continue
                error = f"{type(exc).__name__}: {exc}"[:300]
            except requests.RequestException as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
            break
        seconds = (finished if status is not None else time.perf_counter()) - started
        self.answered = self.answered or status is not None
        return Result(round(started - t0, 3), self.index, self.variant.name, phase, rec.label,
                      status, seconds, error, stale, resent)

    def wave(self, recs: list[Recorded], phase: str, t0: float) -> list[Result]:
        """The requests of one wave, sent together (the last one on this thread)."""
        futures = [self.pool.submit(self.send, rec, phase, t0) for rec in recs[:-1]]
        last = self.send(recs[-1], phase, t0)
        return [*(f.result() for f in futures), last]

    def run(self, t0: float, phase_s: float, interval_s: float, duration_s: float,
            stop: threading.Event, out: list[Result], late: list[float]) -> None:
        results: list[Result] = []
        try:
            if stop.wait(max(0.0, t0 + phase_s - time.perf_counter())):
                return
            for recs in self.variant.initial:
                results += self.wave(recs, "initial", t0)
            tick = 1
            while True:
                due = t0 + phase_s + tick * interval_s
                if due - t0 >= duration_s:
                    break
                delay = due - time.perf_counter()
                if delay < 0:  # the previous refresh took longer than the interval
                    late.append(-delay)
                if stop.wait(max(0.0, delay)):
                    break
                results += self.wave(self.variant.tick, "refresh", t0)
                tick += 1
        finally:
            out.extend(results)
            self.session.close()


def replay_once(variants: list[Variant], base: str, pool: ThreadPoolExecutor,
                timeout_s: float) -> list[Result]:
    """The warm-up: each variant's initial load and one tick, once (not measured)."""
    t0 = time.perf_counter()
    results: list[Result] = []
    for n, variant in enumerate(variants):
        screen = Screen(-1 - n, variant, base, pool, timeout_s)
        for recs in variant.initial:
            results += screen.wave(recs, "initial", t0)
        results += screen.wave(variant.tick, "refresh", t0)
        screen.session.close()
    return results


# ---- figures ---------------------------------------------------------------------------------
def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def latency(results: list[Result]) -> dict[str, float | int]:
    """Count and p50/p95/p99/max latency in milliseconds of the answered requests."""
    values = sorted(r.seconds * 1000 for r in results)
    return {"requests": len(values),
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(values[-1], 1) if values else 0.0}


def summarise(results: list[Result], variants: list[Variant], measured_s: float,
              args: argparse.Namespace) -> dict[str, Any]:
    """The run's figures: totals, errors, latency overall, per phase, per callback and
    per 10-second slice of the run."""
    errors = [r for r in results if r.error]
    outputs = {rec.label: rec.outputs for v in variants
               for rec in [*[x for w in v.initial for x in w], *v.tick] if rec.outputs}
    per_callback: dict[tuple[str, str], list[Result]] = defaultdict(list)
    for r in results:
        per_callback[(r.phase, r.label)].append(r)
    slices: dict[int, list[Result]] = defaultdict(list)
    for r in results:
        slices[int(r.at // 10)].append(r)
    status_counts: dict[str, int] = defaultdict(int)
    for r in results:
        status_counts[str(r.status) if r.status is not None else "none"] += 1
    return {
        "requests": len(results),
        "requests_per_second": round(len(results) / measured_s, 1) if measured_s else 0.0,
        "measured_seconds": round(measured_s, 1),
        "status_counts": dict(sorted(status_counts.items())),
        "errors": {
            "count": len(errors),
            "by_kind": _error_kinds(errors),
            "first": [{"at_s": r.at, "screen": r.screen, "variant": r.variant,
                       "phase": r.phase, "callback": r.label, "status": r.status,
                       "seconds": round(r.seconds, 3), "error": r.error}
                      for r in sorted(errors, key=lambda r: r.at)[:args.keep_errors]],
        },
        "stale_answers": sum(r.stale for r in results),
        "resent_after_connection_drop": sum(r.resent for r in results),
        "latency": latency(results),
        "latency_by_phase": {phase: latency([r for r in results if r.phase == phase])
                             for phase in ("initial", "refresh")},
        "per_callback": [
            {"phase": phase, "callback": label, "outputs": list(outputs.get(label, ())),
             "errors": sum(1 for r in items if r.error), **latency(items)}
            for (phase, label), items in sorted(per_callback.items())
        ],
        "timeline": [{"from_s": k * 10, "errors": sum(1 for r in v if r.error), **latency(v)}
                     for k, v in sorted(slices.items())],
    }


def _error_kinds(errors: list[Result]) -> dict[str, int]:
    kinds: dict[str, int] = defaultdict(int)
    for r in errors:
        kind = (r.error or "").split(":")[0]
        kinds[kind[:60]] += 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))
