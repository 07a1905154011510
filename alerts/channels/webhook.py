"""A generic JSON webhook, for systems StockLens has no special sender for (Metabase users
ask for exactly this for subscriptions, metabase#62944).

POST {"subject", "text", "markdown", "data", "timestamp"} as UTF-8 JSON. With a secret, the
receiver can check who sent it and that nobody changed it:

    X-StockLens-Timestamp: <unix seconds, also in the body>
    X-StockLens-Signature: sha256=<hex HMAC-SHA256(key=secret, msg=raw request body)>

(the GitHub webhook convention). The timestamp is inside the signed body, so a receiver
can refuse replays of old deliveries. Any 2xx answer is delivered.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from alerts.channels._http import (
    DEFAULT_TIMEOUT_S,
    DeliveryFailed,
    failed,
    finish,
    json_body,
    post,
    snippet,
)
from alerts.channels.config import ChannelConfig
from alerts.message import Message, SendResult

SIGNATURE_HEADER = "X-StockLens-Signature"
TIMESTAMP_HEADER = "X-StockLens-Timestamp"


def webhook_signature(secret: str, body: bytes) -> str:
    """The X-StockLens-Signature value for a raw request body."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_payload(message: Message, timestamp: int) -> dict[str, Any]:
    return {"subject": message.subject, "text": message.text, "markdown": message.markdown,
            "data": message.data, "timestamp": timestamp}


def send_webhook(channel: ChannelConfig, message: Message, *,
                 timeout_s: float = DEFAULT_TIMEOUT_S,
                 now: Callable[[], float] = time.time) -> SendResult:
    if not channel.url:
        return finish(channel, SendResult(False, "not sent", "webhook channel has no url"))
    timestamp = int(now())
    body = json_body(webhook_payload(message, timestamp))
    headers = {TIMESTAMP_HEADER: str(timestamp)}
    if channel.secret:
        headers[SIGNATURE_HEADER] = webhook_signature(channel.secret, body)
    try:
        answer = post(channel, channel.url, body, timeout_s=timeout_s, headers=headers)
    except DeliveryFailed as exc:
        return failed(channel, exc)
    if 200 <= answer.status < 300:
        return finish(channel, SendResult(True, f"HTTP {answer.status}"))
    said = snippet(channel, answer.text)
    return finish(channel, SendResult(False, f"HTTP {answer.status}",
                                      f"webhook answered HTTP {answer.status}"
                                      + (f": {said}" if said else "")))
