"""Record what a real wall screen sends: one headless Chromium load per wall variant.

Used by bench/wall_load.py (its docstring says why the load is recorded, not written
by hand). A Variant is one distinct wall URL; capture() opens it once with the DevTools
performance log on and keeps the requests it made to the server: the initial load as
waves of concurrent requests, then the callbacks of the first refresh tick. Static
files are left out (a browser caches them).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--window-size=1920,1080")
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
REFRESH_INPUT = "wall-refresh.n_intervals"
REPLAYED_HEADERS = ("Accept", "Content-Type", "Referer")


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
