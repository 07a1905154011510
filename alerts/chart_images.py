"""Charts as PNG images, drawn on the server: plotly figures rendered by kaleido 1.x, which
drives a headless Chromium — the machine's own, never a downloaded one.

Which browser: the `BROWSER_PATH` environment variable when it is set (the variable
kaleido's browser driver, choreographer, reads itself), else Debian's /usr/bin/chromium or
another system Chromium/Chrome found at its usual path or on PATH. The path is handed to
kaleido explicitly, so kaleido never looks for (or offers to download) a browser of its
own; MathJax is switched off and plotly.js comes from the installed plotly package, so the
page the browser renders loads nothing from the network.

    pngs = render_pngs([figure_a, figure_b])   # [bytes | None, …], in order
    # ChartsUnavailable(reason) when no browser starts; a figure that alone fails is None

All figures of one call share one browser (one start, ~1–2 s); calls in one process take
turns, since a Chromium per concurrent message would crowd a small server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

log = logging.getLogger(__name__)

BROWSER_ENV = "BROWSER_PATH"
SYSTEM_BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                   "/usr/bin/google-chrome-stable", "/usr/bin/google-chrome")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
WIDTH, HEIGHT, SCALE = 960, 480, 2  # CSS pixels; scale 2 stays sharp on phones and retina
RENDER_TIMEOUT_S = 60.0  # one figure
SESSION_TIMEOUT_S = 180.0  # the browser's start plus every figure of one call
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_one_browser_at_a_time = threading.Lock()


class ChartsUnavailable(RuntimeError):
    """No PNG can be drawn (no browser, kaleido missing, the browser failed to start or
    hung); the message says why in one line."""


def browser_path() -> str | None:
    """The Chromium kaleido is pointed at: $BROWSER_PATH when set (even when wrong, so the
    error names it), else the first system browser found; None when there is none."""
    configured = os.environ.get(BROWSER_ENV, "").strip()
    if configured:  # a bare name ("chromium") is looked up on PATH
        return configured if os.sep in configured else shutil.which(configured) or configured
    for candidate in SYSTEM_BROWSERS:
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def sized(figure: go.Figure, width: int = WIDTH, height: int | None = None) -> go.Figure:
    """The figure with a fixed size in CSS pixels (its own layout height when it has one,
    else HEIGHT) and a white background: a PNG has no page behind it."""
    own = figure.layout.height
    figure.update_layout(width=width, height=height or own or HEIGHT, autosize=False,
                         paper_bgcolor="white", plot_bgcolor="white")
    return figure


def _plotly_js() -> Path:
    """plotly.js as shipped inside the plotly package (kaleido's fallback is a CDN)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise ChartsUnavailable(f"plotly.js is missing from the plotly package ({path})")
    return path


def is_png(data: bytes | None) -> bool:
    return bool(data) and data[:8] == PNG_SIGNATURE  # type: ignore[index]


async def _render_all(figures: Sequence[go.Figure], browser: str, plotly_js: Path,
                      opts: dict[str, object]) -> list[bytes | None]:
    import kaleido

    out: list[bytes | None] = []
    async with kaleido.Kaleido(path=browser, plotlyjs=str(plotly_js), mathjax=False,
                               timeout=RENDER_TIMEOUT_S) as renderer:
        for index, figure in enumerate(figures):
            try:
                data = await renderer.calc_fig(figure, opts=opts)
            except Exception as exc:  # one figure that cannot be drawn: the others still are
                log.warning("chart %s could not be rendered: %s", index + 1, exc)
                data = None
            out.append(data if isinstance(data, bytes) and is_png(data) else None)
    return out


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "…"


def render_pngs(figures: Sequence[go.Figure], *, scale: float = SCALE,
                timeout_s: float = SESSION_TIMEOUT_S) -> list[bytes | None]:
    """PNG bytes of each figure, in order (None for a figure that alone failed), at the
    size of its layout (`sized` sets one) times `scale`.
    ChartsUnavailable when no browser can be found or started, or the whole session took
    longer than `timeout_s`. Safe to call from any thread, also one running an event loop
    (the rendering runs in its own thread with its own loop)."""
    if not figures:
        return []
    browser = browser_path()
    if browser is None:
        raise ChartsUnavailable("no Chromium found: install Debian's chromium or set "
                                f"{BROWSER_ENV}")
    if not (Path(browser).is_file() and os.access(browser, os.X_OK)):
        raise ChartsUnavailable(f"no browser at {BROWSER_ENV}={browser}")
    try:
        import kaleido  # noqa: F401  (installed with requirements.txt)
    except ImportError as exc:
        raise ChartsUnavailable(f"kaleido is not installed ({exc})") from exc
    plotly_js = _plotly_js()
    opts = {"format": "png", "scale": scale}
    result: dict[str, object] = {}

    async def session() -> list[bytes | None]:
        return await asyncio.wait_for(_render_all(figures, browser, plotly_js, opts),
                                      timeout_s)

    def work() -> None:
        try:
            result["pngs"] = asyncio.run(session())
        except BaseException as exc:  # reported to the caller below
            result["error"] = exc

    if not _one_browser_at_a_time.acquire(timeout=timeout_s):
        raise ChartsUnavailable("the chart renderer is busy")
    try:
        worker = threading.Thread(target=work, name="chart-images", daemon=True)
        worker.start()
        worker.join(timeout_s + 15)
    finally:
        _one_browser_at_a_time.release()
    if worker.is_alive():
        raise ChartsUnavailable(f"the browser did not finish within {timeout_s:.0f} s")
    error = result.get("error")
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        raise ChartsUnavailable(f"the browser did not finish within {timeout_s:.0f} s")
    if error is not None:
        raise ChartsUnavailable(f"the browser could not start: "
                                f"{_one_line(error)}") from error  # type: ignore[arg-type]
    return result["pngs"]  # type: ignore[return-value]
