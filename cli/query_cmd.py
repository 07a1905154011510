"""`app.py query`: the analyst's way to the same numbers the board shows."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

import pandas as pd

from cli.args import (
    UsageError,
    parse_date,
    parse_having,
    parse_list,
    parse_numbers,
    parse_sort,
    parse_where,
)
from cli.source_args import add_source_arguments, source_from_args
from metrics.query import MetricQuery
from service import ALL_DATA
from service import run as run_query
from service.queries import data_range as read_range


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "query", help="compute metrics and print them as CSV or JSON",
        description="Compute metrics with the same definitions as the board. Without --start/"
                    "--end the whole data range is used (--end defaults to --as-of if given).",
    )
    add_source_arguments(p)
    p.add_argument("--metrics", required=True, help="comma-separated metric ids")
    p.add_argument("--by", default="", help="comma-separated dimensions (and one time grain)")
    p.add_argument("--start", help="first day of the period, YYYY-MM-DD")
    p.add_argument("--end", help="last day of the period, YYYY-MM-DD")
    p.add_argument("--as-of", dest="as_of", help="stock date for stock metrics (default: --end)")
    p.add_argument("--where", action="append", default=[], metavar="DIM=VALUE",
                   help="filter; repeat for several values (OR) or dimensions (AND)")
    p.add_argument("--sort", default="", help="comma-separated columns, each optionally "
                                               ":desc, e.g. inventory_value:desc,sku")
    p.add_argument("--limit", type=int, help="keep the first N rows (top-N with --sort)")
    p.add_argument("--having", action="append", default=[], metavar="METRIC<OP>NUMBER",
                   help="keep groups whose metric passes, e.g. inventory_value>0 "
                        "(operators: > >= < <= = !=); repeat to AND")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--dead-stock-days", type=int, default=90,
                   help="no sale in this many days makes stock dead (default 90)")
    p.add_argument("--age-buckets", default="30,60,90,180,365",
                   help="inclusive upper bounds of the age buckets in days")
    p.add_argument("--abc-measure", default="cogs",
                   choices=("cogs", "revenue", "units_sold", "gross_margin"))
    p.add_argument("--abc-cuts", default="0.8,0.95", help="A and B cumulative-share cut-offs")
    p.set_defaults(handler=run)


def build_query(args: argparse.Namespace, data_range: tuple[date, date] | None) -> MetricQuery:
    as_of = parse_date("--as-of", args.as_of)
    end = parse_date("--end", args.end) or as_of or (data_range[1] if data_range else None)
    start = parse_date("--start", args.start) or (data_range[0] if data_range else None)
    if start is None or end is None:
        raise UsageError("the source holds no dated rows; give --start and --end")
    cuts = parse_numbers("--abc-cuts", args.abc_cuts)
    if len(cuts) != 2:
        raise UsageError("--abc-cuts takes two numbers, e.g. 0.8,0.95")
    return MetricQuery.create(
        parse_list(args.metrics), start, end, by=parse_list(args.by),
        where=parse_where(args.where), as_of=as_of,
        dead_stock_days=args.dead_stock_days,
        age_bounds=tuple(parse_numbers("--age-buckets", args.age_buckets, int)),
        abc_measure=args.abc_measure, abc_cuts=tuple(cuts),
        sort=[parse_sort(c) for c in parse_list(args.sort)],
        limit=args.limit, having=[parse_having(h) for h in args.having],
    )


def render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    return frame.to_csv(index=False, na_rep="")


def run(args: argparse.Namespace) -> int:
    source = source_from_args(args)
    try:
        needs_range = args.start is None or (args.end is None and args.as_of is None)
        # the command line is trusted code: it answers for all data (ALL_DATA)
        data_range = read_range(ALL_DATA, source) if needs_range else None
        frame = run_query(ALL_DATA, build_query(args, data_range), source)
        sys.stdout.write(render(frame, args.format))
    finally:
        source.dispose()
    return 0
