"""Row-level scope: intersected with filters, never widened, part of the cache key."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from metrics.query import MetricQuery
from metrics.scope import apply_scope
from service import ALL_DATA, NOBODY, Principal, run
from service import sources as service_sources
from service.cache import QueryCache, make_backend
from tests.builders import d, duckdb_source
from tests.service_support import run_query

SALES = [{"date": d("2025-01-05"), "sku_id": "A", "location_id": loc, "qty": 1,
          "revenue": rev} for loc, rev in (("L1", 10.0), ("L2", 20.0))]
LOCATIONS = [{"location_id": "L1", "region": "East", "channel": "store"},
             {"location_id": "L2", "region": "West", "channel": "store"}]
QUERY = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"), by=["region"])
EAST = Principal.scoped("max", "user", {"region": ["East"]})


def test_apply_scope_intersects_and_is_idempotent() -> None:
    asked = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"),
                               where={"region": ["East", "West"]},
                               scope={"region": ["East", "North"]})
    narrowed = apply_scope(asked, {"region": ["East", "West"], "channel": ["store"]})
    assert dict(narrowed.scope) == {"region": ("East",), "channel": ("store",)}
    assert apply_scope(narrowed, {"region": ["East", "West"], "channel": ["store"]}) == narrowed
    assert narrowed.filters() == {"region": ("East",), "channel": ("store",)}
    # a principal narrows the same way, and narrowing twice changes nothing
    both = Principal.scoped("m", "user", {"region": ["East", "West"], "channel": ["store"]})
    assert both.narrow(asked) == narrowed and both.narrow(narrowed) == narrowed
    assert ALL_DATA.narrow(asked) == asked


def test_a_principal_s_scope_narrows_every_run_and_cannot_be_escaped(tmp_path: Path) -> None:
    source = duckdb_source(tmp_path / "t.duckdb", sku=[{"sku_id": "A", "category": "X"}],
                           location=LOCATIONS, sales=SALES)
    assert run_query(source, QUERY, EAST)["region"].tolist() == ["East"]
    west = MetricQuery.create(["revenue"], d("2025-01-01"), d("2025-01-31"),
                              where={"region": ["West"]})
    assert run_query(source, west, EAST).iloc[0]["revenue"] == 0  # out of scope: nothing
    assert run_query(source, QUERY)["region"].tolist() == ["East", "West"]  # all data


def test_users_with_different_scopes_never_share_a_cached_answer(tmp_path: Path) -> None:
    source = duckdb_source(tmp_path / "t.duckdb", sku=[{"sku_id": "A", "category": "X"}],
                           location=LOCATIONS, sales=SALES)
    cache = QueryCache(make_backend(None, 300))
    previous = service_sources.query_cache()
    service_sources.use_cache(cache)
    try:
        everything = run(ALL_DATA, QUERY, source)
        east = run(EAST, QUERY, source)
        assert cache.flights.computed == 2  # the East answer was not the cached one
        run(ALL_DATA, QUERY, source)
        run(Principal.scoped("eve", "token", {"region": ["East"]}), QUERY, source)
        assert cache.flights.computed == 2  # the same scope shares, whoever holds it
    finally:
        service_sources.use_cache(previous)
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
    assert run_query(source, west, EAST).empty
    nothing = apply_scope(QUERY, {"region": []})
    assert run_query(source, nothing).empty
    assert NOBODY.scope_map == {"region": []}  # a request nobody is behind
    assert run_query(source, QUERY, NOBODY).empty
