"""What a forecast run keeps besides its paths, and how it is packed.

app_state/forecasts.py stores the paths and the columns every reader needs; a run's
other results are named artifacts (app_state/forecast_artifacts.py keeps them):

    series    per series its class, model key, level, σ of the level and σ of demand (npz)
    state     the model choice and the lead-time error calibration per group (JSON)
    quality   the forecast-quality sums per category, location and method (npz)
    replay    the policy replay per location and category (npz, forecast/replay.py)

Importing this module declares the table (app_state/schema.py lists it).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from app_state.forecast_artifacts import forget_orphans, load, save

__all__ = ["QUALITY", "REPLAY", "SERIES", "STATE", "forget_orphans", "load", "pack_arrays",
           "pack_frame", "pack_json", "save", "unpack_arrays", "unpack_frame", "unpack_json"]

SERIES, STATE, QUALITY, REPLAY = "series", "state", "quality", "replay"


def pack_arrays(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack_arrays(payload: bytes) -> dict[str, np.ndarray]:
    with np.load(io.BytesIO(payload), allow_pickle=False) as found:
        return {k: found[k] for k in found.files}


def pack_frame(frame: pd.DataFrame) -> bytes:
    """A frame as npz columns (strings as unicode arrays, never pickled objects)."""
    arrays = {}
    for column in frame.columns:
        values = frame[column].to_numpy()
        arrays[f"c_{column}"] = values.astype(str) if values.dtype == object else values
    return pack_arrays(**arrays)


def unpack_frame(payload: bytes) -> pd.DataFrame:
    arrays = unpack_arrays(payload)
    return pd.DataFrame({k.removeprefix("c_"): v for k, v in arrays.items()})


def pack_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def unpack_json(payload: bytes | None) -> object:
    return None if payload is None else json.loads(payload.decode("utf-8"))
