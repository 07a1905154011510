"""A JSON webhook consumer: checks X-StockLens-Signature (HTTP 401 when wrong) and answers
the status it was given.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from tests.integration.receivers.robot import Answer, HttpReceiver, Received


class WebhookReceiver(HttpReceiver):
    """A JSON webhook consumer checking X-StockLens-Signature (sha256=hex HMAC of the raw
    body with the shared secret) when it has a secret; answers `status` when it accepts."""

    path = "/stocklens-hook"

    def __init__(self, secret: str | None = None, status: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.secret, self.status = secret, status

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}"

    def answer(self, got: Received) -> Answer:
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), got.raw,
                                            hashlib.sha256).hexdigest()
            given = got.headers.get("X-StockLens-Signature", "")
            if not hmac.compare_digest(given, expected):
                return Answer(401, {"error": "bad signature"})
        if not isinstance(got.json, dict):
            return Answer(400, {"error": "not JSON"})
        return Answer(self.status, b"" if self.status == 204 else {"ok": True}, True)
