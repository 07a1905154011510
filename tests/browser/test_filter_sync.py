"""The filter bar's sync runs in the browser (assets/filter_sync.js) and must agree with
BoardFilters, which reads the same state from a URL on the server.

Two checks: the JavaScript's parsing and preset periods against Python's for many
generated states (odd and crafted ones included), and the sync itself, driven through the
board's controls, writing the state the server then computes from.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app import create_app
from components.filters.filter_state import BoardFilters
from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.service_support import run_query

pytestmark = pytest.mark.browser


def generated_params(seed: int, count: int) -> list[dict]:
    """URL/state dicts as the browser may send them, the well-formed and the broken."""
    rng = random.Random(seed)
    presets = ["last30", "last90", "qtd", "ytd", "custom", "", "bogus", None, 7]
    dates = ["2026-02-28", "2024-02-29", "2026-02-30", "2026-08-03T00:00:00",
             "2025-12-31", "20260803", "", None, "2026-13-01", "2026-01-01"]
    values = ["East", "North", " East ", "", "South,North", ["East", "East", " "],
              ["Z", "A"], [3, "A"], None, "华东"]
    out = []
    for _ in range(count):
        params = {"preset": rng.choice(presets), "start": rng.choice(dates),
                  "end": rng.choice(dates)}
        for dim in ("region", "channel", "category"):
            params[dim] = rng.choice(values)
        out.append(params)
    return out


def last_days(seed: int, count: int) -> list[date]:
    rng = random.Random(seed)
    edges = [date(2024, 2, 29), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1),
             date(2026, 12, 31), date(2026, 10, 31)]
    return edges + [date(2023, 1, 1) + timedelta(days=rng.randrange(1500))
                    for _ in range(count)]


def test_javascript_filters_agree_with_python(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    dash_duo.wait_for_element("#ov-filter-preset", timeout=30)
    cases = generated_params(seed=3, count=300)
    lasts = last_days(seed=4, count=60)
    got = dash_duo.driver.execute_script("""
        const [cases, lasts] = arguments, f = window.stocklensFilters;
        return {parsed: cases.map((c) => f.fromParams(c)),
                periods: cases.flatMap((c) => lasts.map((l) => f.period(f.fromParams(c), l)))};
    """, cases, [d.isoformat() for d in lasts])
    for params, js in zip(cases, got["parsed"], strict=True):
        assert js == BoardFilters.from_params(params).to_store(), params
    periods = iter(got["periods"])
    for params in cases:
        filters = BoardFilters.from_params(params)
        for last in lasts:
            start, end = filters.period(last)
            assert next(periods) == [start.isoformat(), end.isoformat()], (params, last)


def revenue(db: Path, filters: BoardFilters) -> str:
    source = open_duckdb(db)
    try:
        start, end = filters.period(source.date_range()[1])
        value = run_query(source, MetricQuery.create(["revenue"], start, end,
                                                     where=filters.where()))
        return format_value("revenue", value.iloc[0]["revenue"], "en")
    finally:
        source.dispose()


def set_value(dash_duo, component_id: str, **props: object) -> None:
    """What picking a value does: Dash runs the callbacks fed by the property."""
    dash_duo.driver.execute_script(
        "window.dash_clientside.set_props(arguments[0], arguments[1]);", component_id, props)


def picker_dates(dash_duo) -> list[str]:
    """What the date picker's two inputs show."""
    return dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('.filter-bar input.dash-datepicker-input'))"
        ".map((i) => i.value);")


def query_of(dash_duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def test_sync_drives_the_board_and_the_address_bar(dash_duo, demo_db: Path) -> None:
    dash_duo.start_server(create_app(open_duckdb(demo_db)))
    last = open_duckdb(demo_db).date_range()[1]
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", revenue(demo_db, BoardFilters()),
                                    timeout=30)

    # a preset shows its dates in the picker and is in the address bar
    set_value(dash_duo, "ov-filter-preset", value="ytd")
    ytd = BoardFilters(preset="ytd")
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", revenue(demo_db, ytd), timeout=30)
    assert picker_dates(dash_duo) == [str(date(last.year, 1, 1)), str(last)]
    assert query_of(dash_duo) == {"preset": ["ytd"]}

    # picking dates (in either order) means a custom period
    start, end = last - timedelta(days=10), last - timedelta(days=40)
    set_value(dash_duo, "ov-filter-dates", start_date=start.isoformat(),
              end_date=end.isoformat())
    custom = BoardFilters(preset="custom", start=end, end=start)
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", revenue(demo_db, custom),
                                    timeout=30)
    assert query_of(dash_duo) == {"preset": ["custom"], "start": [end.isoformat()],
                                  "end": [start.isoformat()]}
    assert dash_duo.find_element("#ov-filter-preset").text.strip() == "Custom"

    # a region keeps the custom period; reset restores every default
    region = open_duckdb(demo_db).distinct_values("location", "region")[1]
    set_value(dash_duo, "ov-filter-region", value=[region, region])
    both = BoardFilters(preset="custom", start=end, end=start, region=(region,))
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", revenue(demo_db, both), timeout=30)
    assert query_of(dash_duo)["region"] == [region]

    dash_duo.find_element("#ov-filter-reset").click()
    dash_duo.wait_for_text_to_equal("#kpi-value-revenue", revenue(demo_db, BoardFilters()),
                                    timeout=30)
    assert query_of(dash_duo) == {}
    assert picker_dates(dash_duo) == [str(last - timedelta(days=89)), str(last)]
    dash_duo.wait_for_no_elements('[data-dash-is-loading="true"]', timeout=30)
    assert [e for e in dash_duo.get_logs() if e.get("level") == "SEVERE"] == []
