"""Load-test wall screens: many /wall screens refreshing against gunicorn + Redis.

    .venv/bin/python bench/wall_load.py [--screens 200 --interval 10 --duration 120
                                         --workers 4 --threads 4]

Why it is built this way:

- The traffic is a real browser's. Each distinct wall (a scope, optionally a board) is
  opened once in headless Chromium with performance logging, and the requests it makes
  to the server are recorded: the page, Dash's layout and dependency lists, the
  /_dash-update-component POST bodies of the initial load, and those of the first
  refresh tick (the callbacks fired by the `wall-refresh` interval). The simulated
  screens replay exactly those bodies, so the load follows the wall's code as it is
  (memo stores, outputs, pattern ids) instead of a hand-written copy that would drift.
- Static files (/assets/, /_dash-component-suites/) are not replayed: a wall loads
  them once and its browser keeps them; they say nothing about the refresh load.
- Screens are spread over several sites (regions and locations, one with a board):
  screens of the same site ask the same queries, which is what the shared Redis cache
  is for, while different sites keep it honest.
- Each screen starts at a random moment within the first interval (real screens are
  not switched on in the same millisecond), then refreshes every `interval` seconds;
  the requests of one refresh go out together, as the browser sends them.
- The load generator runs on the same machine as the server, so its own CPU use is
  recorded next to the server's: on a small machine it competes for the same cores.

The gunicorn server, the Redis database (flushed at start) and a throw-away app-state
database (STOCKLENS_STATE_DB) are the script's own; data/ is only read (the demo
database is built there if missing). Results go to bench/results/wall_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "wall_load.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--window-size=1920,1080")
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
REFRESH_INPUT = "wall-refresh.n_intervals"
REPLAYED_HEADERS = ("Accept", "Content-Type", "Referer")
BROWSER_CONNECTIONS = 6  # what Chromium opens per host over HTTP/1.1
SERVER_LOG_PROBLEMS = re.compile(r"Traceback|\[ERROR\]|\[CRITICAL\]|WORKER TIMEOUT|"
                                 r"Worker .* was sent|Exception")


# Dash fills its registry of JS bundles and its callback map in a before_request hook
# whose "done" flag is set before the work (plotly/dash#3971): under gthread, requests
# that reach a fresh worker while its first request is being set up get 500 ("… is not a
# registered library"). This hook makes each worker answer one request to itself before
# it accepts connections. --no-warm-workers measures without it.
WARM_WORKERS_CONF = '''\
def post_worker_init(worker):
    """Run Dash's first-request setup before this worker takes any connection."""
    worker.wsgi.test_client().get("/wall")
'''


# ---- what a browser sends --------------------------------------------------------------------
@dataclass(frozen=True)
class Recorded:
    """One request as Chromium sent it (path and query; the body verbatim)."""

    method: str
    path: str
    body: str | None
    headers: dict[str, str]
    label: str  # "GET /wall", or a callback named by its output ids
    outputs: tuple[str, ...] = ()


@dataclass
class Variant:
    """One distinct wall (URL) and the requests it makes: the initial load as waves of
    concurrent requests (a wave waits for the one before, as Dash's renderer does), then
    the requests of one refresh tick, sent together."""

    name: str
    url_path: str
    board: int | None = None
    initial: list[list[Recorded]] = field(default_factory=list)
    tick: list[Recorded] = field(default_factory=list)


def _id_text(ident: object) -> str:
    """A component id as text: "wall-ticker", or "wall-memo[alerts]" for a pattern id."""
    if isinstance(ident, dict):
        kind = ident.get("type", "?")
        rest = [str(v) for k, v in sorted(ident.items()) if k != "type"]
        return f"{kind}[{','.join(rest)}]"
    return str(ident)


def callback_outputs(body: dict[str, Any]) -> tuple[str, ...]:
    """The output ids of a callback request ("id.property"), in the request's order."""
    outputs = body.get("outputs")
    items = outputs if isinstance(outputs, list) else [outputs]
    out = []
    for item in items:
        if isinstance(item, list):  # ALL/ALLSMALLER outputs: a list per output
            out += [f"{_id_text(x.get('id'))}.{x.get('property')}" for x in item]
        elif isinstance(item, dict):
            out.append(f"{_id_text(item.get('id'))}.{item.get('property')}")
    return tuple(out)


def callback_label(outputs: tuple[str, ...]) -> str:
    """A short name for a callback: its first output id, and how many outputs it has
    (the full list is kept beside it in the JSON)."""
    if not outputs:
        return "callback (no outputs)"
    more = f" (+{len(outputs) - 1} outputs)" if len(outputs) > 1 else ""
    return outputs[0] + more


def _recorded(method: str, url: str, body: str | None, headers: dict[str, str]) -> Recorded:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    kept = {k: v for k, v in headers.items() if k in REPLAYED_HEADERS}
    if method == "POST" and parts.path == CALLBACK_PATH and body:
        outputs = callback_outputs(json.loads(body))
        return Recorded(method, path, body, kept, callback_label(outputs), outputs)
    return Recorded(method, path, body, kept, f"{method} {parts.path}")


def _waves(requests_: list[dict[str, Any]]) -> list[list[Recorded]]:
    """Group requests (sorted by send time) into waves: a request sent before any of the
    current wave's answers arrived went out alongside them; one sent later waited."""
    waves: list[list[Recorded]] = []
    first_done = -1.0
    for item in sorted(requests_, key=lambda r: r["sent"]):
        rec = _recorded(item["method"], item["url"], item["body"], item["headers"])
        if waves and item["sent"] < first_done:
            waves[-1].append(rec)
            first_done = min(first_done, item["done"])
        else:
            waves.append([rec])
            first_done = item["done"]
    return waves


def _browser() -> Any:
    """Headless Chromium with the DevTools performance log on (network events)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options)


def _is_tick(body: str | None) -> bool:
    if not body:
        return False
    return REFRESH_INPUT in (json.loads(body).get("changedPropIds") or [])


class BrowserSawErrors(RuntimeError):
    """A recording in which the page itself failed: a real screen would have seen it."""

    def __init__(self, variant: str, failed: list[str]) -> None:
        super().__init__(f"{variant}: the browser saw {len(failed)} failed requests, "
                         f"e.g. {failed[:3]}")
        self.variant, self.failed = variant, failed


def capture_with_retries(base: str, variant: Variant, refresh_s: int,
                         attempts: int = 3) -> list[dict[str, Any]]:
    """Record `variant`, again if the browser saw errors; the errors of failed attempts
    are returned (they are findings — e.g. workers answering before Dash's setup ran)."""
    seen_errors: list[dict[str, Any]] = []
    for attempt in range(1, attempts + 1):
        try:
            capture(base, variant, refresh_s)
            return seen_errors
        except BrowserSawErrors as exc:
            seen_errors.append({"variant": variant.name, "attempt": attempt,
                                "failed": len(exc.failed), "first": exc.failed[:5]})
            print(f"{exc}; recording again", file=sys.stderr)
    raise RuntimeError(f"{variant.name}: every recording attempt failed: {seen_errors}")


def capture(base: str, variant: Variant, refresh_s: int) -> None:
    """Open the variant's URL once and record its initial load and its first refresh tick
    into `variant` (RuntimeError when the browser saw an error or no tick came)."""
    from selenium.common.exceptions import WebDriverException

    driver = _browser()
    seen: dict[str, dict[str, Any]] = {}
    try:
        for attempt in range(3):  # a refused first connection has been seen once: retry
            try:
                driver.get(base + variant.url_path)
                break
            except WebDriverException as exc:
                if attempt == 2:
                    raise
                print(f"{variant.name}: {str(exc).splitlines()[0]}; retrying", file=sys.stderr)
                seen.clear()
                time.sleep(2)
        deadline = time.monotonic() + refresh_s * 2 + 30
        last_tick_seen = None
        while time.monotonic() < deadline:
            for entry in driver.get_log("performance"):
                _note_event(driver, json.loads(entry["message"])["message"], base, seen)
            ticks = [r for r in seen.values() if r["method"] == "POST" and _is_tick(r["body"])]
            if ticks:
                last_tick_seen = last_tick_seen or time.monotonic()
                settled = all(r["done"] is not None for r in seen.values())
                if settled and time.monotonic() - last_tick_seen > 1.5:
                    break
            time.sleep(0.3)
    finally:
        driver.quit()
    failed = [f"{r['method']} {urlsplit(r['url']).path}: {r['status']}"
              for r in seen.values() if r["status"] is None or r["status"] >= 400]
    if failed:
        raise BrowserSawErrors(variant.name, failed)
    items = sorted(seen.values(), key=lambda r: r["sent"])
    first_tick = next((r["sent"] for r in items if _is_tick(r["body"])), None)
    if first_tick is None:
        raise RuntimeError(f"{variant.name}: no refresh tick within {refresh_s * 2 + 30} s")
    variant.initial = _waves([r for r in items if r["sent"] < first_tick])
    tick_bodies = [r for r in items if r["method"] == "POST" and _is_tick(r["body"])
                   and _tick_number(r["body"]) == 1]
    variant.tick = [_recorded(r["method"], r["url"], r["body"], r["headers"])
                    for r in tick_bodies]


def _tick_number(body: str) -> int | None:
    for item in json.loads(body).get("inputs") or []:
        if isinstance(item, dict) and f"{item.get('id')}.{item.get('property')}" \
                == REFRESH_INPUT:
            return item.get("value")
    return None


def _note_event(driver: Any, message: dict[str, Any], base: str,
                seen: dict[str, dict[str, Any]]) -> None:
    """Fold one DevTools network event into `seen` (requests to the server, by id)."""
    method, params = message.get("method"), message.get("params", {})
    rid = params.get("requestId")
    if method == "Network.requestWillBeSent":
        req = params["request"]
        path = urlsplit(req["url"]).path
        if not req["url"].startswith(base) or path.startswith(STATIC_PREFIXES):
            return
        body = req.get("postData")
        if body is None and req.get("hasPostData"):  # too big to be inlined in the event
            body = driver.execute_cdp_cmd("Network.getRequestPostData",
                                          {"requestId": rid})["postData"]
        seen[rid] = {"method": req["method"], "url": req["url"], "body": body,
                     "headers": req.get("headers", {}), "sent": params["timestamp"],
                     "done": None, "status": None}
    elif rid in seen and method == "Network.responseReceived":
        seen[rid]["status"] = params["response"]["status"]
    elif rid in seen and method == "Network.loadingFinished":
        seen[rid]["done"] = params["timestamp"]
    elif rid in seen and method == "Network.loadingFailed":
        seen[rid]["done"], seen[rid]["status"] = params["timestamp"], 599


def save_recording(variants: list[Variant], path: Path) -> None:
    """The recorded requests as JSON: per variant, the initial waves and the tick."""
    def rec(r: Recorded) -> dict[str, Any]:
        return {"method": r.method, "path": r.path, "headers": r.headers, "label": r.label,
                "body": r.body}

    data = [{"name": v.name, "url": v.url_path, "initial": [[rec(r) for r in w]
                                                            for w in v.initial],
             "tick": [rec(r) for r in v.tick]} for v in variants]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ---- the server under test -------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(args: argparse.Namespace, env: dict[str, str], log_path: Path) -> Iterator[
        subprocess.Popen]:
    """gunicorn serving app:server with the README's production flags; stopped (TERM,
    then KILL) however the block ends, Ctrl-C included."""
    config = []
    if args.warm_workers:
        hook = log_path.with_name("gunicorn_conf.py")
        hook.write_text(WARM_WORKERS_CONF, encoding="utf-8")
        config = ["--config", str(hook)]
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "app:server", *config,
           "--workers", str(args.workers), "--worker-class", "gthread",
           "--threads", str(args.threads), "--bind", f"127.0.0.1:{args.port}",
           "--timeout", str(args.gunicorn_timeout), "--backlog", str(args.backlog),
           "--keep-alive", str(args.keep_alive), *args.gunicorn_arg]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # Ctrl-C reaches us, not it
    try:
        _wait_ready(f"http://127.0.0.1:{args.port}", proc, log_path)
        yield proc
    except BaseException:
        print("gunicorn's log ends:\n" + log_path.read_text(errors="replace")[-2000:],
              file=sys.stderr)
        raise
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 90) -> None:
    """Until the wall page answers 200 (each worker imports Dash and opens the source)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n"
                               + log_path.read_text(errors="replace")[-3000:])
        with suppress(requests.RequestException):
            if requests.get(base + "/wall", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s")


class ProcessSampler(threading.Thread):
    """RSS of gunicorn's master and workers every few seconds (peak per process), and
    their CPU time: a worker that was killed and replaced shows up as an extra pid."""

    def __init__(self, master_pid: int, every_s: float) -> None:
        super().__init__(daemon=True)
        self.master = psutil.Process(master_pid)
        self.every_s = every_s
        self.stop = threading.Event()
        self.peak_rss: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.samples = 0

    def procs(self) -> list[psutil.Process]:
        with suppress(psutil.Error):
            return [self.master, *self.master.children(recursive=True)]
        return []

    def sample(self) -> None:
        for proc in self.procs():
            with suppress(psutil.Error):
                rss = proc.memory_info().rss
                times = proc.cpu_times()
                self.peak_rss[proc.pid] = max(self.peak_rss.get(proc.pid, 0), rss)
                self.cpu[proc.pid] = times.user + times.system
        self.samples += 1

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.every_s)

    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


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


# ---- setup -----------------------------------------------------------------------------------
def ensure_db(path: Path) -> None:
    """The demo database, built like `python app.py demo-data` when missing."""
    if path.exists():
        return
    print(f"building {path} (python app.py demo-data) …", file=sys.stderr)
    subprocess.run([sys.executable, str(ROOT / "app.py"), "demo-data", "--out", str(path)],
                   cwd=ROOT, check=True)


def default_scopes(db: Path, regions: int, locations: int) -> list[str]:
    """Regions with the most locations first, then locations spread over the sorted ids
    (distribution centres and stores): sites that share no queries with one another, so
    the cache sees variety."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        region_rows = con.execute("select region, count(*) n from location group by 1 "
                                  "order by n desc, region").fetchall()
        location_rows = con.execute("select location_id from location "
                                    "order by location_id").fetchall()
    finally:
        con.close()
    step = max(1, len(location_rows) // max(1, locations))  # DCs and stores alike
    return ([f"region:{r[0]}" for r in region_rows[:regions]]
            + [f"location:{r[0]}" for r in location_rows[::step][:locations]])


def prepare_state_db() -> None:
    """Create every app-state table in this one process before gunicorn starts: workers
    booting together on a fresh state file race in metadata.create_all ("table users
    already exists") and gunicorn stops with "Worker failed to boot"."""
    import importlib
    import pkgutil

    sys.path.insert(0, str(ROOT))
    import app_state
    from app_state.db import state_engine

    for module in pkgutil.iter_modules(app_state.__path__):
        importlib.import_module(f"app_state.{module.name}")
    state_engine()


def make_board() -> int:
    """A board with two tiles (a table and a bar chart), in the temporary state
    database, so a board variant exercises the tile callbacks too."""
    sys.path.insert(0, str(ROOT))
    from app_state.boards import add_tile, create_board
    from app_state.views import save_view
    from components.view_spec import ViewSpec

    board = create_board("Wall load board")
    add_tile(board, save_view("Revenue by region",
                              ViewSpec(metrics=("revenue",), dims=("region",), chart="table")))
    add_tile(board, save_view("Turnover days by channel",
                              ViewSpec(metrics=("turnover_days",), dims=("channel",),
                                       chart="bar")))
    return board


def wall_path(scope: str, refresh: int, rotate: int, board: int | None) -> str:
    path = f"/wall?scope={quote(scope, safe=':')}&refresh={refresh}&rotate={rotate}"
    return path + (f"&board={board}" if board is not None else "")


def machine(redis_url: str) -> dict[str, Any]:
    import dash
    import gunicorn as gunicorn_pkg
    import redis

    try:
        server = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    except redis.RedisError:
        server = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "gunicorn": gunicorn_pkg.__version__,
            "redis_server": server, "redis_py": redis.__version__, "dash": dash.__version__,
            "memory_mb": round(psutil.virtual_memory().total / 2**20)}


def redis_figures(redis_url: str) -> dict[str, Any]:
    """Key count of the benchmark's database, and the server's hit/miss counters (they
    cover every database, so the run's figures are the difference of two readings)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    stats = client.info("stats")
    return {"keys": client.dbsize(), "keyspace_hits": stats.get("keyspace_hits", 0),
            "keyspace_misses": stats.get("keyspace_misses", 0),
            "used_memory_mb": round(client.info("memory")["used_memory"] / 2**20, 1)}


def server_log_problems(path: Path, limit: int = 10) -> dict[str, Any]:
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    bad = [line for line in lines if SERVER_LOG_PROBLEMS.search(line)]
    return {"lines": len(bad), "first": bad[:limit]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--screens", type=int, default=200)
    p.add_argument("--interval", type=int, default=10, help="seconds between refreshes")
    p.add_argument("--duration", type=float, default=120, help="seconds of load")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--db", type=Path, default=ROOT / "data" / "demo.duckdb")
    p.add_argument("--port", type=int, default=0, help="default: a free port")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                   help="a database of its own: it is flushed at the start")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--scopes", nargs="+", help="default: 4 regions and 3 locations")
    p.add_argument("--board-scopes", nargs="*", default=None,
                   help="scopes that also get a variant with a 2-tile board "
                        "(default: the first scope)")
    p.add_argument("--rotate", type=int, default=20)
    p.add_argument("--warmup", type=int, default=1,
                   help="passes of every variant's load + one refresh before measuring")
    p.add_argument("--request-timeout", type=float, default=30.0)
    p.add_argument("--gunicorn-timeout", type=int, default=60)
    p.add_argument("--backlog", type=int, default=2048)
    p.add_argument("--keep-alive", type=int, default=2, help="gunicorn's --keep-alive (s)")
    p.add_argument("--gunicorn-arg", action="append", default=[],
                   help="extra gunicorn argument (repeatable), e.g. --gunicorn-arg=--preload")
    p.add_argument("--warm-workers", action=argparse.BooleanOptionalAction, default=True,
                   help="each worker serves one request to itself before taking "
                        "connections (works around plotly/dash#3971)")
    p.add_argument("--capture-browsers", type=int, default=3,
                   help="Chromium instances recording variants at once")
    p.add_argument("--sample-every", type=float, default=2.0, help="RSS sampling period (s)")
    p.add_argument("--keep-errors", type=int, default=10)
    p.add_argument("--save-recording", type=Path,
                   help="also write the recorded requests (bodies included) to this file, "
                        "e.g. to profile one callback in-process")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.db = args.db.resolve()
    args.port = args.port or free_port()
    ensure_db(args.db)
    rng = random.Random(args.seed)
    signal.signal(signal.SIGTERM, _interrupted)  # a kill stops gunicorn too

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    with tempfile.TemporaryDirectory(prefix="wall-load-") as tmp:
        tmp_dir = Path(tmp)
        # the app state (boards, server secret) lives in a throw-away file, never in data/
        os.environ["STOCKLENS_STATE_DB"] = str(tmp_dir / "state.sqlite")
        env = {**os.environ, "STOCKLENS_ALLOW_NO_AUTH": "1",
               "STOCKLENS_STATE_DB": str(tmp_dir / "state.sqlite"),
               "STOCKLENS_DATA_DIR": str(tmp_dir / "data"),
               "STOCKLENS_DB": str(args.db), "REDIS_URL": args.redis_url}
        env.pop("STOCKLENS_CONFIG", None)
        scopes = args.scopes or default_scopes(args.db, 4, 3)
        board_scopes = scopes[:1] if args.board_scopes is None else args.board_scopes
        prepare_state_db()
        board = make_board() if board_scopes else None
        variants = [Variant(s, wall_path(s, args.interval, args.rotate, None)) for s in scopes]
        variants += [Variant(f"{s} + board", wall_path(s, args.interval, args.rotate, board),
                             board) for s in board_scopes]
        log_path = tmp_dir / "gunicorn.log"
        base = f"http://127.0.0.1:{args.port}"
        print(f"gunicorn: {args.workers} workers × {args.threads} threads on {base}",
              file=sys.stderr)
        with gunicorn(args, env, log_path) as server:
            started = time.perf_counter()
            browser_errors: list[dict[str, Any]] = []
            with ThreadPoolExecutor(args.capture_browsers) as browsers:
                for done in [browsers.submit(capture_with_retries, base, v, args.interval)
                             for v in variants]:
                    browser_errors += done.result()
            capture_s = time.perf_counter() - started
            for v in variants:
                print(f"recorded {v.name}: {sum(map(len, v.initial))} initial requests in "
                      f"{len(v.initial)} waves, {len(v.tick)} per refresh", file=sys.stderr)

            if args.save_recording:
                save_recording(variants, args.save_recording)
            most = max(max(map(len, v.initial)) for v in variants)
            pool = ThreadPoolExecutor(min(1000, args.screens * max(most, 3)))
            warm = [r for _ in range(args.warmup)
                    for r in replay_once(variants, base, pool, args.request_timeout)]
            sampler = ProcessSampler(server.pid, args.sample_every)
            sampler.sample()
            cpu_before, own_cpu_before = sampler.cpu_seconds(), _own_cpu()
            cpu_start = dict(sampler.cpu)
            machine_before = _machine_busy()
            redis_before = redis_figures(args.redis_url)
            sampler.start()

            screens = [Screen(i, variants[i % len(variants)], base, pool,
                              args.request_timeout) for i in range(args.screens)]
            results: list[Result] = []
            late: list[float] = []
            stop = threading.Event()
            t0 = time.perf_counter() + 0.5
            threads = [threading.Thread(
                target=s.run, daemon=True,
                args=(t0, rng.uniform(0, args.interval), args.interval, args.duration,
                      stop, results, late)) for s in screens]
            print(f"{args.screens} screens, a refresh every {args.interval} s for "
                  f"{args.duration:.0f} s …", file=sys.stderr)
            try:
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            except KeyboardInterrupt:
                stop.set()
                print("interrupted: stopping the screens and the server", file=sys.stderr)
                for t in threads:
                    t.join(timeout=args.request_timeout + 5)
                raise
            finally:
                measured_s = time.perf_counter() - t0
                sampler.stop.set()
                sampler.join()
                sampler.sample()
                pool.shutdown(wait=False, cancel_futures=True)
            redis_after = redis_figures(args.redis_url)
            server_cpu = sampler.cpu_seconds() - cpu_before
            own_cpu = _own_cpu() - own_cpu_before
            machine_busy = _machine_busy() - machine_before
            master = server.pid
        problems = server_log_problems(log_path)

    workers = {pid: rss for pid, rss in sampler.peak_rss.items() if pid != master}
    figures = summarise(results, variants, measured_s, args)
    hits = redis_after["keyspace_hits"] - redis_before["keyspace_hits"]
    misses = redis_after["keyspace_misses"] - redis_before["keyspace_misses"]
    report = {
        "benchmark": "wall_load",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(args.redis_url),
        "parameters": {
            "screens": args.screens, "interval_s": args.interval, "duration_s": args.duration,
            "workers": args.workers, "threads": args.threads, "worker_class": "gthread",
            "gunicorn_timeout_s": args.gunicorn_timeout, "backlog": args.backlog,
            "keep_alive_s": args.keep_alive, "gunicorn_extra": args.gunicorn_arg,
            "warm_workers": args.warm_workers,
            "db": _shown_path(args.db), "redis_url": args.redis_url, "rotate_s": args.rotate,
            "request_timeout_s": args.request_timeout, "warmup_passes": args.warmup,
            "seed": args.seed,
        },
        "variants": [{"name": v.name, "url": v.url_path,
                      "screens": sum(1 for s in screens if s.variant is v),
                      "initial_requests": [[r.label for r in w] for w in v.initial],
                      "refresh_requests": [r.label for r in v.tick]} for v in variants],
        "capture_seconds": round(capture_s, 1),
        "browser_errors_while_recording": browser_errors,
        "warmup": {"requests": len(warm), "errors": sum(1 for r in warm if r.error),
                   **latency(warm)},
        **figures,
        "late_refreshes": {"count": len(late),
                           "max_s": round(max(late), 2) if late else 0.0},
        "cpu": {"server_seconds": round(server_cpu, 1),
                "per_worker_seconds": [round(sampler.cpu[pid] - cpu_start.get(pid, 0.0), 1)
                                       for pid in sorted(workers)],
                "load_generator_seconds": round(own_cpu, 1),
                "available_seconds": round(measured_s * (os.cpu_count() or 1), 1),
                "server_share": round(server_cpu / (measured_s * (os.cpu_count() or 1)), 2),
                # the machine may be shared: CPU that neither the server nor this script
                # used (other processes, Redis, the kernel) competed with the server
                "machine_busy_seconds": round(machine_busy, 1),
                "other_processes_seconds": round(machine_busy - server_cpu - own_cpu, 1)},
        "memory": {
            "peak_rss_mb_per_worker": [round(v / 2**20, 1) for _, v in sorted(workers.items())],
            "peak_rss_mb_master": round(sampler.peak_rss.get(master, 0) / 2**20, 1),
            "worker_pids_seen": len(workers),  # more than --workers: some were replaced
            "samples": sampler.samples,
        },
        "cache": {"keys": redis_after["keys"], "used_memory_mb": redis_after["used_memory_mb"],
                  "redis_hits": hits, "redis_misses": misses,
                  "redis_hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None},
        "server_log_problems": problems,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    lat = figures["latency"]
    print(f"{figures['requests']:,} requests ({figures['requests_per_second']}/s), "
          f"{figures['errors']['count']} errors, p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms,"
          f" p99 {lat['p99_ms']} ms → {args.out}", file=sys.stderr)
    return 0  # a missed target is the report's to show (make bench goes on to it)


def _interrupted(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (all processes, all cores)."""
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0)
               for name in ("user", "nice", "system", "irq", "softirq", "steal"))


def _own_cpu() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
