"""钉钉 custom robot with 加签 (signing), as DingTalk documents it:

    timestamp      = current time in milliseconds
    string_to_sign = f"{timestamp}\\n{secret}"
    sign           = urlencode(base64(HMAC-SHA256(key=secret, msg=string_to_sign)))

appended to the robot URL as &timestamp=…&sign=…; DingTalk refuses a sign that does not
match or a timestamp more than an hour off (errcode 310000). Delivered when the JSON answer
has errcode 0. A robot without 加签 (keyword or IP allow-list security) gets no sign.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

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

# DingTalk's limit on a message's content.
CONTENT_LIMIT_BYTES = 20000


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The URL-encoded `sign` parameter for `timestamp_ms` (DingTalk's documented recipe)."""
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str | None, timestamp_ms: int) -> str:
    """The robot URL with &timestamp=…&sign=… when the robot uses 加签."""
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_payload(channel: ChannelConfig, message: Message) -> dict[str, Any]:
    if channel.format == "text":
        return {"msgtype": "text",
                "text": {"content": cut_utf8(plain_text(message), CONTENT_LIMIT_BYTES)}}
    # the title is what the notification and the chat list show; the text is the card
    return {"msgtype": "markdown",
            "markdown": {"title": message.subject,
                         "text": cut_utf8(message.markdown, CONTENT_LIMIT_BYTES)}}


def send_dingtalk(channel: ChannelConfig, message: Message, *,
                  timeout_s: float = DEFAULT_TIMEOUT_S,
                  now: Callable[[], float] = time.time) -> SendResult:
    if not channel.url:
        return finish(channel, SendResult(False, "not sent", "dingtalk channel has no url"))
    url = signed_url(channel.url, channel.secret, round(now() * 1000))
    try:
        answer = post(channel, url, json_body(dingtalk_payload(channel, message)),
                      timeout_s=timeout_s)
    except DeliveryFailed as exc:
        return failed(channel, exc)
    return finish(channel, robot_result(channel, answer))
