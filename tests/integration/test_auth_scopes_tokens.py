"""Roles and scopes on the server: a manager's numbers are their region's whatever they
ask for, API tokens act for their account, and a wall token opens /wall and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app_state.audit_log import last_entries
from app_state.boards import create_board
from auth import accounts
from auth.callback_request import Refused, check_call, wall_may_run
from data_connectors.registry import SourceRegistry
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from tests.integration.api_support import QUERY_URL, use
from tests.integration.auth_support import body_for, login, make_user, page_text, render_page
from tests.service_support import run_query


@pytest.fixture(scope="module")
def regions(demo_db: Path) -> list[str]:
    source = open_duckdb(demo_db)
    try:
        return source.distinct_values("location", "region")
    finally:
        source.dispose()


@pytest.fixture(scope="module")
def period(demo_db: Path) -> dict[str, str]:
    source = open_duckdb(demo_db)
    try:
        last = source.date_range()[1]
    finally:
        source.dispose()
    return {"start": last.replace(day=1).isoformat(), "end": last.isoformat()}


@pytest.fixture(autouse=True)
def _accounts(registry: SourceRegistry, app, regions: list[str]) -> Iterator[None]:
    use(registry)
    make_user("ada", "admin")
    make_user("max", "manager", {"region": [regions[0]]})
    yield


@pytest.fixture()
def client(app) -> FlaskClient:
    return app.server.test_client()


def revenue_by_region(client: FlaskClient, period: dict[str, str],
                      where: dict[str, list[str]] | None = None,
                      **headers: str) -> dict[str, float]:
    response = client.post(QUERY_URL, headers=headers, json={
        "metrics": ["revenue"], "by": ["region"], "where": where or {}, **period})
    assert response.status_code == 200, response.get_json()
    return {row["region"]: row["revenue"] for row in response.get_json()["rows"]}


def metrics_layer_revenue(demo_db: Path, period: dict[str, str], region: str) -> float:
    from datetime import date

    source = open_duckdb(demo_db)
    try:
        frame = run_query(source, MetricQuery.create(
            ["revenue"], date.fromisoformat(period["start"]), date.fromisoformat(period["end"]),
            where={"region": [region]}))
    finally:
        source.dispose()
    return float(frame.iloc[0]["revenue"])


def test_a_manager_only_ever_gets_their_region(client: FlaskClient, demo_db: Path,
                                               regions: list[str],
                                               period: dict[str, str]) -> None:
    mine, other = regions[0], regions[1]
    login(client, "max")
    assert revenue_by_region(client, period) == {
        mine: pytest.approx(metrics_layer_revenue(demo_db, period, mine))}
    assert revenue_by_region(client, period, {"region": [other]}) == {}
    total = client.post(QUERY_URL, json={"metrics": ["revenue", "inventory_value"],
                                         "where": {"region": [other]}, **period})
    assert total.get_json()["rows"] == [{"revenue": 0.0, "inventory_value": 0.0}]
    assert revenue_by_region(client, period, {"region": [mine, other]}) == {
        mine: pytest.approx(metrics_layer_revenue(demo_db, period, mine))}


def test_an_admin_sees_every_region(client: FlaskClient, regions: list[str],
                                    period: dict[str, str]) -> None:
    login(client, "ada")
    assert set(revenue_by_region(client, period)) == set(regions)


def test_a_manager_s_filter_choices_are_their_region(client: FlaskClient,
                                                     regions: list[str]) -> None:
    login(client, "max")
    layout = json.dumps(render_page(client, "/").get_json())
    for other in regions[1:]:
        assert f'"value": "{other}"' not in layout
    assert f'"value": "{regions[0]}"' in layout


def test_api_tokens_act_for_their_account_until_revoked(client: FlaskClient,
                                                        regions: list[str],
                                                        period: dict[str, str]) -> None:
    manager = accounts.new_api_token("max", "script")
    admin = accounts.new_api_token("ada")
    as_manager = {"Authorization": f"Bearer {manager.secret}"}
    assert set(revenue_by_region(client, period, **as_manager)) == {regions[0]}
    assert set(revenue_by_region(client, period,
                                 Authorization=f"bearer {admin.secret}")) == set(regions)
    accounts.revoke_token(manager.info.ident)
    refused = client.post(QUERY_URL, headers=as_manager, json={"metrics": ["revenue"],
                                                               **period})
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "the API token is unknown or was revoked"
    assert client.get("/api/v1/metrics", headers={"Authorization": "Bearer sl_api_guess"}) \
        .status_code == 401
    # a token opens the API only, not the pages
    assert client.get("/", headers={"Authorization": f"Bearer {admin.secret}"}) \
        .status_code == 302


def open_wall(client: FlaskClient, secret: str) -> None:
    response = client.get(f"/wall?token={secret}&lang=zh&refresh=30")
    assert response.status_code == 302
    assert response.headers["Location"] == "/wall?lang=zh&refresh=30"  # token gone
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_wall_token_opens_the_wall_and_nothing_else(app, client: FlaskClient,
                                                      regions: list[str],
                                                      period: dict[str, str]) -> None:
    board = create_board("Dock")
    made = accounts.new_wall_token(board, {"region": [regions[0]]}, "dock 1")
    open_wall(client, made.secret)
    assert client.get("/wall?lang=zh").status_code == 200
    assert render_page(client, "/wall").status_code == 200
    assert render_page(client, "/").status_code == 403
    assert render_page(client, "/settings").status_code == 403
    assert client.get("/").status_code == 403
    assert client.get("/explore").status_code == 403
    assert client.post(QUERY_URL, json={"metrics": ["revenue"], **period}).status_code == 403
    assert client.get("/api/v1/metrics").status_code == 403
    assert client.get("/_dash-layout").status_code == 200
    entries = last_entries(10)
    entry = next(e for e in entries if e.event == "wall_opened")
    assert entry.user == "dock 1"
    assert made.secret not in entry.detail
    refused = [e for e in entries if e.event == "refused"]
    assert len(refused) == 2 and all(e.user == "dock 1" for e in refused)  # the two routes


def test_a_wall_session_may_run_only_the_wall_s_callbacks(app) -> None:
    """Checked against the app's real callback map: every server callback of the wall
    page passes, every other page's is refused."""
    client = app.server.test_client()
    make_user("eve", "executive")
    login(client, "eve")
    client.get("/")  # Dash fills its callback map on the first request
    callbacks = app.callback_map
    wall = [k for k, v in callbacks.items()
            if getattr(v.get("callback"), "__module__", "") == "pages.wall"]
    others = [k for k, v in callbacks.items() if v.get("callback") is not None
              and not getattr(v["callback"], "__module__", "").startswith(("pages.wall",
                                                                          "dash."))]
    assert wall and others

    def allowed(key: str) -> bool:
        try:
            return wall_may_run(check_call(body_for(key, callbacks[key]), callbacks))
        except Refused:
            return False

    assert all(allowed(k) for k in wall)
    assert not any(allowed(k) for k in others)


def test_revoking_a_wall_token_stops_the_screen_at_once(client: FlaskClient) -> None:
    made = accounts.new_wall_token(None, {})
    open_wall(client, made.secret)
    assert client.get("/wall").status_code == 200
    accounts.revoke_token(made.info.ident)
    assert render_page(client, "/wall").status_code == 401  # the next refresh
    assert client.get("/wall").headers["Location"].startswith("/login?next=")
    again = client.get(f"/wall?token={made.secret}")
    assert again.status_code == 401
    assert "not valid" in again.get_data(as_text=True)
    assert client.get("/wall?token=sl_wall_made-up").status_code == 401


def test_a_wall_link_replaces_a_person_s_session(client: FlaskClient) -> None:
    login(client, "ada")
    made = accounts.new_wall_token(None, {"region": ["East"]})
    open_wall(client, made.secret)
    assert client.get("/").status_code == 403  # no longer ada: the wall screen
    assert "Log out" not in page_text(render_page(client, "/wall"))
