"""Sort, top-N and metric filters (having) on query results; days since last sale."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics.errors import QueryError
from metrics.query import MetricQuery
from tests.builders import EMBEDDED_BUILDERS, d
from tests.service_support import run_query

SKU = [{"sku_id": s, "category": c, "unit_cost": 1.0}
       for s, c in (("A", "X"), ("B", "X"), ("C", "Y"), ("D", "Y"))]
LOC = [{"location_id": "L1", "region": "East", "channel": "store"}]


@pytest.fixture(params=sorted(EMBEDDED_BUILDERS))
def source(request: pytest.FixtureRequest, tmp_path: Path):
    """Stock at Mar 31: A 40, B 10, C 30, D 0. Last sales: A Mar 30, B Jan 1, C never."""
    sales = [{"date": d(day), "sku_id": s, "location_id": "L1", "qty": q, "revenue": 2 * q}
             for day, s, q in (("2025-03-30", "A", 5), ("2025-01-01", "B", 1),
                               ("2025-02-10", "D", 3), ("2025-03-05", "A", -1))]
    inventory = [{"date": d("2025-03-31"), "sku_id": s, "location_id": "L1", "on_hand_qty": q}
                 for s, q in (("A", 40), ("B", 10), ("C", 30), ("D", 0))]
    return EMBEDDED_BUILDERS[request.param](tmp_path / f"t.{request.param}", sku=SKU,
                                            location=LOC, sales=sales, inventory=inventory)


def test_days_since_last_sale_counts_from_the_latest_positive_sale(source) -> None:
    frame = run_query(source, MetricQuery.create(
        ["days_since_last_sale", "on_hand_units"], d("2025-03-01"), d("2025-03-31"),
        by=["sku"]))
    got = {r["sku"]: (r["days_since_last_sale"], r["on_hand_units"])
           for _, r in frame.iterrows()}
    assert got["A"] == (1.0, 40.0)  # the return on Mar 5 is not a sale
    assert got["B"] == (89.0, 10.0)  # Jan 1 → Mar 31, long before the period
    assert got["D"] == (49.0, 0.0)
    assert got["C"][1] == 30.0 and got["C"][0] != got["C"][0]  # never sold: undefined (NaN)


def test_having_sort_and_limit_make_a_slow_mover_list(source) -> None:
    query = MetricQuery.create(
        ["on_hand_units", "days_since_last_sale"], d("2025-03-01"), d("2025-03-31"),
        by=["sku"], having=[("on_hand_units", ">", 0), ("days_since_last_sale", ">=", 30)],
        sort=[("on_hand_units", True)])
    assert list(run_query(source, query)["sku"]) == ["B"]  # C never sold: NULL fails >=
    top = MetricQuery.create(["on_hand_units"], d("2025-03-01"), d("2025-03-31"), by=["sku"],
                             sort=[("on_hand_units", True)], limit=2)
    assert list(run_query(source, top)["sku"]) == ["A", "C"]


def test_undefined_values_sort_last_in_both_directions(source) -> None:
    for descending in (True, False):
        query = MetricQuery.create(["days_since_last_sale", "on_hand_units"], d("2025-03-01"),
                                   d("2025-03-31"), by=["sku"],
                                   sort=[("days_since_last_sale", descending)])
        order = list(run_query(source, query)["sku"])
        assert order[-1] == "C"
        assert order[:3] == (["B", "D", "A"] if descending else ["A", "D", "B"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"sort": [("revenue", True)]}, "cannot sort by 'revenue'"),
    ({"limit": 0}, "limit must be a whole number"),
    ({"having": [("revenue", ">", 1)]}, "having: 'revenue' is not a metric of this query"),
    ({"having": [("cogs", "~", 1)]}, "operator '~' is not one of"),
    ({"having": [("cogs", ">", "lots")]}, "'lots' is not a number"),
])
def test_result_options_are_validated(kwargs: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        MetricQuery.create(["cogs"], d("2025-01-01"), d("2025-01-31"), by=["sku"], **kwargs)
