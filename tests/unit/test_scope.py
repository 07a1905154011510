"""Row-level scope: intersected with filters, never widened, part of the cache key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_connectors.query_cache import QueryCache, make_backend
from metrics.query import MetricQuery
from metrics.runner import run_query
from metrics.scope import apply_scope, set_scope_provider
from tests.builders import d, duckdb_source

SALES = [{"date": d("2025-01-05"), "sku_id": "A", "location_id": loc, "qty": 1,
          "revenue": rev} for loc, rev in (("L1", 10.0), ("L2", 20.0))]
LOCATIONS = [{"location_id": "L1", "region": "East", "channel": "store"},
             {"location_id": "L2", "region": "West", "channel": "store"}]
QUERY = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"), by=["region"])


def test_apply_scope_intersects_and_is_idempotent() -> None:
    asked = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"),
                               where={"region": ["East", "West"]},
                               scope={"region": ["East", "North"]})
    narrowed = apply_scope(asked, {"region": ["East", "West"], "channel": ["store"]})
    assert dict(narrowed.scope) == {"region": ("East",), "channel": ("store",)}
    assert apply_scope(narrowed, {"region": ["East", "West"], "channel": ["store"]}) == narrowed
    assert narrowed.filters() == {"region": ("East",), "channel": ("store",)}


def test_the_installed_scope_narrows_every_run_and_cannot_be_escaped(tmp_path: Path) -> None:
    source = duckdb_source(tmp_path / "t.duckdb", sku=[{"sku_id": "A", "category": "X"}],
                           location=LOCATIONS, sales=SALES)
    set_scope_provider(lambda: {"region": ["East"]})
    try:
        assert run_query(source, QUERY)["region"].tolist() == ["East"]
        west = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"),
                                  where={"region": ["West"]})
        assert run_query(source, west).iloc[0]["revenue"] == 0  # out of scope: nothing
    finally:
        set_scope_provider(None)
    assert run_query(source, QUERY)["region"].tolist() == ["East", "West"]


def test_users_with_different_scopes_never_share_a_cached_answer(tmp_path: Path) -> None:
    source = duckdb_source(tmp_path / "t.duckdb", sku=[{"sku_id": "A", "category": "X"}],
                           location=LOCATIONS, sales=SALES)
    cache = QueryCache(make_backend(None, 300))
    user: dict[str, list[str] | None] = {"scope": None}
    set_scope_provider(lambda: {"region": user["scope"]} if user["scope"] else None)
    try:
        everything = cache.run(source, QUERY)
        user["scope"] = ["East"]
        east = cache.run(source, QUERY)
    finally:
        set_scope_provider(None)
    assert everything["region"].tolist() == ["East", "West"]
    pd.testing.assert_frame_equal(east.reset_index(drop=True),
                                  everything[everything["region"] == "East"]
                                  .reset_index(drop=True))


def test_an_empty_intersection_of_scopes_sees_nothing_not_everything(tmp_path: Path) -> None:
    """A query already scoped to West (a wall's site), run for someone scoped to East:
    nothing — an empty scope must not be dropped as if it were no scope."""
    source = duckdb_source(tmp_path / "t.duckdb", sku=[{"sku_id": "A", "category": "X"}],
                           location=LOCATIONS, sales=SALES)
    west = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"), by=["region"],
                              scope={"region": ["West"]})
    narrowed = apply_scope(west, {"region": ["East"]})
    assert dict(narrowed.scope) == {"region": ()}
    assert run_query(source, narrowed).empty
    nothing = apply_scope(QUERY, {"region": []})
    assert run_query(source, nothing).empty
