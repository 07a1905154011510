"""Deliveries to IM robots against real local HTTP robots that verify DingTalk's 加签 and
Feishu's signature exactly as those services document them (企业微信: its key and its
markdown limit); unreachable robots fail with the URL's credentials masked. No mocks.
"""

from __future__ import annotations

import logging
import time

import pytest

from alerts.channels import parse_channel, send
from alerts.message import Message
from tests.integration.alert_channel_support import DING_SECRET, FEISHU_SECRET, alert, our_log
from tests.integration.receivers.dingtalk import DingTalkReceiver, dingtalk_expected_sign
from tests.integration.receivers.feishu import FeishuReceiver
from tests.integration.receivers.net import free_port
from tests.integration.receivers.wecom import WeComReceiver


def test_wecom_markdown_and_text() -> None:
    with WeComReceiver() as robot:
        channel = parse_channel({"type": "wecom", "url": robot.url})
        assert send(channel, alert()).ok
        text_channel = parse_channel({"type": "wecom", "url": robot.url, "format": "text"})
        result = send(text_channel, alert(2))
        assert result.ok and result.detail == "HTTP 200 errcode 0"
    first, second = robot.accepted
    assert first == {"msgtype": "markdown", "markdown": {"content": alert().markdown}}
    assert second["msgtype"] == "text"
    assert second["text"]["content"] == f"{alert(2).subject}\n{alert(2).text}"


def test_wecom_long_markdown_is_cut_not_refused() -> None:
    long = Message("长消息", "t", "| 区域 | 周转天数 |\n" + "| 华东 | 47 |\n" * 600)
    with WeComReceiver() as robot:
        result = send(parse_channel({"type": "wecom", "url": robot.url}), long)
    assert result.ok, result
    content = robot.accepted[0]["markdown"]["content"]
    assert len(content.encode("utf-8")) <= 4096 and "…(cut" in content
    assert long.markdown.startswith(content[:content.index("\n\n…(cut")])


def test_wecom_wrong_key_fails_and_shows_no_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with WeComReceiver(key="right-key-0a1b2c") as robot:
        url = robot.url.replace("right-key-0a1b2c", "wrong-key-9z8y7x")
        channel = parse_channel({"type": "wecom", "url": url})
        result = send(channel, alert())
    assert not result.ok and result.detail == "HTTP 200 errcode 93000"
    assert result.error == "wecom answered errcode 93000: invalid webhook url"
    for text in (repr(result), repr(channel), channel.label, caplog.text):
        assert "wrong-key-9z8y7x" not in text and "right-key-0a1b2c" not in text


def test_dingtalk_signed_markdown_is_verified_by_the_robot() -> None:
    with DingTalkReceiver(secret=DING_SECRET) as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": DING_SECRET})
        before = time.time() * 1000
        result = send(channel, alert())
    assert result.ok and result.detail == "HTTP 200 errcode 0", result
    (got,) = robot.requests
    assert got.accepted and got.query["access_token"] == robot.access_token
    assert before - 1000 <= int(got.query["timestamp"]) <= time.time() * 1000
    assert got.json == {"msgtype": "markdown", "markdown": {"title": alert().subject,
                                                            "text": alert().markdown}}


def test_dingtalk_sign_is_url_encoded() -> None:
    """A base64 sign with "+" must arrive URL-encoded (DingTalk decodes "+" as a space):
    pick a timestamp whose sign has one, so the check never depends on luck."""
    start = int(time.time() * 1000)
    stamp = next(t for t in range(start, start + 10_000)
                 if "+" in dingtalk_expected_sign(DING_SECRET, str(t)))
    with DingTalkReceiver(secret=DING_SECRET) as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": DING_SECRET})
        result = send(channel, alert(), now=lambda: stamp / 1000)
    assert result.ok, result
    assert "%2B" in robot.requests[0].query_string


def test_dingtalk_text_and_unsigned_robot() -> None:
    with DingTalkReceiver() as robot:  # keyword / IP security: no 加签
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "format": "text"})
        assert send(channel, alert()).ok
    (got,) = robot.requests
    assert "sign" not in got.query and "timestamp" not in got.query
    assert got.json["msgtype"] == "text" and got.json["text"]["content"].startswith("乳品")


@pytest.mark.parametrize("case", ["wrong secret", "stale timestamp", "no secret"])
def test_dingtalk_bad_signature_is_refused(case: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with DingTalkReceiver(secret=DING_SECRET) as robot:
        data = {"type": "dingtalk", "url": robot.url}
        if case != "no secret":
            data["secret"] = "SECwrong-secret-123" if case == "wrong secret" else DING_SECRET
        channel = parse_channel(data)
        clock = (lambda: time.time() - 7200) if case == "stale timestamp" else time.time
        result = send(channel, alert(), now=clock)
    assert not result.ok and result.detail == "HTTP 200 errcode 310000", result
    assert (result.error or "").startswith("dingtalk answered errcode 310000: ")
    assert robot.accepted == []
    for text in (repr(result), repr(channel), our_log(caplog), caplog.text):
        for secret in (DING_SECRET, "SECwrong-secret-123", robot.access_token):
            assert secret not in text


def test_feishu_signed_card_is_verified_by_the_bot() -> None:
    with FeishuReceiver(secret=FEISHU_SECRET) as bot:
        channel = parse_channel({"type": "feishu", "url": bot.url, "secret": FEISHU_SECRET})
        result = send(channel, alert())
    assert result.ok and result.detail == "HTTP 200 code 0", result
    (body,) = bot.accepted
    assert body["msg_type"] == "interactive"
    assert abs(int(body["timestamp"]) - time.time()) < 5 and isinstance(body["timestamp"], str)
    assert body["card"]["header"]["title"]["content"] == alert().subject
    assert body["card"]["elements"] == [{"tag": "markdown", "content": alert().markdown}]


def test_feishu_text_and_old_style_answer() -> None:
    with FeishuReceiver(secret=FEISHU_SECRET, old_style=True) as bot:
        channel = parse_channel({"type": "feishu", "url": bot.url, "secret": FEISHU_SECRET,
                                 "format": "text"})
        result = send(channel, alert())
    assert result.ok and result.detail == "HTTP 200 StatusCode 0", result
    assert bot.accepted[0]["content"] == {"text": f"{alert().subject}\n{alert().text}"}


def test_feishu_wrong_secret_is_refused(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FeishuReceiver(secret=FEISHU_SECRET) as bot:
        channel = parse_channel({"type": "feishu", "url": bot.url, "secret": "fs-wrong-1"})
        result = send(channel, alert())
    assert not result.ok and result.detail == "HTTP 200 code 19021", result
    assert "sign match fail" in (result.error or "")
    for text in (repr(result), repr(channel), caplog.text):
        assert "fs-wrong-1" not in text and FEISHU_SECRET not in text
        assert bot.hook_id not in text


def test_unreachable_robots_fail_with_the_url_masked(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    urls = {"wecom": f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=k-5e4d3c2b",
            "dingtalk": f"http://127.0.0.1:{port}/robot/send?access_token=t-5e4d3c2b",
            "feishu": f"http://127.0.0.1:{port}/open-apis/bot/v2/hook/h-5e4d3c2b"}
    for kind, url in urls.items():
        data = {"type": kind, "url": url}
        if kind != "wecom":
            data["secret"] = "s-5e4d3c2b"
        result = send(parse_channel(data), alert(), timeout_s=5)
        assert not result.ok and result.detail == "no connection", result
        assert f"cannot reach http://127.0.0.1:{port}/" in (result.error or "")
        assert "5e4d3c2b" not in repr(result)
    assert "5e4d3c2b" not in caplog.text
