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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd
from plotly.utils import PlotlyJSONEncoder

RENDERED_MAX = 512  # parts kept per worker: sites × parts × languages × screen sizes


def fingerprint(value: object) -> str:
    """A digest of what a component, figure or plain value would send to the browser."""
    text = json.dumps(value, cls=PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's columns and values (not of its attrs: a stale copy of the same
    numbers renders the same)."""
    digest = hashlib.sha1(repr(list(frame.columns)).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


class _Rendered:
    """A bounded, thread-safe LRU of (content, fingerprints) per rendering key."""

    def __init__(self, size: int) -> None:
        self.size, self._items = size, OrderedDict[str, tuple[dict, dict]]()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[dict, dict] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: tuple[dict, dict]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_rendered = _Rendered(RENDERED_MAX)


def rendered(part: str, inputs: Sequence[object], frames: Iterable[pd.DataFrame],
             build: Callable[[], Mapping[str, object]]) -> tuple[dict, dict[str, str]]:
    """(content, fingerprints) of a part: built once per distinct (part, inputs, frames'
    values), then shared by every screen that asks the same. `inputs` must hold all else
    the build reads (language, dates, screen size, thresholds, …); the content must not be
    changed by the caller."""
    key = hashlib.sha1(json.dumps([part, *inputs], default=repr, sort_keys=True).encode())
    for frame in frames:
        key.update(frame_digest(frame).encode())
    found = _rendered.get(key.hexdigest())
    if found is None:
        content = dict(build())
        found = (content, {k: fingerprint(v) for k, v in content.items()})
        _rendered.put(key.hexdigest(), found)
    return found
