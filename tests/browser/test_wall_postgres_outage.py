"""The issue's outage, end to end: a wall reads a PostgreSQL database through a TCP proxy;
the proxy is cut mid-test (the port refuses, open connections drop, as in a network
outage); the wall keeps its numbers and shows "Stale since …"; the proxy comes back on
the same port and the notice clears by itself, without a reload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from app import create_app
from canonical.model import ENTITIES, FACTS
from components.kit.formatting import format_value
from data_connectors.demo.generator import generate_demo
from data_connectors.open_source import open_url
from data_connectors.source import Source
from metrics.query import MetricQuery
from tests.browser.test_board_tiles import eventually, no_errors
from tests.browser.test_wall import SHOWN, shown_tiles, stale_notice
from tests.integration.loading import load_canonical
from tests.integration.servers import POSTGRES, create_database, drop_database, require_reachable
from tests.integration.tcp_proxy import TcpProxy
from tests.service_support import run_query

pytestmark = pytest.mark.browser
DAYS_KEPT = 120  # the wall reads the last 30 days, the 30 before, and 12 weeks of trend


@pytest.fixture
def postgres_demo(tmp_path: Path) -> Iterator[str]:
    """A small demo's last months in a scratch PostgreSQL database; yields its URL."""
    require_reachable(POSTGRES)
    path = tmp_path / "small.duckdb"
    generate_demo(path, scale=0.1, seed=5)
    with duckdb.connect(str(path), read_only=True) as con:
        last: date = con.execute("select max(date) from sales").fetchone()[0]
        since = last - timedelta(days=DAYS_KEPT - 1)
        tables = {e: con.execute(f"select * from {e}" + (" where date >= ?" if e in FACTS
                                                         else ""),
                                 [since] if e in FACTS else []).df() for e in ENTITIES}
    db = create_database(POSTGRES)
    engine = db.writable_engine()
    try:
        load_canonical(engine, tables)
    finally:
        engine.dispose()
    yield db.url
    drop_database(db)


def wall_numbers(source: Source, region: str) -> dict[str, str]:
    """The tiles' texts as the metrics layer computes them, straight from the database."""
    last = source.date_range()[1]
    frame = run_query(source, MetricQuery.create(
        SHOWN, last - timedelta(days=29), last, where={"region": [region]}))
    return {m: format_value(m, frame.iloc[0][m], "en") for m in SHOWN}


def test_a_wall_on_postgresql_survives_the_proxy_being_cut(dash_duo,
                                                          postgres_demo: str) -> None:
    proxy = TcpProxy("127.0.0.1", 5432).start()
    try:
        url = postgres_demo.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        assert url != postgres_demo
        source = open_url(url)
        region = source.distinct_values("location", "region")[0]
        want = wall_numbers(source, region)
        dash_duo.start_server(create_app(source))
        dash_duo.wait_for_page(
            url=f"{dash_duo.server_url}/wall?scope=region:{region}&lang=en&refresh=10&rotate=0")
        eventually(lambda: shown_tiles(dash_duo), want)
        assert stale_notice(dash_duo) is None

        proxy.stop()  # the network goes: refused connections, dropped sessions
        eventually(lambda: (stale_notice(dash_duo) or "").startswith("Stale since "), True,
                   timeout=45)
        assert "the data source is not answering; retrying" in stale_notice(dash_duo)
        why = dash_duo.find_element("#wall-stale-why").text
        assert "refused" in why.lower() and "\n" not in why
        assert shown_tiles(dash_duo) == want  # the last good numbers stay

        proxy.start()  # back on the same port: the wall reconnects by itself
        eventually(lambda: stale_notice(dash_duo), None, timeout=90)
        assert shown_tiles(dash_duo) == want
        assert dash_duo.driver.execute_script("return performance.navigation.type") == 0
        no_errors(dash_duo)
        source.dispose()
    finally:
        proxy.stop()
