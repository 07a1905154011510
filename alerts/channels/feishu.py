"""飞书 custom bot with signature verification, as Feishu documents it:

    timestamp      = current time in seconds, as a string
    string_to_sign = f"{timestamp}\\n{secret}"
    sign           = base64(HMAC-SHA256(key=string_to_sign, msg=b""))

Note the odd recipe: the string is the HMAC *key* over an empty message (unlike DingTalk).
`timestamp` and `sign` travel in the JSON body. Feishu answers code 0 when delivered
(older deployments: StatusCode 0) and code 19021 for a bad sign or a timestamp more than
an hour off. Markdown goes out as an interactive card (header = subject); text as text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from alerts.channels._http import (
    DEFAULT_TIMEOUT_S,
    DeliveryFailed,
    cut_utf8,
    failed,
    finish,
    json_body,
    post,
    robot_result,
)
from alerts.channels.config import ChannelConfig
from alerts.channels.wecom import plain_text
from alerts.message import Message, SendResult

# Feishu refuses request bodies over 20 KB; leave room for the card's JSON around the text.
CONTENT_LIMIT_BYTES = 18000


def feishu_sign(secret: str, timestamp: str) -> str:
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(string_to_sign.encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_payload(channel: ChannelConfig, message: Message, timestamp: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if channel.secret:
        body.update(timestamp=timestamp, sign=feishu_sign(channel.secret, timestamp))
    if channel.format == "text":
        body.update(msg_type="text",
                    content={"text": cut_utf8(plain_text(message), CONTENT_LIMIT_BYTES)})
        return body
    body.update(msg_type="interactive", card={
        "config": {"wide_screen_mode": True},
        "header": {"title": {"tag": "plain_text", "content": message.subject}},
        "elements": [{"tag": "markdown",
                      "content": cut_utf8(message.markdown, CONTENT_LIMIT_BYTES)}],
    })
    return body


def send_feishu(channel: ChannelConfig, message: Message, *,
                timeout_s: float = DEFAULT_TIMEOUT_S,
                now: Callable[[], float] = time.time) -> SendResult:
    if not channel.url:
        return finish(channel, SendResult(False, "not sent", "feishu channel has no url"))
    payload = feishu_payload(channel, message, str(int(now())))
    try:
        answer = post(channel, channel.url, json_body(payload), timeout_s=timeout_s)
    except DeliveryFailed as exc:
        return failed(channel, exc)
    return finish(channel, robot_result(channel, answer, ("code", "StatusCode"),
                                        ("msg", "StatusMessage")))
