"""The `app.py` command line (DESIGN.md, "Command-line contract").

Every failure a user can cause ends as one line on stderr and a non-zero exit code; a
traceback means a bug in StockLens.
"""

from __future__ import annotations

import argparse
import sys

from app_state.db import StateUrlError
from app_state.migrate import StateSchemaError
from cli import (
    alerts_cmd,
    check_cmd,
    data_cmds,
    db_cmd,
    extract_cmd,
    forecast_cmd,
    query_cmd,
    replenishment_cmd,
    serve_cmd,
    users_cmd,
    worker_cmd,
)
from cli.args import UsageError
from data_connectors.source import SourceError
from metrics.errors import QueryError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="app.py",
        description="StockLens: inventory analytics (turnover, sell-through, ageing, dead "
                    "stock). Without a command, serves the demo board on "
                    "http://127.0.0.1:8050.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve_cmd.add_parser(sub)
    data_cmds.add_parsers(sub)
    query_cmd.add_parser(sub)
    check_cmd.add_parser(sub)
    users_cmd.add_parser(sub)
    forecast_cmd.add_parser(sub)
    replenishment_cmd.add_parser(sub)
    alerts_cmd.add_parser(sub)
    db_cmd.add_parser(sub)
    extract_cmd.add_parser(sub)
    worker_cmd.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *(argv or [])])
    try:
        return args.handler(args)
    except (UsageError, QueryError, SourceError, OSError, StateSchemaError,
            StateUrlError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        return 130
