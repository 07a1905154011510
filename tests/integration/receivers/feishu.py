"""飞书 custom bot: recomputes its signature from the documented recipe (code 19021 on
mismatch) and allows 5 messages a second, 100 a minute (code 11232).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from tests.integration.receivers.robot import Answer, HttpReceiver, Received, Window


def feishu_expected_sign(secret: str, timestamp: str) -> str:
    """Feishu's documented recipe: the string is the HMAC key, the message empty."""
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(string_to_sign.encode("utf-8"), digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode("utf-8")


class FeishuReceiver(HttpReceiver):
    """飞书 custom bot: /open-apis/bot/v2/hook/HOOK_ID. `old_style`: answer StatusCode
    as older deployments do."""

    def __init__(self, hook_id: str = "3f9a2c1e-feishu-hook", secret: str | None = None,
                 old_style: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hook_id, self.secret, self.old_style = hook_id, secret, old_style
        self.window = Window()

    @property
    def url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.hook_id}"

    def _code(self, code: int, msg: str, accepted: bool = False) -> Answer:
        if self.old_style and code == 0:
            return Answer(200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"},
                           accepted)
        return Answer(200, {"code": code, "data": {}, "msg": msg}, accepted)

    def busy(self) -> Answer:
        return self._code(9499, "system busy")

    def answer(self, got: Received) -> Answer:
        if got.path != f"/open-apis/bot/v2/hook/{self.hook_id}":
            return self._code(19001, "param invalid: incoming webhook access token invalid")
        body = got.json if isinstance(got.json, dict) else {}
        if self.secret is not None:
            timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 3600
            if not fresh or not hmac.compare_digest(
                    sign, feishu_expected_sign(self.secret, timestamp)):
                return self._code(19021, "sign match fail or timestamp is not within one "
                                         "hour from current time")
        kind = body.get("msg_type")
        if kind == "text":
            valid = bool((body.get("content") or {}).get("text"))
        elif kind == "interactive":
            valid = isinstance(body.get("card"), dict)
        else:
            valid = False
        if not valid:
            return self._code(9499, "Bad Request")
        if self.window.count(1) >= 5 or self.window.count(60) >= 100:
            return self._code(11232, "frequency limited")
        self.window.add()
        return self._code(0, "success", accepted=True)
