"""The options that say where data comes from, shared by serve, query and check-source:
--db FILE.duckdb | --url URL [--mapping FILE.yaml] | --config FILE.yaml [--source NAME]
(--config also defaults to $STOCKLENS_CONFIG)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cli.args import UsageError
from data_connectors.config import CONFIG_ENV, ConfigError, SourceConfig, load_config
from data_connectors.mapping import MappingError, load_mapping
from data_connectors.registry import SourceRegistry
from data_connectors.source import Source, SourceError, open_duckdb


def add_source_arguments(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=False)
    group.add_argument("--db", type=Path, help="a StockLens DuckDB file")
    group.add_argument("--url", help="a SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db")
    group.add_argument("--config", type=Path,
                       help=f"a config file naming sources (default: ${CONFIG_ENV})")
    parser.add_argument("--mapping", type=Path,
                        help="with --url: a YAML mapping of your tables onto the canonical "
                             "model (not needed when tables use canonical names)")
    parser.add_argument("--source", help="with --config: which source (default: the "
                                         "config's default_source)")
    parser.add_argument("--statement-timeout", type=float, default=30.0, metavar="SECONDS",
                        help="with --url: cancel a query running longer (default 30; a "
                             "warehouse engine such as Spark SQL may need more)")
    parser.set_defaults(source_required=required)


def registry_from_args(args: argparse.Namespace) -> SourceRegistry | None:
    """The sources the options name, or None when none was given."""
    config = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV)
                             and not (args.db or args.url) else None)
    if args.mapping and not args.url:
        raise UsageError("--mapping goes with --url")
    if args.source and not config:
        raise UsageError("--source goes with --config")
    try:
        if config:
            registry = SourceRegistry.from_config(load_config(config))
            if args.source:
                if args.source not in registry.configs:
                    raise UsageError(f"--source: {args.source!r} is not in {config} "
                                     f"({', '.join(registry.names())})")
                registry.default = args.source
            return registry
        if args.url:
            mapping = load_mapping(args.mapping) if args.mapping else None
            cfg = SourceConfig("source", args.url, mapping,
                               statement_timeout_s=getattr(args, "statement_timeout", 30.0))
            return SourceRegistry({cfg.name: cfg}, cfg.name)
    except (ConfigError, MappingError) as exc:
        raise SourceError(str(exc)) from None
    if args.db:
        return SourceRegistry.of_source(open_duckdb(args.db))
    return None


def source_from_args(args: argparse.Namespace) -> Source:
    registry = registry_from_args(args)
    if registry is None:
        raise UsageError("say where the data is: --db FILE.duckdb, --url URL or --config FILE")
    return registry.get()
