"""Rate limits and retries against real local receivers that enforce the services'
limits: a round past a robot's limit is paced and summarised, not dropped; failing
robots are retried with back-off (recorded, not waited). No mocks.
"""

from __future__ import annotations

import logging

import pytest

from alerts.channels import RetryPolicy, deliver, parse_channel, send, send_with_retry
from tests.integration.alert_channel_support import (
    DING_SECRET,
    FEISHU_SECRET,
    HOOK_SECRET,
    Sleeps,
    alert,
    our_log,
)
from tests.integration.receivers.dingtalk import DingTalkReceiver
from tests.integration.receivers.feishu import FeishuReceiver
from tests.integration.receivers.webhook import WebhookReceiver
from tests.integration.receivers.wecom import WeComReceiver


def test_25_alerts_to_one_dingtalk_robot_in_one_round() -> None:
    """The robot allows 20 a minute (and would refuse the 21st): 19 alerts go out one by
    one and the 20th message is a summary naming the other 6. Nothing is dropped."""
    due = [alert(n) for n in range(1, 26)]
    with DingTalkReceiver(secret=DING_SECRET) as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": DING_SECRET})
        delivery = deliver(channel, due, sent_last_minute=0, sleep=Sleeps())
        # the next round, still inside the minute: deferred, reported, not sent
        later = deliver(channel, [alert(26)], sent_last_minute=delivery.messages_sent,
                        sleep=Sleeps())
    assert len(robot.requests) == 20 and all(r.accepted for r in robot.requests)
    assert delivery.ok and delivery.messages_sent == 20 and len(delivery.results) == 25
    assert [r.batched for r in delivery.results] == [False] * 19 + [True] * 6
    summary = robot.accepted[-1]["markdown"]
    assert summary["title"].startswith("6 more alerts: ")
    for n in range(20, 26):
        assert f"#{n}" in summary["title"] and f"#{n}\n" in summary["text"] + "\n"
    for n in range(1, 20):
        assert f"#{n}\n" not in summary["text"] + "\n"
    (deferred,) = later.results
    assert not deferred.ok and deferred.detail == "deferred: rate limit"
    assert "20 messages went out in the last minute" in (deferred.error or "")
    assert robot.access_token not in (deferred.error or "")


def test_the_receiver_really_enforces_the_limit() -> None:
    """Control for the test above: sending past the limit without the plan is refused."""
    with DingTalkReceiver() as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url})
        results = [send(channel, alert(n)) for n in range(21)]
    assert all(r.ok for r in results[:20])
    assert not results[20].ok and results[20].detail == "HTTP 200 errcode 660026"


def test_feishu_is_paced_to_five_a_second() -> None:
    with FeishuReceiver(secret=FEISHU_SECRET) as bot:
        channel = parse_channel({"type": "feishu", "url": bot.url, "secret": FEISHU_SECRET})
        delivery = deliver(channel, [alert(n) for n in range(7)], retry=RetryPolicy(1, ()))
    assert delivery.ok, delivery.results
    assert len(bot.requests) == 7 and len(bot.accepted) == 7


def test_a_robot_failing_twice_then_succeeding() -> None:
    sleeps = Sleeps()
    with DingTalkReceiver(secret=DING_SECRET, fail_times=2) as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": DING_SECRET})
        delivery = deliver(channel, [alert()], sleep=sleeps)
    (result,) = delivery.results
    assert result.ok and result.detail == "HTTP 200 errcode 0; attempt 3 of 3", result
    assert len(robot.requests) == 3 and len(robot.accepted) == 1
    assert sleeps == [1.0, 2.0]


def test_a_robot_that_always_fails(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    sleeps = Sleeps()
    with WeComReceiver(always_fail=True) as robot:
        channel = parse_channel({"type": "wecom", "url": robot.url})
        delivery = deliver(channel, [alert()], sleep=sleeps)
    (result,) = delivery.results
    assert not result.ok and result.detail == "HTTP 200 errcode -1; attempt 3 of 3"
    assert result.error == "wecom answered errcode -1: system busy"
    assert len(robot.requests) == 3 and sleeps == [1.0, 2.0]
    assert not delivery.ok and delivery.messages_sent == 0
    assert our_log(caplog).count("retrying wecom") == 2 and robot.key not in caplog.text


def test_webhook_retry_with_custom_policy() -> None:
    sleeps = Sleeps()
    with WebhookReceiver(secret=HOOK_SECRET, fail_times=3) as hook:
        channel = parse_channel({"type": "webhook", "url": hook.url, "secret": HOOK_SECRET})
        result = send_with_retry(lambda: send(channel, alert()),
                                 RetryPolicy(4, (0.01, 0.02)), sleeps, channel.label)
    assert result.ok and result.detail == "HTTP 200; attempt 4 of 4"
    assert sleeps == [0.01, 0.02, 0.02] and [r.status for r in hook.requests] == [
        503, 503, 503, 200]
