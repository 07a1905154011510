"""The board's numbers from the compiled MetricQuery statements equal those of the
benchmark's hand-written DuckDB SQL (bench/board_sql.py), on the seeded demo data.

Two independent writings of DESIGN.md's definitions must agree, so an optimisation of the
compiler (period assignment without a range join, pruned measures and joins) that changed
a number fails here — and the benchmark's floor is known to compute the same numbers.
"""

from __future__ import annotations

import math
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from data_connectors.source import open_duckdb
from metrics.periods import months_back, previous_period
from metrics.query import MetricQuery
from tests.service_support import run_query

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from board_sql import CARD_METRICS, BoardAsk, board_statements

FILTERS = {
    "all": {},
    "east": {"region": ("East",)},
    "online_snacks": {"channel": ("online",), "category": ("Snacks", "Dairy")},
    "store_north": {"region": ("North", "South"), "channel": ("store",)},
}


def _close(a: object, b: object) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        none_a = a is None or (isinstance(a, float) and math.isnan(a))
        none_b = b is None or (isinstance(b, float) and math.isnan(b))
        return none_a and none_b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("preset_days", [30, 90, 400])
@pytest.mark.parametrize("name", list(FILTERS))
def test_board_numbers_match_hand_sql(demo_db: Path, name: str, preset_days: int) -> None:
    source = open_duckdb(demo_db)
    first, last = source.date_range()
    ask = BoardAsk(last - timedelta(days=preset_days - 1), last, **FILTERS[name])
    where = {d: list(getattr(ask, d)) for d in ("region", "channel", "category")
             if getattr(ask, d)}
    ours = {"cards": run_query(source, MetricQuery.create(CARD_METRICS, ask.start, ask.end,
                                                          where=where))}
    prev = previous_period(ask.start, ask.end)
    ours["cards_previous"] = run_query(source, MetricQuery.create(CARD_METRICS, *prev,
                                                                  where=where))
    trend_start = max(months_back(ask.end, 11), first)
    ours["trend"] = run_query(source, MetricQuery.create(
        ["turnover_days"], trend_start, ask.end, by=["month"], where=where))
    ours["overall"] = run_query(source, MetricQuery.create(["turnover_days"], ask.start,
                                                           ask.end, where=where))
    for dim in ("region", "channel"):
        ours[f"by_{dim}"] = run_query(source, MetricQuery.create(
            ["turnover_days"], ask.start, ask.end, by=[dim], where=where))
    # the hand-written SQL as plain text on the same file (a second duckdb.connect with
    # another configuration is refused while an app in this process holds the file)
    with source.engine.connect() as con:
        hand = {k: [tuple(r) for r in con.exec_driver_sql(sql).fetchall()]
                for k, sql in board_statements(ask, first).items()}
    source.engine.dispose()
    for key in ("cards", "cards_previous"):
        if key not in hand:  # the previous period starts before the data
            assert prev[0] < first
            continue
        row = ours[key].iloc[0]
        for metric, value in zip(CARD_METRICS, hand[key][0], strict=True):
            assert _close(row[metric], value), (key, metric, row[metric], value)
    for key, label in (("trend", "month"), ("by_region", "region"),
                       ("by_channel", "channel")):
        got = {r[label]: r["turnover_days"] for _, r in ours[key].iterrows()}
        want = dict(hand[key])
        assert set(got) == set(want), key
        for k, value in want.items():
            assert _close(got[k], value), (key, k, got[k], value)
    assert _close(ours["overall"].iloc[0]["turnover_days"], hand["overall"][0][1])
