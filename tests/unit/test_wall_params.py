"""Wall URL parameters: defaults, bounds, bad values noted (never fatal), and the scope
limiting every query — intersecting, never widening, a view's own filter."""

from __future__ import annotations

from datetime import date

from components.wall.wall_params import (
    Note,
    Scope,
    WallParams,
    parse_scope,
    parse_seconds,
    parse_wall_params,
)
from metrics.query import MetricQuery

DAY = date(2026, 10, 31)


def test_no_parameters_give_the_defaults_and_no_notes() -> None:
    wall = parse_wall_params({})
    assert (wall.board, wall.scope, wall.source) == (None, None, None)
    assert (wall.refresh, wall.rotate, wall.days) == (60, 20, 30)
    assert wall.lang == "en" and wall.notes == ()


def test_good_parameters_are_taken_as_given() -> None:
    wall = parse_wall_params({"board": "3", "scope": "location:ST001", "lang": "zh",
                              "refresh": "10", "rotate": "0", "source": "erp",
                              "days": "90"}, known_sources=["demo", "erp"])
    assert wall == WallParams("zh", "erp", 3, Scope("location", "ST001"), 10, 0, 90, ())


def test_bad_values_fall_back_and_are_noted() -> None:
    wall = parse_wall_params({"board": "abc", "scope": "city:Paris", "lang": "fr",
                              "refresh": "soon", "rotate": "-3", "source": "nope",
                              "days": "1e3"}, known_sources=["demo"])
    assert (wall.board, wall.scope, wall.source, wall.lang) == (None, None, None, "en")
    assert (wall.refresh, wall.rotate, wall.days) == (60, 5, 30)
    assert {(n.param, n.value, n.kind) for n in wall.notes} == {
        ("lang", "fr", "invalid"), ("source", "nope", "invalid"), ("board", "abc", "invalid"),
        ("scope", "city:Paris", "invalid"), ("refresh", "soon", "invalid"),
        ("rotate", "-3", "clamped"), ("days", "1e3", "invalid")}


def test_numbers_out_of_range_go_to_the_nearest_bound() -> None:
    assert parse_seconds("refresh", "5", (60, 10, 3600)) == (
        10, Note("refresh", "5", "10", "clamped"))
    assert parse_seconds("refresh", "99999", (60, 10, 3600))[0] == 3600
    assert parse_seconds("refresh", " 45 ", (60, 10, 3600)) == (45, None)
    assert parse_seconds("rotate", "0", (20, 5, 3600), zero_ok=True) == (0, None)
    assert parse_seconds("rotate", "0", (20, 5, 3600))[0] == 5  # 0 only where it means off
    assert parse_seconds("days", "", (30, 1, 366)) == (30, None)


def test_scope_forms() -> None:
    assert parse_scope("region:East") == Scope("region", "East")
    assert parse_scope("Region : East ") == Scope("region", "East")
    assert parse_scope("location：ST001") == Scope("location", "ST001")  # full-width colon
    for bad in ("East", "region:", ":East", "sku:SKU1", None, ""):
        assert parse_scope(bad) is None


def test_the_params_survive_the_store() -> None:
    wall = parse_wall_params({"scope": "region:华东", "refresh": "5", "lang": "zh"})
    assert WallParams.from_store(wall.to_store()) == wall


def test_scope_adds_its_filter_to_a_query() -> None:
    query = MetricQuery.create(["revenue"], date(2026, 10, 1), DAY, where={"channel": ["store"]})
    scoped = Scope("region", "East").apply(query)
    assert scoped.filters() == {"channel": ("store",), "region": ("East",)}
    assert scoped.where == (("channel", ("store",)), ("region", ("East",)))


def test_scope_intersects_a_filter_on_the_same_dimension() -> None:
    """A board tile filtered to West on an East wall shows nothing, not everything."""
    query = MetricQuery.create(["revenue"], date(2026, 10, 1), DAY,
                               where={"region": ["East", "West"]})
    assert Scope("region", "East").apply(query).filters()["region"] == ("East",)
    west = MetricQuery.create(["revenue"], date(2026, 10, 1), DAY, where={"region": ["West"]})
    assert Scope("region", "East").apply(west).filters()["region"] == ()


def test_a_token_binding_overrides_the_urls_board_and_site() -> None:
    from types import SimpleNamespace

    from components.wall.wall_params import Scope, bound_to_token, parse_wall_params

    wall = parse_wall_params({"board": "7", "scope": "region:West"}, [])
    east = SimpleNamespace(board_id=3, scope={"region": ["East"]})
    assert (bound_to_token(wall, east).board, bound_to_token(wall, east).scope) == \
        (3, Scope("region", "East"))
    everything = SimpleNamespace(board_id=None, scope={})
    assert bound_to_token(wall, everything).scope == Scope("region", "West")
    assert bound_to_token(wall, None) == wall
