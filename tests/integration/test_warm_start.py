"""A new server process is ready before its first request: Dash's own first-request set-up
(callback map, script registry, page router) has already run, so concurrent first requests
to a fresh gunicorn worker cannot meet a half-built app (plotly/dash#3971)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app import create_app
from data_connectors.source import open_duckdb


def test_a_new_app_has_its_callbacks_and_router_before_any_request(demo_db: Path) -> None:
    app = create_app(open_duckdb(demo_db))
    outputs = " ".join(app.callback_map)
    # callbacks declared with dash.callback in pages/ are in the app's map already
    assert "wall-ticker.children" in outputs and "_pages_content.children" in outputs
    with ThreadPoolExecutor(8) as pool:
        # every first request of a burst is answered whole (the demo allows no login)
        answers = list(pool.map(
            lambda _: app.server.test_client().get("/_dash-dependencies"), range(8)))
    assert {a.status_code for a in answers} == {200}
    assert all("wall-ticker.children" in a.get_data(as_text=True) for a in answers)
