"""Subscribing to a board (issue 16: a "subscribe" action on boards): the dialog's
callback, posted as Dash's front end does, stores a subscription rule — to the signed-in
manager's own address and evaluated in her scope, or in demo mode to a typed address —
that the alert runner reads back."""

from __future__ import annotations

from flask.testing import FlaskClient

from alerts.config import load_alert_config
from components.boards.saved import create_board
from tests.integration.auth_support import body_for, login, make_user


def _subscribe(client: FlaskClient, app, board: int, address: str | None) -> object:
    output = "..brd-sub.is_open...brd-sub-feedback.children.."
    sent = body_for(output, app.callback_map[output])
    values = {"brd-sub-confirm.n_clicks": 1, "brd-sub-when.value": "weekdays",
              "brd-sub-address.value": address, "brd-sub-skip.value": True,
              "brd-board.data": {"id": board}, "brd-lang.data": "en"}
    for item in sent["inputs"] + sent["state"]:
        item["value"] = values.get(f"{item['id']}.{item['property']}")
    sent["changedPropIds"] = ["brd-sub-confirm.n_clicks"]
    return client.post("/_dash-update-component", json=sent)


def test_demo_mode_subscribes_a_typed_address(app) -> None:
    client = app.server.test_client()
    client.get("/")
    board = create_board("Weekly ops")
    answer = _subscribe(client, app, board, "ops@example.com")
    assert answer.status_code == 200 and "Subscribed" in answer.get_data(as_text=True)
    (rule,) = [r for r in load_alert_config(stored=True).rules if r.board == board]
    assert rule.schedule == "0 8 * * 1-5" and rule.skip_if_empty
    assert rule.channels[0].to == ("ops@example.com",) and rule.owner is None
    again = _subscribe(client, app, board, "ops@example.com")
    assert "already" in again.get_data(as_text=True)  # the same subscription twice: refused


def test_a_manager_subscribes_herself_in_her_scope(app) -> None:
    make_user("mei", "manager", {"region": ["East"]})
    client = app.server.test_client()
    login(client, "mei")
    board = create_board("East board")
    answer = _subscribe(client, app, board, "someone-else@example.com")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    (rule,) = [r for r in load_alert_config(stored=True).rules if r.board == board]
    assert rule.recipients == ("mei",) and rule.owner == "mei"
    assert rule.channels[0].type == "email" and rule.channels[0].to == ()  # her own address
