"""Webhook deliveries against a real local consumer that checks the
X-StockLens-Signature HMAC header. No mocks.
"""

from __future__ import annotations

import datetime as dt
import json

from alerts.channels import parse_channel, send
from tests.integration.alert_channel_support import HOOK_SECRET, alert
from tests.integration.receivers.webhook import WebhookReceiver


def test_webhook_signed_json() -> None:
    with WebhookReceiver(secret=HOOK_SECRET) as hook:
        channel = parse_channel({"type": "webhook", "url": hook.url, "secret": HOOK_SECRET})
        message = alert(data={"rule": "Dairy days", "as_of": dt.date(2026, 3, 2),
                              "value": 47.5})
        result = send(channel, message)
    assert result.ok and result.detail == "HTTP 200", result
    (got,) = hook.requests
    body = json.loads(got.raw)
    assert set(body) == {"subject", "text", "markdown", "data", "timestamp"}
    assert body["data"] == {"rule": "Dairy days", "as_of": "2026-03-02", "value": 47.5}
    assert got.headers["X-StockLens-Timestamp"] == str(body["timestamp"])
    assert got.headers["X-StockLens-Signature"].startswith("sha256=")


def test_webhook_unsigned_204_and_wrong_secret() -> None:
    with WebhookReceiver(status=204) as hook:
        assert send(parse_channel({"type": "webhook", "url": hook.url}), alert()).detail == \
            "HTTP 204"
    assert "X-StockLens-Signature" not in hook.requests[0].headers
    with WebhookReceiver(secret=HOOK_SECRET) as hook:
        channel = parse_channel({"type": "webhook", "url": hook.url, "secret": "whsec-wrong"})
        result = send(channel, alert())
    assert not result.ok and result.detail == "HTTP 401"
    assert result.error == 'webhook answered HTTP 401: {"error": "bad signature"}'
    assert "whsec-wrong" not in repr(result) + repr(channel)
