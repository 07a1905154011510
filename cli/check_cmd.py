"""`app.py check-source`: say what is missing or wrong in a source, by name."""

from __future__ import annotations

import argparse

from cli.args import UsageError
from cli.source_args import add_source_arguments, registry_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-source", help="check that a source and its mapping are usable",
        description="Connect, check every mapped table and column exists with a usable type, "
                    "read a sample through the mapping, and list every problem by entity and "
                    "column. Exits 1 when there is a problem.")
    add_source_arguments(p)
    p.add_argument("--sample", type=int, default=200, help="rows read per table (default 200)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from data_connectors.source_check import check_source

    registry = registry_from_args(args) if not args.db else None
    if registry is None:
        raise UsageError("check-source needs --url URL [--mapping FILE] or --config FILE")
    report = check_source(registry.configs[registry.default], sample=args.sample)
    print(report.render())
    return 1 if report.errors else 0
