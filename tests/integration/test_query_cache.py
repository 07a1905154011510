"""The query cache against real services: results shared through Redis, invalidated by a
new data version, and last good values served through an outage of PostgreSQL."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import redis
import sqlalchemy as sa

from data_connectors.config import SourceConfig
from data_connectors.open_source import open_configured
from data_connectors.source import Source, SourceError, open_duckdb
from metrics.query import MetricQuery
from service import ALL_DATA
from service.cache import PREFIX, CachePolicy, QueryCache, make_backend
from tests.builders import d, write_canonical
from tests.integration.servers import ScratchDatabase
from tests.integration.tcp_proxy import TcpProxy
from tests.service_support import run_query

REDIS_URL = "redis://127.0.0.1:6379/15"
QUERY = MetricQuery.create(["revenue", "turnover"], date(2026, 8, 1), date(2026, 10, 31),
                           by=["region"])


class CountingRunner:
    """The real computation (the query service's, for all data), counting how often the
    database was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, source: Source, query: MetricQuery) -> pd.DataFrame:
        self.calls += 1
        return run_query(source, query)


def cached(cache: QueryCache, source: Source, query: MetricQuery,
           runner: CountingRunner | None = None) -> pd.DataFrame:
    """`query` through `cache` as the query service asks it: keyed by the principal's
    scope and the query, computed by `runner` (default: an uncounted one) on a miss."""
    compute = runner or CountingRunner()
    key_text = f"metrics|{ALL_DATA.cache_key}|{query.cache_key()}"
    return cache.run(source, key_text, lambda: compute(source, query))


@pytest.fixture
def source_log() -> Iterator[list[str]]:
    """The messages the sources logger writes during the test."""
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger, handler = logging.getLogger("stocklens.sources"), Keep(logging.WARNING)
    logger.addHandler(handler)
    yield messages
    logger.removeHandler(handler)


@pytest.fixture
def redis_db() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}): run "
                    "scripts/ensure_services.sh")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_two_instances_share_a_result_through_redis(redis_db: str, demo_db: Path) -> None:
    """Two caches (as in two server processes), each with its own source connection."""
    first_runner, second_runner = CountingRunner(), CountingRunner()
    first = QueryCache(make_backend(redis_db, 300))
    second = QueryCache(make_backend(redis_db, 300))
    computed = cached(first, open_duckdb(demo_db), QUERY, first_runner)
    shared = cached(second, open_duckdb(demo_db), QUERY, second_runner)
    assert (first_runner.calls, second_runner.calls) == (1, 0)
    assert (first.flights.computed, second.flights.computed) == (1, 0)
    pd.testing.assert_frame_equal(shared, computed)
    stored = redis.Redis.from_url(redis_db).scan_iter(match=PREFIX + "*")
    assert any(True for _ in stored)
    other = QUERY.with_period(date(2026, 9, 1), date(2026, 9, 30))
    cached(second, open_duckdb(demo_db), other, second_runner)
    assert second_runner.calls == 1  # a different question is computed


def _pg_source(db: ScratchDatabase, url: str, revenue: float) -> Source:
    engine = sa.create_engine(db.url)
    write_canonical(
        engine, sku=[{"sku_id": "A", "category": "X", "unit_cost": 1.0}],
        location=[{"location_id": "L1", "region": "East", "channel": "store"}],
        sales=[{"date": d("2026-08-02"), "sku_id": "A", "location_id": "L1", "qty": 1,
                "revenue": revenue}],
        inventory=[{"date": d("2026-10-31"), "sku_id": "A", "location_id": "L1",
                    "on_hand_qty": 5}])
    with engine.begin() as con:
        con.exec_driver_sql("DROP TABLE IF EXISTS stocklens_meta")
        con.exec_driver_sql("CREATE TABLE stocklens_meta (key TEXT PRIMARY KEY, value TEXT)")
        con.exec_driver_sql("INSERT INTO stocklens_meta VALUES ('data_version', 'v1')")
    engine.dispose()
    return open_configured(SourceConfig("erp", url))


def test_a_new_data_version_invalidates_cached_results(postgres_db: ScratchDatabase) -> None:
    source = _pg_source(postgres_db, postgres_db.url, revenue=10.0)
    runner = CountingRunner()
    cache = QueryCache(make_backend(None, 300), CachePolicy(version_ttl_s=0))
    assert cached(cache, source, QUERY, runner).iloc[0]["revenue"] == 10.0
    assert cached(cache, source, QUERY, runner).iloc[0]["revenue"] == 10.0
    assert runner.calls == 1
    writer = sa.create_engine(postgres_db.url)
    with writer.begin() as con:  # what an import does: new rows and a new version
        con.exec_driver_sql("UPDATE sales SET revenue = 25")
        con.exec_driver_sql("UPDATE stocklens_meta SET value = 'v2'")
    writer.dispose()
    assert cached(cache, source, QUERY, runner).iloc[0]["revenue"] == 25.0
    assert runner.calls == 2
    source.dispose()


def test_an_outage_serves_the_last_good_values_and_recovers(
        postgres_db: ScratchDatabase, source_log: list[str]) -> None:
    proxy = TcpProxy("127.0.0.1", 5432).start()
    via_proxy = sa.engine.make_url(postgres_db.url).set(host="127.0.0.1", port=proxy.port)
    source = _pg_source(postgres_db, via_proxy.render_as_string(hide_password=False),
                        revenue=42.0)
    cache = QueryCache(make_backend(None, 1), CachePolicy(ttl_s=1, version_ttl_s=0,
                                                          max_backoff_s=1))
    fresh = cached(cache, source, QUERY)
    assert "stale_since" not in fresh.attrs and cache.status("erp").ok
    time.sleep(1.1)  # the fresh result expires: the next answer needs the database

    proxy.stop()
    for _ in range(5):
        stale = cached(cache, source, QUERY)
        assert stale.iloc[0]["revenue"] == 42.0
        assert stale.attrs["stale_since"] is not None
    status = cache.status("erp")
    assert not status.ok and status.since is not None and "refused" in status.message
    failing = [m for m in source_log if "is failing" in m]
    assert len(failing) == 1  # one line per incident, not per request
    other = QUERY.with_period(date(2026, 9, 1), date(2026, 9, 30))
    with pytest.raises(SourceError):
        cached(cache, source, other)  # never read before: nothing to fall back on

    proxy.start()
    time.sleep(1.1)  # past the back-off
    back = cached(cache, source, QUERY)
    assert "stale_since" not in back.attrs and cache.status("erp").ok
    assert any("answering again" in m for m in source_log)
    source.dispose()
    proxy.stop()


def test_a_cache_that_is_down_degrades_to_no_cache(demo_db: Path,
                                                  source_log: list[str]) -> None:
    runner = CountingRunner()
    cache = QueryCache(make_backend("redis://127.0.0.1:1/0", 300))
    source = open_duckdb(demo_db)
    first, second = cached(cache, source, QUERY, runner), cached(cache, source, QUERY, runner)
    pd.testing.assert_frame_equal(first, second)
    assert runner.calls == 2
    assert len([m for m in source_log if "cache unavailable" in m]) == 1


def test_an_outage_met_by_one_server_is_seen_by_every_other(
        postgres_db: ScratchDatabase, redis_db: str, source_log: list[str]) -> None:
    """Two caches on one Redis stand for two servers: the one that meets the outage shares
    it, the other shows the same incident and serves its last good values without asking
    the source; whichever sees the source answer again ends it for both."""
    proxy = TcpProxy("127.0.0.1", 5432).start()
    via_proxy = sa.engine.make_url(postgres_db.url).set(host="127.0.0.1", port=proxy.port)
    url = via_proxy.render_as_string(hide_password=False)
    source_a, source_b = _pg_source(postgres_db, url, revenue=7.0), open_configured(
        SourceConfig("erp", url))
    policy = CachePolicy(ttl_s=1, version_ttl_s=0, max_backoff_s=1, incident_check_s=0)
    a, b = (QueryCache(make_backend(redis_db, 1), policy) for _ in range(2))
    assert cached(a, source_a, QUERY).iloc[0]["revenue"] == 7.0
    time.sleep(1.1)  # the fresh result expires; the last good one stays

    proxy.stop()
    assert cached(a, source_a, QUERY).attrs["stale_since"] is not None
    seen_by_b = b.status("erp")
    assert not seen_by_b.ok and seen_by_b.since == a.status("erp").since
    assert "refused" in seen_by_b.message
    stale = cached(b, source_b, QUERY)  # within the back-off: the last good values, at once
    assert stale.iloc[0]["revenue"] == 7.0 and stale.attrs["stale_since"] is not None
    assert "erp" not in b._incidents  # b never asked the source itself
    assert len([m for m in source_log if "is failing" in m]) == 1

    proxy.start()
    time.sleep(1.1)  # past the back-off: b asks the source itself, which answers
    back = cached(b, source_b, QUERY)
    assert "stale_since" not in back.attrs
    assert b.status("erp").ok and a.status("erp").ok  # ended for both
    assert len([m for m in source_log if "answering again" in m]) == 1
    source_a.dispose()
    source_b.dispose()
    proxy.stop()
