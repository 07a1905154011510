"""企业微信 group robot: POST {"msgtype": "markdown"|"text", …} to the robot's webhook URL
(…/cgi-bin/webhook/send?key=…); the key in the URL is the only credential (WeCom robots do
not sign). Delivered when the JSON answer has errcode 0.

WeCom refuses markdown content over 4096 bytes and text over 2048 bytes (UTF-8) outright,
so a long message is cut at a character boundary with a note rather than lost.
"""

from __future__ import annotations

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
from alerts.message import Message, SendResult

MARKDOWN_LIMIT_BYTES = 4096
TEXT_LIMIT_BYTES = 2048


def plain_text(message: Message) -> str:
    """The subject and the text, for robots showing plain text (the robot has no subject
    line of its own)."""
    text = message.text.strip()
    return text if text.startswith(message.subject) else f"{message.subject}\n{text}"


def wecom_payload(channel: ChannelConfig, message: Message) -> dict[str, Any]:
    if channel.format == "text":
        return {"msgtype": "text",
                "text": {"content": cut_utf8(plain_text(message), TEXT_LIMIT_BYTES)}}
    return {"msgtype": "markdown",
            "markdown": {"content": cut_utf8(message.markdown, MARKDOWN_LIMIT_BYTES)}}


def send_wecom(channel: ChannelConfig, message: Message, *,
               timeout_s: float = DEFAULT_TIMEOUT_S) -> SendResult:
    if not channel.url:
        return finish(channel, SendResult(False, "not sent", "wecom channel has no url"))
    try:
        answer = post(channel, channel.url, json_body(wecom_payload(channel, message)),
                      timeout_s=timeout_s)
    except DeliveryFailed as exc:
        return failed(channel, exc)
    return finish(channel, robot_result(channel, answer))
