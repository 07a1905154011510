"""企业微信 group robot: knows its key (errcode 93000 otherwise), refuses markdown over
4096 bytes (40058) and more than 20 messages a minute (45009).
"""

from __future__ import annotations

from typing import Any

from tests.integration.receivers.robot import Answer, HttpReceiver, Received, Window


class WeComReceiver(HttpReceiver):
    """企业微信 group robot: /cgi-bin/webhook/send?key=KEY."""

    path = "/cgi-bin/webhook/send"

    def __init__(self, key: str = "wecom-key-8c1f0a77", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key
        self.window = Window()

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}?key={self.key}"

    def busy(self) -> Answer:
        return Answer(200, {"errcode": -1, "errmsg": "system busy"})

    def answer(self, got: Received) -> Answer:
        if got.path != self.path or got.query.get("key") != self.key:
            return Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        body = got.json if isinstance(got.json, dict) else {}
        kind = body.get("msgtype")
        limits = {"markdown": 4096, "text": 2048}
        if kind not in limits or not isinstance(body.get(kind), dict):
            return Answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        content = body[kind].get("content")
        if not isinstance(content, str) or not content:
            return Answer(200, {"errcode": 44004, "errmsg": "empty content"})
        if len(content.encode("utf-8")) > limits[kind]:
            return Answer(200, {"errcode": 40058,
                                 "errmsg": f"{kind}.content exceed max length {limits[kind]}"})
        if self.window.count(60) >= 20:
            return Answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})
        self.window.add()
        return Answer(200, {"errcode": 0, "errmsg": "ok"}, accepted=True)
