"""The replenishment page in a real browser: it waits for stored forecasts and updates by
itself when they arrive, shows the plan's numbers for the URL's filters, and the service
level and the safety-stock basis change them (and the URL); the forecast-quality panel
and the policy replay the job stored are shown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app import create_app
from app_state.forecasts import latest_run
from data_connectors.source import open_duckdb
from forecast.job import error_shapes, refresh_source
from forecast.plan import build_plan, sku_lead_times
from metrics.lead_times import lead_time_query
from metrics.query import MetricQuery
from metrics.replenishment import Policy
from service.replenishment import forecasts_from, run_state
from tests.browser.test_board_tiles import eventually
from tests.service_support import run_lead_times, run_query

pytestmark = pytest.mark.browser

TEXT = "const e = document.querySelector(%r); return e ? e.textContent.trim() : null;"
FIRST_ROWS = """
return Array.from(document.querySelectorAll(
    '#repl-grid .ag-center-cols-container .ag-row[row-index]'))
  .sort((a, b) => a.getAttribute('row-index') - b.getAttribute('row-index')).slice(0, 3)
  .map(r => r.getAttribute('row-id'));"""


def expected_plan(db: Path, region: str, service: float, basis: str = "error") -> object:
    """The plan for a region without the app: stock and lead times through the metrics
    layer, the stored forecasts, forecast/plan.py."""
    source = open_duckdb(db)
    try:
        last = source.date_range()[1]
        stock = run_query(source, MetricQuery.create(
            ["on_hand_units", "inventory_value", "units_sold"], last - timedelta(days=90),
            last, by=["sku", "location", "category", "region"], where={"region": [region]}))
        start = last - timedelta(days=364)
        leads = sku_lead_times(
            run_lead_times(source, lead_time_query(start, last, ("supplier", "sku"))),
            run_lead_times(source, lead_time_query(start, last, ("supplier",))))
    finally:
        source.dispose()
    run = latest_run(source.name)
    frame, paths = forecasts_from(run, last)  # the paths with the run's error terms
    return build_plan(stock, frame, paths, leads, Policy(service, 28, basis), last,
                      error_shapes=error_shapes(run_state(run)))


def text(dash_duo, selector: str) -> str | None:
    return dash_duo.driver.execute_script(TEXT % selector)


def test_page_waits_for_forecasts_then_shows_the_plan_of_its_filters(dash_duo,
                                                                      demo_db: Path) -> None:
    source = open_duckdb(demo_db)
    region = source.distinct_values("location", "region")[1]
    dash_duo.start_server(create_app(source))
    dash_duo.driver.get(f"{dash_duo.server_url}/replenishment?region={region}")
    eventually(lambda: "No stored forecast" in (text(dash_duo, "#repl-notice") or ""), True)

    refresh_source(open_duckdb(demo_db))  # what the background job does
    plan = expected_plan(demo_db, region, 0.95)
    due = int((plan["status"] != "good").sum())
    assert 0 < due < len(plan)
    eventually(lambda: text(dash_duo, "#repl-kpi-due"), f"{due:,}", timeout=60)
    assert text(dash_duo, "#repl-kpi-late") == f"{int((plan['status'] == 'bad').sum()):,}"
    assert text(dash_duo, "#repl-notice") == ""
    want_rows = [f"{s}|{loc}" for s, loc in zip(plan["sku"][:3], plan["location"][:3],
                                                strict=True)]
    eventually(lambda: dash_duo.driver.execute_script(FIRST_ROWS), want_rows)
    first = "#repl-grid .ag-center-cols-container .ag-row[row-index='0']"
    assert "Urgent" in (text(dash_duo, first) or "")  # red: runs out before an order arrives

    # a higher service level: more safety stock, so at least as many SKU-locations due
    strict = expected_plan(demo_db, region, 0.99)
    more = int((strict["status"] != "good").sum())
    assert more > due
    labels = dash_duo.driver.find_elements("css selector", "#repl-service label")
    next(e for e in labels if e.text.strip() == "99%").click()
    eventually(lambda: text(dash_duo, "#repl-kpi-due"), f"{more:,}", timeout=60)
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query == {"region": [region], "service": ["99"]}

    # the textbook safety stock instead: its own plan, in the URL too
    spread = expected_plan(demo_db, region, 0.99, "demand")
    spread_due = int((spread["status"] != "good").sum())
    labels = dash_duo.driver.find_elements("css selector", "#repl-safety label")
    next(e for e in labels if e.text.strip() == "demand spread").click()
    eventually(lambda: text(dash_duo, "#repl-kpi-due"), f"{spread_due:,}", timeout=60)
    query = parse_qs(urlparse(dash_duo.driver.current_url).query)
    assert query == {"region": [region], "service": ["99"], "safety": ["demand"]}

    # the evidence: forecast quality per category of the region, the replay (stored
    # after the forecasts by the same job run)
    eventually(lambda: "All categories" in (text(dash_duo, "#repl-quality-table") or ""),
               True, timeout=60)
    quality = text(dash_duo, "#repl-quality-table")
    assert all(c in quality for c in plan["category"].unique())
    eventually(lambda: (text(dash_duo, "#repl-replay-summary") or "").startswith(
        "At 99% target"), True, timeout=60)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
