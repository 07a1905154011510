"""`app.py forecast`: compute and store a source's demand forecasts (what the server's
background job does), then print the replenishment plan's summary and, with --csv, write
the purchase suggestions.

    python app.py forecast --db data/demo.duckdb --service-level 97.5 --csv orders.csv
    python app.py forecast --safety-stock demand     # the textbook safety stock, to compare
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.args import UsageError
from cli.progress import TerminalProgress
from cli.source_args import add_source_arguments, registry_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "forecast", help="compute and store demand forecasts, print purchase suggestions",
        description="Forecast daily demand per SKU-location (as the server's background "
                    "job does) and store it in the app-state database, unless the data "
                    "already has stored forecasts (--force recomputes). Then print the "
                    "SKU-locations at or below their reorder point.")
    add_source_arguments(p)
    p.add_argument("--force", action="store_true", help="recompute even if stored")
    p.add_argument("--service-level", type=float, default=95.0, metavar="PERCENT",
                   help="cycle service level behind the safety stock (default 95)")
    p.add_argument("--cover-days", type=int, default=28, metavar="DAYS",
                   help="days of demand an order covers after it arrives (default 28)")
    p.add_argument("--safety-stock", choices=("error", "demand"), default="error",
                   help="safety stock from the forecast's own error over the lead time "
                        "(error, default) or from the spread of daily demand (demand)")
    p.add_argument("--top", type=int, default=20, metavar="N",
                   help="print the N most urgent suggestions (default 20)")
    p.add_argument("--csv", type=Path, metavar="FILE",
                   help="write every purchase suggestion to this CSV file")
    p.set_defaults(handler=run)


def _policy(args: argparse.Namespace) -> object:
    from metrics.replenishment import Policy

    try:
        return Policy(args.service_level / 100, args.cover_days, args.safety_stock)
    except ValueError as exc:
        raise UsageError(f"--service-level/--cover-days: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from app import demo_registry
    from exports.purchase_csv import purchase_csv
    from forecast.job import refresh_source
    from service import ALL_DATA, sources
    from service.replenishment import current_plan

    policy = _policy(args)
    registry = registry_from_args(args) or demo_registry()
    sources.use_registry(registry)
    source = registry.get()
    bar = TerminalProgress("forecast")
    try:
        run = refresh_source(source, force=args.force,
                             progress=lambda done, total: bar("locations", done, total))
    finally:
        bar.close()
    if run is not None:
        print(f"stored forecasts of {run.series:,} SKU-locations of {source.name} as of "
              f"{run.origin} ({run.seconds:.1f} s)")
    plan = current_plan(ALL_DATA, source.name, None, policy)  # type: ignore[arg-type]
    if plan is None:
        print("error: no stored forecast (another process is computing it?)", file=sys.stderr)
        return 1
    frame = plan.frame
    if run is None:
        print(f"forecasts of {source.name} as of {plan.run.origin} are already stored "
              "(--force recomputes)")
    due = frame[frame["order_qty"] > 0]
    print(f"{len(due):,} of {len(frame):,} SKU-locations at or below their reorder point; "
          f"suggested orders {due['order_qty'].sum():,.0f} units, "
          f"¥{due['order_value'].sum():,.2f} (service level {policy.service_level:.1%}, "
          f"{policy.cover_days} days of cover, safety stock from the "
          f"{'forecast error' if policy.safety_basis == 'error' else 'demand spread'})")
    for row in due.head(max(args.top, 0)).itertuples():
        when = row.stockout_date.isoformat() if row.stockout_date else "—"
        print(f"  {row.sku:<10} {row.location:<6} on hand {row.on_hand:>8,.0f}  "
              f"ROP {row.reorder_point:>8,.1f}  order {row.order_qty:>8,.0f}  "
              f"runs out {when}  {row.supplier or '—'}")
    if args.csv:
        args.csv.write_bytes(purchase_csv(frame, "en"))
        print(f"wrote {len(due):,} purchase suggestions to {args.csv}")
    return 0
