"""The policy replay on the demo data: what if the company had followed StockLens?

    .venv/bin/python bench/replay_bench.py [--db data/demo.duckdb] [--days 91]

Replays every service level with both safety-stock bases over the last `days` days
(forecast/replay.py) and writes, per policy and for what actually happened, the fill
rate, the cycle service level achieved against its target, stockout days and the mean
stock value to bench/results/replay.json, which bench/report.py renders.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from data_connectors.source import open_duckdb  # noqa: E402
from forecast.replay import replay_source  # noqa: E402
from forecast.replay_days import TAIL_DAYS, WARMUP_DAYS  # noqa: E402

RESULTS = ROOT / "results" / "replay.json"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=ROOT.parent / "data" / "demo.duckdb")
    p.add_argument("--days", type=int, default=91)
    args = p.parse_args()
    if not args.db.exists():
        from app import ensure_demo_data

        ensure_demo_data(args.db)
    source = open_duckdb(args.db)
    try:
        result = replay_source(source, args.days)
    finally:
        source.dispose()
    table = result.summary()
    rows = [{k: (None if v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "database": args.db.name, "first": result.first.isoformat(),
        "last": result.last.isoformat(), "cover_days": result.cover_days,
        "warmup_days": WARMUP_DAYS, "tail_days": TAIL_DAYS,
        "seconds": round(result.seconds, 1), "rows": rows,
    }, indent=2), encoding="utf-8")
    print(f"wrote {RESULTS} ({result.seconds:.0f} s)")


if __name__ == "__main__":
    main()
