"""Property tests: whatever a URL or a command line carries, parsing ends in a valid
MetricQuery or a clear refusal (QueryError / UsageError) — never another exception."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.args import UsageError
from cli.main import build_parser
from cli.query_cmd import build_query
from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from metrics.dimensions import DIMENSIONS
from metrics.errors import QueryError
from metrics.query import MetricQuery
from metrics.registry import METRICS

WORDS = st.sampled_from([*METRICS, *DIMENSIONS, "", ",", "-", "'", "1", "2025-01-01",
                         "last90", "custom", "table", "heatmap", "0", "-5", "x" * 50])
TEXT = st.text(max_size=40) | WORDS | st.lists(WORDS, max_size=5).map(",".join)
URL_KEYS = ["m", "by", "grain", "chart", "sort", "desc", "top", "title", "preset", "start",
            "end", "region", "channel", "category", "f_brand", "f_sku", "f_abc_class", "junk"]
PERIOD = (date(2025, 1, 1), date(2025, 3, 31))


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(URL_KEYS), TEXT, max_size=10))
def test_any_explore_url_gives_a_view_and_a_query_or_a_refusal(params: dict) -> None:
    spec = ViewSpec.from_params(params)
    assert ViewSpec.from_params(spec.to_params()) == spec  # what it shows, it can share
    assert ViewSpec.from_json(spec.to_json()) == spec
    try:
        query = spec.query(*PERIOD)
    except QueryError as exc:
        assert str(exc)
    else:
        assert isinstance(query, MetricQuery) and query.metrics == spec.metrics
    filters = BoardFilters.from_params(params)
    start, end = filters.period(date(2026, 10, 31))
    assert start <= end


OPTIONS = st.sampled_from(["--metrics", "--by", "--start", "--end", "--as-of", "--where",
                           "--sort", "--limit", "--having", "--dead-stock-days",
                           "--age-buckets", "--abc-cuts", "--abc-measure"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(OPTIONS, TEXT), max_size=8))
def test_any_query_command_line_gives_a_query_or_a_refusal(pairs: list) -> None:
    argv = ["query", "--db", "x.duckdb", "--metrics", "revenue"]
    for option, value in pairs:
        argv += [option, value]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:  # argparse itself refused (e.g. a non-integer --limit): exit 2
        return
    try:
        query = build_query(args, PERIOD)
    except (UsageError, QueryError) as exc:
        assert str(exc)
    else:
        assert isinstance(query, MetricQuery) and query.start <= query.end
