"""`app.py demo-data` and `app.py import`: the commands that write a DuckDB file (or, for
`import --into hive://…`, Spark SQL tables: cli/spark_import.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.progress import TerminalProgress


def add_parsers(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo-data", help="generate the seeded demo data set",
                          description="Generate a deterministic retail/distribution data set "
                                      "(18 months of daily sales, receipts and stock).")
    demo.add_argument("--scale", type=float, default=1.0,
                      help="grows SKUs and locations; 1 ≈ 300 SKUs × 24 locations")
    demo.add_argument("--out", required=True, type=Path, help="the DuckDB file to write")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--locale", choices=("en", "zh"), default="en",
                      help="language of region, category and store names")
    demo.set_defaults(handler=run_demo)

    imp = sub.add_parser(
        "import", help="import CSV or .xlsx files into a DuckDB file or Spark SQL",
        description="Import canonical files (sku.csv, location.csv, sales.csv, receipts.csv, "
                    "inventory.csv, or an .xlsx workbook with sheets of those names), or any "
                    "files with a mapping. CSV may be UTF-8 (with or without BOM) or GBK/"
                    "GB18030. All or nothing: any bad row rejects the whole import with a "
                    "row-level report, unless the mapping sets skip_invalid_rows for a file, "
                    "whose invalid rows are then rejected and listed one by one. With --into "
                    "hive://HOST:10000/DATABASE the checked rows (or a StockLens .duckdb "
                    "file given to --from, e.g. the demo data) become Spark SQL tables over "
                    "Parquet files in --parquet-dir.",
    )  # fmt: skip
    imp.add_argument("--from", dest="source", required=True, type=Path,
                     metavar="DIR|FILE.xlsx",
                     help="folder holding the files (a mapping's file: paths are relative to "
                          "it), or one .xlsx workbook; into Spark also a StockLens .duckdb "
                          "file")  # fmt: skip
    imp.add_argument("--mapping", type=Path, metavar="FILE.yaml",
                     help="YAML mapping of the files' columns onto the canonical model "
                          "(see examples/bibitor/mapping.yaml)")  # fmt: skip
    imp.add_argument("--into", required=True, metavar="FILE.duckdb|hive://…",
                     help="the DuckDB file to write, or a Spark Thrift Server URL "
                          "hive://HOST:10000/DATABASE (README, \"Beyond one machine\")")
    imp.add_argument("--parquet-dir", type=Path, metavar="DIR",
                     help="into Spark: where the Parquet files go, a folder every Spark "
                          "executor reads under the same path (default data/spark-parquet)")
    imp.add_argument("--mode", choices=("append", "replace"),
                     help="required when the file already holds data: append refuses "
                          "duplicates, replace swaps the whole content")  # fmt: skip
    imp.add_argument("--report", type=Path, metavar="FILE",
                     help="also write the full report (every problem and rejected row) to "
                          "this file")  # fmt: skip
    imp.set_defaults(handler=run_import)


def run_demo(args: argparse.Namespace) -> int:
    from data_connectors.demo.generator import generate_demo

    progress = TerminalProgress("demo data")
    try:
        summary = generate_demo(args.out, scale=args.scale, seed=args.seed,
                                locale=args.locale, progress=progress)
    finally:
        progress.close()
    counts = ", ".join(f"{name} {n:,}" for name, n in summary.rows.items())
    print(f"wrote {summary.path} ({summary.first_date} … {summary.last_date}; {counts}) "
          f"in {summary.seconds:.1f} s")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from cli.spark_import import is_url, run_spark_import
    from data_connectors.file_import import ImportRejected, import_files
    from data_connectors.mapping import MappingError, load_mapping

    if is_url(args.into):
        return run_spark_import(args)
    args.into = Path(args.into)

    try:
        mapping = load_mapping(args.mapping) if args.mapping else None
    except MappingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    progress = TerminalProgress("import")
    try:
        report = import_files(args.source, args.into, mapping, mode=args.mode,
                              progress=progress)  # fmt: skip
    except ImportRejected as exc:
        progress.close()
        exc.report.mapping_name = str(args.mapping) if args.mapping else None
        if args.report:
            args.report.write_text(exc.report.render(limit=None), encoding="utf-8")
        print(f"error: {exc}", file=sys.stderr)
        print(exc.report.render(limit=50), file=sys.stderr)
        return 1
    progress.close()
    report.mapping_name = str(args.mapping) if args.mapping else None
    if args.report:
        args.report.write_text(report.render(limit=None), encoding="utf-8")
    print(report.render(limit=50))
    if report.rows_rejected:
        where = f"; all of them are in {args.report}" if args.report else \
            "; give --report FILE for the full list"  # fmt: skip
        print(f"warning: {report.summary()}{where}", file=sys.stderr)
    return 0
