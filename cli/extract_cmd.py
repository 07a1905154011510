"""`app.py extract refresh|status`: extract-mode sources' local copies (README, "Extract mode").

    python app.py extract refresh [--config FILE] [--source S] [--full]
    python app.py extract status  [--config FILE] [--source S]

A refresh is incremental when the source already has a copy (facts by watermark with the
configured look-back window, dimensions and snapshots replaced), full with --full or the
first time. Exit status: 0 when every refresh succeeded, 1 when one failed or was refused
because another refresh of that source is running.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli.args import UsageError
from cli.progress import TerminalProgress
from data_connectors.config import CONFIG_ENV, ConfigError, load_config
from data_connectors.registry import SourceRegistry
from data_connectors.source import SourceError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="refresh or inspect extract-mode sources' local copies",
                       description="Sources with `mode: extract` in the config are served "
                                   "from a local DuckDB copy; these commands refresh it and "
                                   "show its state.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    refresh = actions.add_parser(
        "refresh", help="copy the source's data into a new extract and swap it in",
        description="Pull the source's canonical tables into a new local DuckDB copy "
                    "(rollups included) and swap it in atomically; on failure the previous "
                    "copy keeps serving and the error is recorded (shown on the Sources "
                    "page). Incremental when a copy exists: sales and receipts (and facts "
                    "whose mapping names `watermark: date`) from `extract.window_days` before "
                    "the copy's last date on, everything else replaced.")
    status = actions.add_parser("status", help="last attempt, last success, rows, duration "
                                               "and error of each extract-mode source")
    for q in (refresh, status):
        q.add_argument("--config", type=Path,
                       help=f"the config file naming the sources (default: ${CONFIG_ENV})")
        q.add_argument("--source", help="one source (default: every extract-mode source)")
    refresh.add_argument("--full", action="store_true",
                         help="pull everything again instead of the incremental window")
    refresh.set_defaults(handler=run_refresh)
    status.set_defaults(handler=run_status)


def _registry(args: argparse.Namespace) -> tuple[SourceRegistry, list[str]]:
    """The config's sources (the state database is read from the same file) and which
    extract-mode sources the command is about."""
    from auth.startup import state_refusal
    from service.extracts import extract_sources

    config = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV)
                             else None)
    if config is None:
        raise UsageError(f"--config: say which config file names the sources (or set "
                         f"${CONFIG_ENV})")
    os.environ[CONFIG_ENV] = str(config.resolve())
    try:
        registry = SourceRegistry.from_config(load_config(config))
    except ConfigError as exc:
        raise SourceError(str(exc)) from None
    refusal = state_refusal()
    if refusal:
        raise SourceError(refusal)
    names = extract_sources(registry)
    if args.source:
        if args.source not in registry.configs:
            raise UsageError(f"--source: {args.source!r} is not in {config} "
                             f"({', '.join(registry.names())})")
        if args.source not in names:
            raise UsageError(f"--source: {args.source!r} is not in extract mode (set "
                             f"`mode: extract` in its entry)")
        names = [args.source]
    if not names:
        raise UsageError(f"no source in {config} is in extract mode (`mode: extract`)")
    return registry, names


def run_refresh(args: argparse.Namespace) -> int:
    from service.extracts import refresh

    registry, names = _registry(args)
    failed = 0
    for name in names:
        progress = TerminalProgress(f"extract {name}")
        try:
            outcome = refresh(name, args.full, progress, registry)
        finally:
            progress.close()
        if outcome.result is not None:
            r = outcome.result
            print(f"{name}: {'incremental' if r.incremental else 'full'} refresh, "
                  f"{r.total_rows:,} rows in {r.seconds:.1f} s; data as of "
                  f"{r.extracted_at:%Y-%m-%d %H:%M:%S} UTC")
        else:
            failed += 1
            word = "refused" if outcome.status == "busy" else "failed"
            print(f"error: {name}: refresh {word}: {outcome.error}", file=sys.stderr)
    registry.dispose()
    return 1 if failed else 0


def run_status(args: argparse.Namespace) -> int:
    from service.extracts import state

    registry, names = _registry(args)
    for name in names:
        s = state(name)
        if s is None:
            print(f"{name}: never refreshed")
            continue
        print(f"{name}: {s.status}; last attempt {s.last_attempt:%Y-%m-%d %H:%M:%S} UTC"
              + (f"; data as of {s.as_of:%Y-%m-%d %H:%M:%S} UTC, {s.rows:,} rows "
                 f"({s.refresh}, {s.seconds:.1f} s)" if s.as_of and s.rows is not None
                 else "; no successful refresh")
              + (f"; error: {s.error}" if s.error else "")
              + (f"; running: {s.progress}" if s.status == "running" and s.progress else ""))
    registry.dispose()
    return 0
