"""Headless Chromium for the board benchmark: record the callback requests a page really
sends, and time what a user sees (the board's first render, a filter change).

Why record instead of writing the requests by hand: Dash's request bodies carry the
page's outputs, inputs and states exactly as its code declares them today, so replaying a
recording follows the pages as they are (bench/wall_capture.py does the same for wall
screens; this small module is the board's own, so neither benchmark breaks the other).

Timings are taken inside the page with performance.now() and requestAnimationFrame: a
chart counts as rendered when plotly has drawn its bars (`.point` elements exist), a
KPI row when its cards are in the DOM.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--window-size=1600,1000")
CALLBACK_PATH = "/_dash-update-component"
BOARD_CHARTS = ("ov-trend", "ov-by-region", "ov-by-channel")

# Installed before any page script: notes when the board is first fully drawn.
FIRST_RENDER_JS = """
(function () {
  const ids = __IDS__;
  function drawn(id) {
    const g = document.querySelector('#' + id + ' .js-plotly-plot');
    return g && g.querySelectorAll('.point').length > 0;
  }
  function check() {
    const cards = document.querySelectorAll('#ov-kpis .kpi-card, #ov-kpis > div');
    if (cards.length > 0 && ids.every(drawn)) {
      window.__slFirstRender = performance.now();
      return;
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
""".replace("__IDS__", json.dumps(list(BOARD_CHARTS)))

# Changes one filter as a user would (dash_clientside.set_props runs the same callbacks
# as picking a value) and reports when each chart and the KPI row were redrawn.
FILTER_CHANGE_JS = """
const [id, value, done] = arguments;
const ids = __IDS__;
const plot = (i) => document.querySelector('#' + i + ' .js-plotly-plot');
const before = ids.map((i) => plot(i) && plot(i).data);
const kpis = document.querySelector('#ov-kpis');
const kpiBefore = kpis && kpis.firstElementChild;
const seen = {};
const t0 = performance.now();
window.dash_clientside.set_props(id, {value: value});
function check() {
  const now = performance.now() - t0;
  ids.forEach((i, n) => {
    const g = plot(i);
    if (!(i in seen) && g && g.data !== before[n] && g.querySelectorAll('.point').length > 0)
      seen[i] = now;
  });
  const k = document.querySelector('#ov-kpis');
  if (!('kpis' in seen) && k && k.firstElementChild && k.firstElementChild !== kpiBefore)
    seen.kpis = now;
  if (Object.keys(seen).length === ids.length + 1 || now > 60000) { done(seen); return; }
  requestAnimationFrame(check);
}
requestAnimationFrame(check);
""".replace("__IDS__", json.dumps(list(BOARD_CHARTS)))


def browser(perf_log: bool = False) -> Any:
    """Headless Chromium through selenium (optionally with the DevTools network log)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    if perf_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(90)
    return driver


def capture_callbacks(base: str, path: str, settle_s: float = 2.0,
                      timeout_s: float = 180.0) -> list[dict[str, Any]]:
    """The callback POST bodies a fresh load of `path` sends, once the page is quiet."""
    driver = browser(perf_log=True)
    pending: dict[str, dict[str, Any]] = {}
    try:
        driver.get(base + path)
        deadline, quiet_since = time.monotonic() + timeout_s, time.monotonic()
        while time.monotonic() < deadline:
            for entry in driver.get_log("performance"):
                if _note(driver, json.loads(entry["message"])["message"], pending):
                    quiet_since = time.monotonic()
            busy = any(r["status"] is None for r in pending.values())
            if pending and not busy and time.monotonic() - quiet_since > settle_s:
                break
            time.sleep(0.2)
    finally:
        driver.quit()
    failed = [r for r in pending.values() if (r["status"] or 0) >= 400]
    if failed:
        raise RuntimeError(f"{path}: {len(failed)} callbacks failed in the browser")
    return [json.loads(r["body"]) for r in sorted(pending.values(), key=lambda r: r["t"])]


def _note(driver: Any, message: dict[str, Any], pending: dict[str, dict[str, Any]]) -> bool:
    """Record a callback request or its answer; True when something happened."""
    method, params = message.get("method"), message.get("params", {})
    rid = params.get("requestId")
    if method == "Network.requestWillBeSent":
        req = params["request"]
        if req["method"] != "POST" or urlsplit(req["url"]).path != CALLBACK_PATH:
            return False
        body = req.get("postData")
        if body is None:
            body = driver.execute_cdp_cmd("Network.getRequestPostData",
                                          {"requestId": rid})["postData"]
        pending[rid] = {"body": body, "t": params["timestamp"], "status": None}
        return True
    if rid in pending and method == "Network.responseReceived":
        pending[rid]["status"] = params["response"]["status"]
        return True
    if rid in pending and method == "Network.loadingFailed":
        pending[rid]["status"] = 599
        return True
    return False


def board_timings(base: str, path: str, changes: list[tuple[str, list[str]]],
                  loads: int = 3) -> dict[str, Any]:
    """First render of the board (`loads` fresh page loads) and the time from each filter
    change in `changes` (filter id, new value) to the redrawn charts and cards."""
    driver = browser()
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                               {"source": FIRST_RENDER_JS})
        first = []
        for _ in range(loads):
            driver.get(base + path)
            first.append(_wait_for(driver, "return window.__slFirstRender || null;"))
        changed = []
        for fid, value in changes:
            seen = driver.execute_async_script(FILTER_CHANGE_JS, fid, value)
            charts = [seen.get(i) for i in BOARD_CHARTS]
            changed.append({"filter": fid, "value": value, "cards_ms": seen.get("kpis"),
                            "first_chart_ms": min((c for c in charts if c), default=None),
                            "all_charts_ms": None if None in charts else max(charts)})
            time.sleep(0.5)
        return {"first_render_ms": first, "filter_changes": changed}
    finally:
        driver.quit()


def _wait_for(driver: Any, script: str, timeout_s: float = 120.0) -> float | None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value is not None:
            return round(float(value), 1)
        time.sleep(0.05)
    return None
