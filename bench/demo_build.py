"""Benchmark the demo data generator: build time, row counts and peak memory per scale.

    .venv/bin/python bench/demo_build.py --scales 1 10 [--out-dir DIR] [--keep]

Each scale is built in a fresh child process, so its peak RSS is its own and not the
high-water mark of an earlier, smaller build. Results go to bench/results/demo_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "demo_build.json"


def build_one(scale: float, out: Path, seed: int) -> dict:
    """Build one demo file in this process and describe the run."""
    sys.path.insert(0, str(ROOT))
    from data_connectors.demo.generator import generate_demo

    started = time.perf_counter()
    summary = generate_demo(out, scale=scale, seed=seed)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "scale": scale,
        "seed": seed,
        "seconds": round(wall, 3),
        "generator_seconds": summary.seconds,
        "rows": summary.rows,
        "first_date": summary.first_date.isoformat(),
        "last_date": summary.last_date.isoformat(),
        "file_mb": round(out.stat().st_size / 2**20, 1),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "sales_rows_per_second": round(summary.rows["sales"] / wall),
    }


def run_child(scale: float, out: Path, seed: int) -> dict:
    """Run `build_one` in a child process and return its JSON report."""
    cmd = [sys.executable, __file__, "--child", str(scale), "--out-file", str(out)]
    done = subprocess.run([*cmd, "--seed", str(seed)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"scale {scale} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0])
    parser.add_argument("--out-dir", type=Path, help="where to build (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the built files")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--out-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        print(json.dumps(build_one(args.child, args.out_file, args.seed)))
        return 0

    with tempfile.TemporaryDirectory(prefix="demo-bench-") as tmp:
        out_dir = args.out_dir or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        runs = []
        for scale in args.scales:
            out = out_dir / f"demo_scale{scale:g}.duckdb"
            report = run_child(scale, out, args.seed)
            runs.append(report)
            print(
                f"scale {scale:g}: {report['seconds']:.1f} s, "
                f"{report['rows']['sales']:,} sales / {report['rows']['inventory']:,} inventory "
                f"rows, peak RSS {report['peak_rss_mb']:.0f} MB",
                file=sys.stderr,
            )
            if not args.keep:
                out.unlink(missing_ok=True)

    import duckdb
    import numpy

    result = {
        "benchmark": "demo_build",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "duckdb": duckdb.__version__,
            "numpy": numpy.__version__,
        },
        "runs": runs,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
