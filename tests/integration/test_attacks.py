"""Attacks on the running server by a signed-in regional manager: crafted callback bodies
and API requests asking for another region's rows, SQL-injection strings in every filter,
huge or inverted date ranges, unknown names. Everything is refused or empty — never a 500,
never another scope's numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.filters.filter_state import BoardFilters
from components.kit.formatting import format_value
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from metrics.dimensions import FILTERABLE
from metrics.query import MetricQuery
from tests.integration.api_support import QUERY_URL, use
from tests.integration.auth_support import login, make_user
from tests.service_support import run_query

INJECTIONS = [
    "East' OR '1'='1", "'; DROP TABLE sales; --", 'East") OR 1=1 --', "%' UNION SELECT "
    "sku_id, revenue FROM sales --", "\\'; SELECT pg_sleep(5); --", "East\x00", "x" * 500,
    "区域'--", "${jndi:ldap://x}", "<script>alert(1)</script>",
]


@pytest.fixture(scope="module")
def facts(demo_db: Path) -> dict[str, Any]:
    """Regions, the board's default period and per-region revenue, from the metrics layer."""
    source = open_duckdb(demo_db)
    try:
        regions = source.distinct_values("location", "region")
        start, end = BoardFilters().period(source.date_range()[1])
        frame = run_query(source, MetricQuery.create(["revenue"], start, end, by=["region"]))
        rows = source.row_counts()
    finally:
        source.dispose()
    return {"regions": regions, "start": start, "end": end, "rows": rows,
            "revenue": dict(zip(frame["region"], frame["revenue"], strict=True))}


@pytest.fixture(autouse=True)
def _manager(registry: SourceRegistry, app, facts: dict[str, Any]) -> Iterator[None]:
    use(registry)
    make_user("mei", "manager", {"region": [facts["regions"][0]]})
    yield


@pytest.fixture()
def mei(app) -> FlaskClient:
    client = app.server.test_client()
    login(client, "mei")
    return client


def board_state(region: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"preset": "last90", "start": None, "end": None, "region": region or [],
            "channel": [], "category": [], "source": "demo", "page": {}, "push": False,
            "qs": "", **extra}


def kpi_callback(client: FlaskClient, state: Any) -> Any:
    """The board's KPI callback, posted as Dash's front end does."""
    body = {"output": "..ov-kpis.children...ov-subtitle.children...ov-notice.children..",
            "outputs": [{"id": "ov-kpis", "property": "children"},
                        {"id": "ov-subtitle", "property": "children"},
                        {"id": "ov-notice", "property": "children"}],
            "inputs": [{"id": "ov-state", "property": "data", "value": state}],
            "changedPropIds": ["ov-state.data"],
            "state": [{"id": "ov-lang", "property": "data", "value": "en"}]}
    return client.post("/_dash-update-component", json=body)


def revenue_card(response: Any) -> str:
    """The text of the revenue card in a KPI callback's answer."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == "kpi-value-revenue":
                found.append(props.get("children"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(response.get_json())
    assert len(found) == 1
    return found[0]


def test_crafted_callbacks_only_ever_show_the_managers_region(mei: FlaskClient,
                                                              facts: dict[str, Any]) -> None:
    own, other = facts["regions"][0], facts["regions"][1]
    mine = format_value("revenue", facts["revenue"][own], "en")
    assert revenue_card(kpi_callback(mei, board_state())) == mine
    assert revenue_card(kpi_callback(mei, board_state([own]))) == mine
    assert revenue_card(kpi_callback(mei, board_state([other]))) == "¥0"
    assert revenue_card(kpi_callback(mei, board_state(facts["regions"]))) == mine
    for value in INJECTIONS:
        response = kpi_callback(mei, board_state([value]))
        assert response.status_code == 200
        assert revenue_card(response) == "¥0"


@pytest.mark.parametrize("state", [
    None, "x", [], {}, {"source": "nowhere"}, board_state(source="../../etc/passwd"),
    board_state(preset=["last90"]), board_state(page="x"), board_state(start="2025-02-30",
                                                                       preset="custom"),
])
def test_malformed_callback_state_is_refused_not_a_500(mei: FlaskClient, state: Any) -> None:
    assert kpi_callback(mei, state).status_code in (200, 204)


def test_api_never_returns_another_regions_rows(mei: FlaskClient, facts: dict[str, Any]) -> None:
    own = facts["regions"][0]
    period = {"start": facts["start"].isoformat(), "end": facts["end"].isoformat()}
    grouped = mei.post(QUERY_URL, json={"metrics": ["revenue"], "by": ["region"], **period})
    assert [r["region"] for r in grouped.get_json()["rows"]] == [own]
    by_location = mei.post(QUERY_URL, json={"metrics": ["revenue"], "by": ["location", "region"],
                                            **period})
    assert {r["region"] for r in by_location.get_json()["rows"]} == {own}
    for other in facts["regions"][1:]:
        answer = mei.post(QUERY_URL, json={"metrics": ["revenue"], "where": {"region": [other]},
                                           **period}).get_json()
        assert answer["rows"] == [{"revenue": 0.0}]


@pytest.mark.parametrize("dim", FILTERABLE)
def test_injection_strings_in_every_filter_are_plain_values(mei: FlaskClient, dim: str,
                                                            facts: dict[str, Any]) -> None:
    metric = "received_units" if dim == "supplier" else (
        "aged_units" if dim == "age_bucket" else "revenue")
    period = {"start": facts["start"].isoformat(), "end": facts["end"].isoformat()}
    response = mei.post(QUERY_URL, json={"metrics": [metric], "where": {dim: INJECTIONS},
                                         **period})
    assert response.status_code in (200, 400), response.get_json()
    if response.status_code == 200:
        assert response.get_json()["rows"] == [{metric: 0.0}]
    else:
        assert response.get_json()["field"]


def test_the_data_is_untouched_after_the_attacks(mei: FlaskClient, demo_db: Path,
                                                 facts: dict[str, Any]) -> None:
    period = {"start": facts["start"].isoformat(), "end": facts["end"].isoformat()}
    for value in INJECTIONS:
        mei.post(QUERY_URL, json={"metrics": ["revenue"], "where": {"region": [value]},
                                  **period})
    source = open_duckdb(demo_db)
    try:
        assert source.row_counts() == facts["rows"]
    finally:
        source.dispose()


@pytest.mark.parametrize(("change", "field"), [
    ({"start": "1900-01-01", "end": "2200-12-31", "by": ["day"]}, "by"),
    ({"start": "2026-10-31", "end": "2026-01-01"}, "start"),
    ({"start": "2026-13-01"}, "start"),
    ({"start": "0001-01-01"}, "start"),
    ({"metrics": ["revenue; DROP TABLE sales"]}, "metrics"),
    ({"by": ["region; --"]}, "by"),
    ({"where": {"region) OR (1=1": ["x"]}}, "where"),
    ({"sort": [["revenue) --", True]]}, "sort"),
    ({"limit": 10**12}, "limit"),
])
def test_hostile_names_and_dates_are_refused_with_the_field(mei: FlaskClient, change: dict,
                                                            field: str) -> None:
    body = {"metrics": ["revenue"], "start": "2026-01-01", "end": "2026-10-31", **change}
    response = mei.post(QUERY_URL, json=body)
    assert response.status_code == 400
    assert response.get_json()["field"] == field


def test_a_huge_but_valid_range_is_answered_within_scope(mei: FlaskClient,
                                                         facts: dict[str, Any]) -> None:
    response = mei.post(QUERY_URL, json={"metrics": ["revenue"], "by": ["region", "year"],
                                         "start": "1900-01-01", "end": "2200-12-31"})
    assert response.status_code == 200
    assert {r["region"] for r in response.get_json()["rows"]} == {facts["regions"][0]}


def test_admin_only_callbacks_are_refused_to_a_manager(mei: FlaskClient) -> None:
    from app_state.audit_log import last_entries

    body = {"output": "..sources-cards.children...sources-checked.children..",
            "outputs": [{"id": "sources-cards", "property": "children"},
                        {"id": "sources-checked", "property": "children"}],
            "inputs": [{"id": "sources-recheck", "property": "n_clicks", "value": 1}],
            "changedPropIds": ["sources-recheck.n_clicks"],
            "state": [{"id": "sources-lang", "property": "data", "value": "en"}]}
    response = mei.post("/_dash-update-component", json=body)
    assert response.status_code == 403  # refused before it runs: no source URLs, no counts
    assert "sources permission" in response.get_json()["error"]
    refused = last_entries(1)[0]
    assert refused.event == "refused" and refused.user == "mei"
    assert refused.detail.startswith("sources: pages.settings")


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                       lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                       max_leaves=12)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=JSONISH, preset=JSONISH, page=JSONISH, source=JSONISH)
def test_fuzzed_callback_states_never_fail_or_leak(mei: FlaskClient, facts: dict[str, Any],
                                                   region: Any, preset: Any, page: Any,
                                                   source: Any) -> None:
    state = board_state(preset=preset, page=page, source=source)
    state["region"] = region
    response = kpi_callback(mei, state)
    assert response.status_code in (200, 204)
    own = format_value("revenue", facts["revenue"][facts["regions"][0]], "en")
    if response.status_code == 200 and "kpi-value-revenue" in response.get_data(as_text=True):
        assert revenue_card(response) in (own, "¥0")  # her region, or nothing
    json.dumps(state)  # the body really was JSON


def test_exports_are_written_to_the_audit_log(mei: FlaskClient) -> None:
    from app_state.audit_log import last_entries

    state = {**board_state(), "page": {"m": "revenue", "by": "region", "chart": "table"}}
    body = {"output": "exp-download.data", "outputs": {"id": "exp-download", "property": "data"},
            "inputs": [{"id": "exp-csv", "property": "n_clicks", "value": 1},
                       {"id": "exp-xlsx", "property": "n_clicks", "value": None}],
            "changedPropIds": ["exp-csv.n_clicks"],
            "state": [{"id": "exp-state", "property": "data", "value": state},
                      {"id": "exp-lang", "property": "data", "value": "en"}]}
    response = mei.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    [entry] = last_entries(5, event="export")
    assert entry.user == "mei" and entry.detail.startswith("csv explore Revenue by Region")
