"""The query service (issue 14): every call names its principal, a call without one is an
error (never "all data"), and no cache lets two scopes share an entry.

Each cache test asks the same question as two principals — all data and a manager of one
region — in both orders, and compares each answer with the numbers of that scope computed
directly (uncached, `service.evaluate`), so a shared entry shows as a wrong number.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import service
from components.kit.render_memo import forget_renderings, rendered
from data_connectors.source import Source, open_duckdb
from metrics.lead_times import lead_time_query
from metrics.query import MetricQuery
from service import ALL_DATA, MissingPrincipal, Principal, sources
from service.cache import CachePolicy, QueryCache, make_backend


@pytest.fixture()
def demo(demo_db: Path) -> Iterator[Source]:
    source = open_duckdb(demo_db)
    sources.use_source(source)
    sources.use_cache(QueryCache(make_backend(None, 300), CachePolicy()))
    yield source
    source.dispose()


def _regions(source: Source) -> list[str]:
    return source.distinct_values("location", "region")


def _manager(region: str) -> Principal:
    return Principal.scoped("east-manager", "user", {"region": [region]})


def _query(source: Source, by: list[str] | None = None) -> MetricQuery:
    by = by or []
    last = source.date_range()[1]
    return MetricQuery.create(["revenue", "inventory_value"], last - timedelta(days=89), last,
                              by=by)


def test_every_entry_point_refuses_a_missing_principal(demo: Source) -> None:
    from components.wall.wall_alerts import reorder_frame
    from service.replenishment import current_plan

    query = _query(demo)
    calls = [
        lambda: service.run(None, query),  # type: ignore[arg-type]
        lambda: service.evaluate({"region": ["East"]}, query),  # type: ignore[arg-type]
        lambda: service.lead_times(None, lead_time_query(query.start, query.end)),  # type: ignore[arg-type]
        lambda: service.dimension_values(None, "location", "region"),  # type: ignore[arg-type]
        lambda: service.channel_values("admin"),  # type: ignore[arg-type]
        lambda: service.data_range(None),  # type: ignore[arg-type]
        lambda: service.history_rows(None, demo, sa.select(sa.literal(1))),  # type: ignore[arg-type]
        lambda: current_plan(None, demo.name, None, None),  # type: ignore[arg-type]
        lambda: reorder_frame(None, demo.name, None),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(MissingPrincipal):
            call()


def test_a_web_principal_needs_a_request() -> None:
    from auth.principal import request_principal

    with pytest.raises(MissingPrincipal):
        request_principal()


def test_history_is_read_for_all_data_only(demo: Source) -> None:
    with pytest.raises(PermissionError):
        service.history_rows(_manager("East"), demo, sa.select(sa.literal(1)))
    assert service.history_rows(ALL_DATA, demo, sa.select(sa.literal(1))) == [(1,)]


@pytest.mark.parametrize("manager_first", [True, False])
def test_the_query_cache_never_shares_an_answer_between_scopes(demo: Source,
                                                                manager_first: bool) -> None:
    region = _regions(demo)[0]
    manager, query = _manager(region), _query(demo, by=["region"])
    order = [manager, ALL_DATA] if manager_first else [ALL_DATA, manager]
    answers = {p.name: service.run(p, query) for p in order}
    again = {p.name: service.run(p, query) for p in order}  # now from the cache
    assert set(answers[manager.name]["region"]) == {region}
    assert len(answers[ALL_DATA.name]) == len(_regions(demo)) > 1
    for principal in order:
        direct = service.evaluate(principal, query)
        pd.testing.assert_frame_equal(answers[principal.name], direct)
        pd.testing.assert_frame_equal(again[principal.name], direct)
    assert sources.query_cache().flights.computed == 2  # one computation per scope


@pytest.mark.parametrize("manager_first", [True, False])
def test_filter_choices_follow_the_scope_of_who_asks(demo: Source, manager_first: bool) -> None:
    regions = _regions(demo)
    manager = _manager(regions[1])
    order = [manager, ALL_DATA] if manager_first else [ALL_DATA, manager]
    seen = {p.name: service.dimension_values(p, "location", "region") for p in order}
    assert seen[manager.name] == [regions[1]]
    assert seen[ALL_DATA.name] == regions


@pytest.mark.parametrize("manager_first", [True, False])
def test_lead_times_are_cached_per_scope(demo: Source, manager_first: bool) -> None:
    region = _regions(demo)[0]
    manager = _manager(region)
    last = demo.date_range()[1]
    question = lead_time_query(last - timedelta(days=364), last, ("supplier",))
    order = [manager, ALL_DATA] if manager_first else [ALL_DATA, manager]
    answers = {p.name: service.lead_times(p, question) for p in order}
    for principal in order:
        pd.testing.assert_frame_equal(answers[principal.name],
                                      service.evaluate_lead_times(principal, question))
    assert answers[manager.name]["receipts"].sum() < answers[ALL_DATA.name]["receipts"].sum()


def test_the_render_memo_keeps_a_rendering_per_scope() -> None:
    forget_renderings()
    frame = pd.DataFrame({"units": [1.0, 2.0]})
    built: list[str] = []

    def build(name: str):
        return lambda: built.append(name) or {"body": name}

    a = rendered("part", ["en"], [frame], build("all"), principal=ALL_DATA)[0]
    b = rendered("part", ["en"], [frame], build("east"), principal=_manager("East"))[0]
    c = rendered("part", ["en"], [frame], build("again"), principal=ALL_DATA)[0]
    assert (a, b, c) == ({"body": "all"}, {"body": "east"}, {"body": "all"})
    assert built == ["all", "east"]


@pytest.fixture()
def forecast_demo(demo: Source) -> Source:
    from forecast.job import refresh_source

    refresh_source(demo)
    return demo


def test_the_walls_reorder_list_is_not_shared_with_another_scope(forecast_demo: Source) -> None:
    """A manager opening /wall (no site in the URL) within seconds of an all-data wall used
    to get every region's reorder list: the list was keyed by the wall's URL scope only."""
    from components.wall.wall_alerts import reorder_frame

    region = _regions(forecast_demo)[0]
    manager = _manager(region)
    everyone = reorder_frame(ALL_DATA, forecast_demo.name, None, limit=500)
    hers = reorder_frame(manager, forecast_demo.name, None, limit=500)
    with forecast_demo.engine.connect() as con:  # independent: her region's sites
        sites = {r[0] for r in con.execute(sa.text(
            "select location_id from location where region = :r"), {"r": region})}
    assert everyone is not None and hers is not None
    assert set(everyone["location"]) - sites  # the all-data list has other regions' sites
    assert len(hers) > 0 and set(hers["location"]) <= sites


def test_replenishment_plans_are_kept_per_scope(forecast_demo: Source) -> None:
    from metrics.replenishment import Policy
    from service.replenishment import current_plan

    region = _regions(forecast_demo)[0]
    manager = _manager(region)
    everyone = current_plan(ALL_DATA, forecast_demo.name, None, Policy())
    hers = current_plan(manager, forecast_demo.name, None, Policy())
    mine_again = current_plan(ALL_DATA, forecast_demo.name, None, Policy())
    assert everyone is not None and hers is not None and mine_again is everyone
    assert set(hers.frame["region"]) == {region}
    assert len(set(everyone.frame["region"])) > 1


def test_concurrent_misses_on_one_key_compute_once(demo: Source) -> None:
    """Twelve screens asking the same new question at once: one statement reaches the
    database (counted by an engine event, not by the service's own counter). The first
    statement is held half a second so every other screen misses the cache meanwhile;
    without single-flight each would send its own."""
    query = _query(demo, by=["channel"])
    statements: list[str] = []

    @sa.event.listens_for(demo.engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args) -> None:
        if "revenue" in statement.lower() or "sales" in statement.lower():
            statements.append(statement)
            if len(statements) == 1:  # hold the first one, so the others arrive meanwhile
                time.sleep(0.5)

    sources.query_cache().version(demo)  # the data version is read once beforehand
    barrier, answers = threading.Barrier(12), []

    def screen() -> None:
        barrier.wait()
        answers.append(service.run(ALL_DATA, query))

    threads = [threading.Thread(target=screen) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sa.event.remove(demo.engine, "before_cursor_execute", count)
    assert len(answers) == 12 and len(statements) == 1
    for answer in answers:
        pd.testing.assert_frame_equal(answer, answers[0])


NAMES_IN_REGION = {
    ("location", "location_id"): "select location_id from location where region = :r",
    ("sku", "sku_id"): """
        select sku_id from sales join location using (location_id) where region = :r
        union select sku_id from receipts join location using (location_id) where region = :r
        union select sku_id from inventory join location using (location_id)
        where region = :r""",
    ("receipts", "supplier"): """
        select distinct supplier from receipts join location using (location_id)
        where region = :r and supplier is not null""",
}


@pytest.mark.parametrize(("entity", "column"), list(NAMES_IN_REGION))
def test_names_follow_the_scope_of_who_asks(demo: Source, entity: str, column: str) -> None:
    """An East manager's location, SKU and supplier lists hold exactly the names with a
    row in East (computed here in plain SQL); an all-data principal's hold every name."""
    region = _regions(demo)[1]
    with demo.engine.connect() as con:
        expected = sorted(str(r[0]) for r in con.execute(
            sa.text(NAMES_IN_REGION[(entity, column)]), {"r": region}))
    hers = service.dimension_values(_manager(region), entity, column)
    everyone = service.dimension_values(ALL_DATA, entity, column)
    assert hers == expected and set(hers) <= set(everyone)
    assert everyone == demo.distinct_values(entity, column)
    if entity != "receipts":  # (in the demo every supplier delivers to every region)
        assert 0 < len(hers) < len(everyone)
