"""Render memo: a page part (cards, a figure, a grid) built once per distinct inputs and
result values, then shared by every request that asks the same.

Building plotly figures and grids is most of a cached refresh — milliseconds to tens of
them per part — and depends only on the frames read and a few parameters (language,
dates, thresholds, screen size). Boards, analysis pages and wall screens are asked the
same again and again, so each worker keeps the content of the last RENDERED_MAX parts
with their fingerprints (the wall compares them to send only what changed,
components/wall/wall_refresh.py).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd
from cachetools import LRUCache
from plotly.utils import PlotlyJSONEncoder

from service.digest import frame_digest
from service.principal import Principal

RENDERED_MAX = 512  # parts kept per worker: sites × parts × languages × screen sizes


def fingerprint(value: object) -> str:
    """A digest of what a component, figure or plain value would send to the browser."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


_rendered: LRUCache[str, tuple[dict, dict]] = LRUCache(maxsize=RENDERED_MAX)
_lock = threading.Lock()


def rendered(part: str, inputs: Sequence[object], frames: Iterable[pd.DataFrame],
             build: Callable[[], Mapping[str, object]], *,
             principal: Principal) -> tuple[dict, dict[str, str]]:
    """(content, fingerprints) of a part: built once per distinct (part, principal's scope,
    inputs, frames' values), then shared by every screen of that scope that asks the same.
    `inputs` must hold all else the build reads (language, dates, screen size, thresholds,
    …); the content must not be changed by the caller."""
    key = hashlib.sha1(json.dumps([part, principal.cache_key, *inputs], default=repr,
                                  sort_keys=True).encode())
    for frame in frames:
        key.update(frame_digest(frame).encode())
    with _lock:
        found = _rendered.get(key.hexdigest())
    if found is None:
        content = dict(build())
        found = (content, {k: fingerprint(v) for k, v in content.items()})
        with _lock:
            _rendered[key.hexdigest()] = found
    return found


def forget_renderings() -> None:
    """Drop every kept rendering (tests)."""
    with _lock:
        _rendered.clear()
