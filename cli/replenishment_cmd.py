"""`app.py replenishment …`: the replenishment policy on the command line.

    python app.py replenishment replay --days 91 [--db data/demo.duckdb]
        [--service-level 95] [--cover-days 28] [--safety-stock error|demand|both] [--json]

`replay` runs the policy replay (forecast/replay.py) over the last N days of the data —
"what if we had followed StockLens": from the first day's stock, the recommended reorder
points and quantities with the real lead times — and prints the achieved fill rate,
cycle service level (against the target), stockout days and mean stock value, against
what actually happened. Computed now, from all the data (the command line is trusted);
the server's forecast job stores the same replay for the Replenishment page.
"""

from __future__ import annotations

import argparse
import json

from cli.args import UsageError
from cli.progress import TerminalProgress
from cli.source_args import add_source_arguments, registry_from_args

BASES = ("error", "demand", "both")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replenishment", help="the replenishment policy: replay it over the "
                                             "history",
                       description="Commands about the replenishment policy.")
    group = p.add_subparsers(dest="replenishment_command", metavar="COMMAND")
    group.required = True
    replay = group.add_parser(
        "replay", help="what if we had followed StockLens: replay the policy over the history",
        description="Replay the replenishment policy over the last N days of the data: "
                    "start from the stock on the day before, forecast again every week "
                    "from the data up to then, order at the reorder point up to the "
                    "order-up-to level, receive after the lead times the suppliers really "
                    "took, and compare fill rate, cycle service level, stockout days and "
                    "stock value with what actually happened.")
    add_source_arguments(replay)
    replay.add_argument("--days", type=int, default=91, metavar="N",
                        help="days of history to replay, ending on the data's last day "
                             "(default 91)")
    replay.add_argument("--service-level", type=float, default=95.0, metavar="PERCENT",
                        help="the cycle service level targeted (default 95)")
    replay.add_argument("--cover-days", type=int, default=28, metavar="DAYS",
                        help="days of demand an order covers after it arrives (default 28)")
    replay.add_argument("--safety-stock", choices=BASES, default="both",
                        help="safety stock from the forecast's error over the lead time "
                             "(error), from the spread of daily demand (demand), or both "
                             "side by side (default)")
    replay.add_argument("--json", action="store_true", help="print the result as JSON")
    replay.set_defaults(handler=run_replay)


def _rules(args: argparse.Namespace) -> list:
    from metrics.replenishment import SAFETY_BASES, Policy

    bases = SAFETY_BASES if args.safety_stock == "both" else (args.safety_stock,)
    try:
        return [Policy(args.service_level / 100, args.cover_days, b) for b in bases]
    except ValueError as exc:
        raise UsageError(f"--service-level/--cover-days: {exc}") from None


def run_replay(args: argparse.Namespace) -> int:
    from app import demo_registry
    from forecast.replay import replay_source
    from service import sources

    if not 28 <= args.days <= 730:
        raise UsageError("--days: between 28 and 730")
    rules = _rules(args)
    registry = registry_from_args(args) or demo_registry()
    sources.use_registry(registry)
    source = registry.get()
    bar = TerminalProgress("replay")
    try:
        result = replay_source(source, args.days, rules=rules,
                               progress=lambda done, total: bar("locations", done, total))
    finally:
        bar.close()
    table = result.summary()
    target = args.service_level / 100
    if args.json:
        print(json.dumps({
            "source": source.name, "first": result.first.isoformat(),
            "last": result.last.isoformat(), "target": target,
            "cover_days": args.cover_days, "seconds": round(result.seconds, 1),
            "rows": [{k: (None if v != v else v) for k, v in row.items()}
                     for row in table.drop(columns=["service_level"]).to_dict("records")],
        }, ensure_ascii=False, indent=2))
        return 0
    pairs = int(table["pairs"].iloc[0])
    print(f"policy replay of {source.name}, {result.first} … {result.last} "
          f"({(result.last - result.first).days + 1} days, {pairs:,} SKU-locations, "
          f"{result.seconds:.0f} s): target cycle service level {target:.1%}, "
          f"{args.cover_days} days of cover")
    print(f"  {'':<28} {'fill rate':>9} {'cycle service':>13} {'orders':>8} "
          f"{'stockout days':>13} {'mean stock value':>17}")
    labels = {"error": "StockLens (forecast error)", "demand": "StockLens (demand spread)",
              "actual": "what actually happened"}
    for row in table.itertuples():
        gap = "" if row.basis == "actual" or row.cycle_service != row.cycle_service else \
            f" ({(row.cycle_service - target) * 100:+.1f} pt)"
        print(f"  {labels[row.basis]:<28} {row.fill_rate:>9.1%} "
              f"{row.cycle_service:>13.1%}{gap:<10} {row.cycles:>8,.0f} "
              f"{row.stockout_days:>13,.0f} {row.stock_value_mean:>17,.0f}")
    print("  cycle service: orders with no unmet demand from the order to its arrival "
          "(ordered after the first 14 days and 35 days before the end)")
    return 0
