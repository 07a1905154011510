"""What a policy replay (forecast/replay.py) yields: totals and weekly sums per location ×
category, for every policy and for what actually happened, with the summary a page or
the CLI shows; and its storage as the forecast run's npz artifact (forecast/store.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

ACTUAL = "actual"


# totals per (location, category) and policy; the weekly arrays hold the first four
TOTALS = ("demand", "sold", "stockout_days", "stock_value", "days", "cycles", "cycles_ok",
          "pairs")


WEEKLY = ("demand", "sold", "stockout_days", "stock_value")


@dataclass
class ReplayResult:
    """keys: (location_id, category) rows; names: policy keys, then "actual";
    totals[key, name, TOTALS]; weekly[key, name, week, WEEKLY]; days of the replay."""

    first: date
    last: date
    cover_days: int
    keys: pd.DataFrame
    names: list[str]
    totals: np.ndarray
    weekly: np.ndarray
    seconds: float = 0.0

    def summary(self, keep: np.ndarray | None = None) -> pd.DataFrame:
        """Per policy and "actual": fill rate, cycle service level, stockout days, mean
        stock value a day, orders (cycles), over the keys `keep` (default all)."""
        rows = self.totals if keep is None else self.totals[keep]
        total = rows.sum(axis=0)  # names × TOTALS
        out = pd.DataFrame(total, columns=list(TOTALS))
        out.insert(0, "name", self.names)
        days = (self.last - self.first).days + 1
        out["fill_rate"] = out["sold"] / out["demand"].where(out["demand"] > 0)
        out["cycle_service"] = out["cycles_ok"] / out["cycles"].where(out["cycles"] > 0)
        out["stock_value_mean"] = out["stock_value"] / days
        out["service_level"] = [float(n.split("|")[0]) if "|" in n else None
                                for n in self.names]
        out["basis"] = [n.split("|")[1] if "|" in n else ACTUAL for n in self.names]
        return out


def pack_replay(result: ReplayResult) -> bytes:
    """The replay as npz bytes (forecast/store.py's REPLAY artifact)."""
    from forecast.store import pack_arrays

    return pack_arrays(
        first=np.array(result.first.isoformat()), last=np.array(result.last.isoformat()),
        cover_days=np.array(result.cover_days), seconds=np.array(result.seconds),
        location=result.keys["location_id"].to_numpy(dtype=str),
        category=result.keys["category"].to_numpy(dtype=str),
        names=np.array(result.names), totals=result.totals.astype(np.float64),
        weekly=result.weekly.astype(np.float32))


def unpack_replay(payload: bytes) -> ReplayResult:
    from forecast.store import unpack_arrays

    found = unpack_arrays(payload)
    keys = pd.DataFrame({"location_id": found["location"], "category": found["category"]})
    return ReplayResult(date.fromisoformat(str(found["first"])),
                        date.fromisoformat(str(found["last"])), int(found["cover_days"]),
                        keys, [str(n) for n in found["names"]], found["totals"],
                        found["weekly"].astype(float), float(found["seconds"]))
