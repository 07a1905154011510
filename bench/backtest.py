"""Rolling-origin backtest of the demand forecast, on the demo data and on the real Bibitor
files, against naive baselines and statsforecast's own models (`make bench`).

    .venv/bin/python bench/backtest.py [--db data/demo.duckdb] [--origins 6] [--horizon 28]
        [--bibitor /work/shared/data/bibitor-partial] [--no-statsforecast]

At each of the last `origins` cut-offs (`horizon` days apart, the latest leaving a full
horizon of demand data) every method predicts the next `horizon` days of every
SKU-location that existed by then from the data up to it, and is scored on what sold on
the days with stock (forecast/evaluation.py): WAPE, MASE, RMSSE and bias, per category and
overall. Methods: StockLens' forecast (forecast/models.py), seasonal naive, naive and a
28-day moving average, and statsforecast 2.1.1's Naive, SeasonalNaive, HistoricAverage,
WindowAverage, SeasonalWindowAverage, RandomWalkWithDrift, CrostonClassic, CrostonSBA,
TSB, ADIDA, IMAPA and AutoETS, run by statsforecast itself in a virtual environment of
its own (bench/statsforecast_models.py; it needs pandas < 3; its answers are kept in
data/bench/statsforecast-results/ by the windows they came from, so a re-run of the
benchmark after a change to StockLens' model does not fit AutoETS again). The Bibitor
files hold one month of one store's sales, so there the cut-offs are a week apart and the
horizon a week.

The policy replay (forecast/replay.py) on the demo data and the forecast job's time on
the demo at scale 10 are measured by bench/replay_bench.py and bench/forecast_job_bench.py;
all go to bench/results/*.json, which bench/report.py renders.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from data_connectors.source import Source, open_duckdb  # noqa: E402
from forecast.engine import WINDOW, forecast_history, read_yearly  # noqa: E402
from forecast.evaluation import (  # noqa: E402
    backtest_history,
    demand_last_day,
    origin_window,
    rolling_origins,
)
from forecast.history import read_history  # noqa: E402

RESULTS = ROOT / "results" / "backtest.json"
DATA = ROOT.parent / "data" / "bench"
SF_VENV = DATA / "statsforecast-venv"
SF_REQUIREMENTS = ROOT / "requirements-statsforecast.txt"
SF_CACHE = DATA / "statsforecast-results"  # statsforecast's answers by their windows
BIBITOR = Path("/work/shared/data/bibitor-partial")


def statsforecast_python() -> tuple[Path, dict]:
    """The benchmark environment's Python (made and installed when missing), with how
    long the install took."""
    python = SF_VENV / "bin" / "python"
    info: dict = {"requirements": SF_REQUIREMENTS.read_text(encoding="utf-8").split()[-1]}
    if not python.exists():
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(SF_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(SF_REQUIREMENTS)],
                       check=True)
        info["install_seconds"] = round(time.perf_counter() - began, 1)
    version = subprocess.run([str(python), "-c", "import statsforecast, pandas; print("
                              "statsforecast.__version__, pandas.__version__)"],
                             check=True, capture_output=True, text=True).stdout.split()
    info["statsforecast"], info["pandas"] = version
    return python, info


def statsforecast_paths(windows: dict[date, np.ndarray], horizon: int
                        ) -> tuple[dict[date, dict[str, np.ndarray]], dict[str, float],
                                   dict[str, int]]:
    """statsforecast's forecasts (series × horizon) per origin and model, the seconds
    each model took over all origins, and how many series it could not forecast."""
    python, info = statsforecast_python()
    origins = sorted(windows)
    digest = hashlib.sha256(repr((info, horizon)).encode())
    for o in origins:
        digest.update(np.ascontiguousarray(windows[o]).tobytes())
    kept = SF_CACHE / f"{digest.hexdigest()[:24]}.npz"  # the same windows: the same answers
    if kept.exists():
        out = dict(np.load(kept))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            source, target = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
            np.savez(source, horizon=np.array(horizon),
                     **{f"window_{i}": windows[o] for i, o in enumerate(origins)})
            subprocess.run([str(python), str(ROOT / "statsforecast_models.py"), str(source),
                            str(target)], check=True)
            out = dict(np.load(target))
            SF_CACHE.mkdir(parents=True, exist_ok=True)
            shutil.copy(target, kept)
    paths: dict[date, dict[str, np.ndarray]] = {o: {} for o in origins}
    seconds: dict[str, float] = {}
    fallbacks: dict[str, int] = {}
    for key, value in out.items():
        if key.startswith("seconds_"):
            seconds[key.removeprefix("seconds_")] = round(float(value), 1)
        elif key.startswith("fallbacks_"):
            fallbacks[key.removeprefix("fallbacks_")] = int(value)
        else:
            name, i = key.rsplit("_", 1)
            paths[origins[int(i)]][name] = value
    return paths, seconds, fallbacks


def run_dataset(name: str, source: Source, count: int, horizon: int,
                with_statsforecast: bool) -> dict:
    """Backtest one source: its table, classes and model choices, timings."""
    last = demand_last_day(source)
    origins = rolling_origins(last, count, horizon)
    first = min(origins) - timedelta(days=WINDOW - 1)
    began = time.perf_counter()
    history = read_history(source, first, max(origins) + timedelta(days=horizon))
    yearly = {o: read_yearly(source, o, horizon) for o in origins}
    read_s = time.perf_counter() - began
    sf_paths: dict[date, dict[str, np.ndarray]] = {}
    sf_seconds: dict[str, float] = {}
    sf_fallbacks: dict[str, int] = {}
    if with_statsforecast:
        windows = {o: origin_window(history, history.index_of(o))[0] for o in origins}
        sf_paths, sf_seconds, sf_fallbacks = statsforecast_paths(windows, horizon)
    began = time.perf_counter()
    scores = backtest_history(history, origins, horizon, yearly.__getitem__,
                              (lambda origin, _window: sf_paths[origin])
                              if with_statsforecast else None)
    backtest_s = time.perf_counter() - began
    began = time.perf_counter()
    last_fit = forecast_history(history, history.index_of(origins[-1]), horizon,
                                yearly[origins[-1]])
    fit_s = time.perf_counter() - began
    table = scores.table()
    rows = [{k: (None if v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")]
    pairs = last_fit.pairs
    return {
        "name": name, "database": Path(str(source.engine.url.database)).name,
        "origins": [o.isoformat() for o in origins], "horizon": horizon, "window": WINDOW,
        "series": len(pairs), "read_seconds": round(read_s, 1),
        "backtest_seconds": round(backtest_s, 1), "fit_seconds": round(fit_s, 2),
        "statsforecast_seconds": sf_seconds, "statsforecast_fallbacks": sf_fallbacks,
        "classes": {f"{k}|{m}": int(n) for (k, m), n in
                    pairs.groupby(["klass", "method"]).size().items()},
        "choice": {f"{k}|{c}": v for (k, c), v in sorted(last_fit.choice.items())},
        "rows": rows,
    }


def bibitor_db(folder: Path) -> Path:
    """The Bibitor files imported through examples/bibitor/mapping.yaml (once)."""
    db = DATA / "bibitor.duckdb"
    if not db.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT.parent / "app.py"), "import", "--from",
                        str(folder), "--mapping",
                        str(ROOT.parent / "examples" / "bibitor" / "mapping.yaml"), "--into",
                        str(db)], check=True, cwd=ROOT.parent, capture_output=True)
    return db


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=ROOT.parent / "data" / "demo.duckdb",
                   help="the demo DuckDB file (built by `python app.py` if missing)")
    p.add_argument("--origins", type=int, default=6)
    p.add_argument("--horizon", type=int, default=28)
    p.add_argument("--bibitor", type=Path, default=BIBITOR,
                   help="the Bibitor files (skipped when the folder is missing)")
    p.add_argument("--bibitor-origins", type=int, default=3)
    p.add_argument("--bibitor-horizon", type=int, default=7)
    p.add_argument("--no-statsforecast", action="store_true",
                   help="leave statsforecast's models out (no benchmark environment)")
    args = p.parse_args()
    if not args.db.exists():
        from app import ensure_demo_data

        ensure_demo_data(args.db)
    began = time.perf_counter()
    sf_info = statsforecast_python()[1] if not args.no_statsforecast else None
    datasets = []
    runs = [("demo", args.db, args.origins, args.horizon)]
    if args.bibitor.is_dir():
        runs.append(("bibitor", bibitor_db(args.bibitor), args.bibitor_origins,
                     args.bibitor_horizon))
    for name, db, count, horizon in runs:
        source = open_duckdb(db)
        try:
            datasets.append(run_dataset(name, source, count, horizon,
                                        not args.no_statsforecast))
        finally:
            source.dispose()
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "statsforecast": sf_info,
        "seconds": round(time.perf_counter() - began, 1),
        "datasets": datasets,
    }, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {RESULTS} ({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
