"""Digests of result frames, for cache keys built from values (plans, renderings)."""

from __future__ import annotations

import hashlib

import pandas as pd


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's columns and values (not of its attrs: a stale copy of the same
    numbers renders the same)."""
    digest = hashlib.sha1(repr(list(frame.columns)).encode())
    if len(frame):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
