"""Rolling-origin backtest of the demand forecast on the demo data (`make bench`).

    .venv/bin/python bench/backtest.py [--db data/demo.duckdb] [--origins 6] [--horizon 28]

At each of the last `origins` origins (`horizon` days apart, the latest leaving a full
horizon of data) the forecast (forecast/engine.py) and the seasonal-naive baseline (same
weekday last week) predict the next `horizon` days of every SKU-location; WAPE and bias
against what was sold on the days with stock (forecast/evaluation.py) go to
bench/results/backtest.json, per category and overall, which bench/report.py renders.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from data_connectors.source import open_duckdb  # noqa: E402
from forecast.evaluation import backtest_source, rolling_origins  # noqa: E402

RESULTS = ROOT / "results" / "backtest.json"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=ROOT.parent / "data" / "demo.duckdb",
                   help="the demo DuckDB file (built by `python app.py` if missing)")
    p.add_argument("--origins", type=int, default=6)
    p.add_argument("--horizon", type=int, default=28)
    args = p.parse_args()
    if not args.db.exists():
        from app import ensure_demo_data

        ensure_demo_data(args.db)
    source = open_duckdb(args.db)
    began = time.perf_counter()
    try:
        origins = rolling_origins(source.date_range()[1], args.origins, args.horizon)
        table = backtest_source(source, origins, args.horizon).table()
    finally:
        source.dispose()
    rows = [{k: (None if v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "database": args.db.name,
        "origins": [o.isoformat() for o in origins],
        "horizon": args.horizon,
        "seconds": round(time.perf_counter() - began, 1),
        "rows": rows,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {RESULTS} ({len(origins)} origins, {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
