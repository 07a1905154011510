"""`app.py import --into hive://host:10000/database`: files or a StockLens DuckDB file into
Spark SQL in one command.

Files are first imported exactly as `--into FILE.duckdb` would (the same checks, the same
all-or-nothing report) into a temporary DuckDB file; that file — or a given one, such as
`app.py demo-data`'s — is then written as Parquet and registered as Spark tables
(data_connectors/spark_loading.py says why).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

from canonical.model import ENTITIES
from cli.progress import TerminalProgress

DEFAULT_PARQUET_DIR = Path("data/spark-parquet")


def is_url(target: str) -> bool:
    return "://" in target


def run_spark_import(args: argparse.Namespace) -> int:
    from data_connectors.spark_loading import (
        SparkLoadError,
        canonical_tables,
        load_into_spark,
        spark_database,
    )

    url = str(args.into)
    try:
        database = spark_database(url)
    except (SparkLoadError, sa.exc.ArgumentError) as exc:
        print(f"error: --into {exc}", file=sys.stderr)
        return 1
    if args.mode == "append":
        print("error: --mode append is not supported into Spark SQL: append into a DuckDB "
              "file (--into FILE.duckdb --mode append), then import that file with "
              "--mode replace", file=sys.stderr)
        return 1
    try:
        existing = canonical_tables(url, database)
    except sa.exc.DBAPIError as exc:
        print(f"error: cannot reach the Spark Thrift Server at {_where(url)}: "
              f"{str(exc.orig).splitlines()[0] if exc.orig else exc}", file=sys.stderr)
        return 1
    if existing and args.mode != "replace":
        print(f"error: the Spark database {database} already holds {', '.join(existing)}; "
              f"give --mode replace to replace them", file=sys.stderr)
        return 1
    parquet_dir = args.parquet_dir or DEFAULT_PARQUET_DIR
    progress = TerminalProgress("import into Spark")
    try:
        with tempfile.TemporaryDirectory(prefix="stocklens-spark-") as tmp:
            if args.source.suffix == ".duckdb":
                db_path = args.source
            else:
                db_path = Path(tmp) / "import.duckdb"
                if _import_files(args, db_path, progress) != 0:
                    return 1
            loaded = load_into_spark(db_path, url, parquet_dir,
                                     step=lambda s: progress(s, 0, 1))
    except SparkLoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        progress.close()
    counts = ", ".join(f"{name} {n:,}" for name, n in loaded.rows.items() if name in ENTITIES)
    print(f"loaded into Spark database {loaded.database} ({counts}; Parquet files in "
          f"{loaded.folder}) in {loaded.seconds:.1f} s")
    return 0


def _import_files(args: argparse.Namespace, db_path: Path, progress: TerminalProgress) -> int:
    """The checked import into a new DuckDB file; prints the report as `import` does."""
    from data_connectors.file_import import ImportRejected, import_files
    from data_connectors.mapping import MappingError, load_mapping

    try:
        mapping = load_mapping(args.mapping) if args.mapping else None
    except MappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        report = import_files(args.source, db_path, mapping, progress=progress)
    except ImportRejected as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(exc.report.render(limit=50), file=sys.stderr)
        return 1
    print(report.render(limit=50))
    return 0


def _where(url: str) -> str:
    parsed = sa.engine.make_url(url)
    return f"{parsed.host}:{parsed.port or 10000}"
