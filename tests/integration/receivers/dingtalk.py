"""钉钉 custom robot: recomputes the 加签 sign from its own copy of the secret (errcode 310000
on mismatch or a timestamp an hour off) and allows 20 messages a minute (660026 beyond).
The sign follows DingTalk's documentation, never StockLens's own function, so a wrong
recipe in StockLens fails the tests.

    with DingTalkReceiver(secret="SEC…") as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": robot.secret})
        ...
        robot.accepted          # the JSON bodies it took
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from tests.integration.receivers.robot import Answer, HttpReceiver, Received, Window


def dingtalk_expected_sign(secret: str, timestamp: str) -> str:
    """DingTalk's documented recipe, before URL encoding."""
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"),
                      digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingTalkReceiver(HttpReceiver):
    """钉钉 custom robot: /robot/send?access_token=TOKEN[&timestamp=…&sign=…]."""

    path = "/robot/send"

    def __init__(self, access_token: str = "ding-token-5d2e9b", secret: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.access_token, self.secret = access_token, secret
        self.window = Window()

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}?access_token={self.access_token}"

    def busy(self) -> Answer:
        return Answer(200, {"errcode": -1, "errmsg": "系统繁忙"})

    def answer(self, got: Received) -> Answer:
        if got.path != self.path or got.query.get("access_token") != self.access_token:
            return Answer(200, {"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret is not None:
            timestamp, sign = got.query.get("timestamp", ""), got.query.get("sign", "")
            if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
                return Answer(200, {"errcode": 310000,
                                     "errmsg": "invalid timestamp, more: [sign]"})
            if not hmac.compare_digest(sign, dingtalk_expected_sign(self.secret, timestamp)):
                return Answer(200, {"errcode": 310000, "errmsg": "sign not match, more: "
                                                                  "[ding-doc robot security]"})
        body = got.json if isinstance(got.json, dict) else {}
        kind = body.get("msgtype")
        part = body.get(kind) if isinstance(kind, str) else None
        if kind == "markdown":
            valid = isinstance(part, dict) and bool(part.get("title")) and bool(part.get("text"))
        elif kind == "text":
            valid = isinstance(part, dict) and bool(part.get("content"))
        else:
            valid = False
        if not valid:
            return Answer(200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        if self.window.count(60) >= 20:
            return Answer(200, {"errcode": 660026,
                                 "errmsg": "send too fast, exceed 20 times per minute"})
        self.window.add()
        return Answer(200, {"errcode": 0, "errmsg": "ok"}, accepted=True)
