"""One entry point for the rule and subscription runners: `send` one message to one
channel, or `deliver` a round of messages to one channel with its rate limit (summary
instead of overflow), pacing and retries. Neither raises for a delivery failure."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from alerts.channels._http import DEFAULT_TIMEOUT_S
from alerts.channels.config import ChannelConfig, SmtpConfig
from alerts.channels.dingtalk import send_dingtalk
from alerts.channels.feishu import send_feishu
from alerts.channels.mail import send_email
from alerts.channels.ratelimit import plan_sends
from alerts.channels.retry import DEFAULT_RETRY, RetryPolicy, send_with_retry
from alerts.channels.webhook import send_webhook
from alerts.channels.wecom import send_wecom
from alerts.message import Message, SendResult


def send(channel: ChannelConfig, message: Message, *, smtp: SmtpConfig | None = None,
         timeout_s: float | None = None, now: Callable[[], float] = time.time) -> SendResult:
    """Send one message once (no retry, no rate limit). `smtp` is needed for e-mail."""
    timeout = timeout_s or DEFAULT_TIMEOUT_S
    if channel.type == "email":
        return send_email(channel, message, smtp, timeout_s=timeout_s)
    if channel.type == "wecom":
        return send_wecom(channel, message, timeout_s=timeout)
    if channel.type == "dingtalk":
        return send_dingtalk(channel, message, timeout_s=timeout, now=now)
    if channel.type == "feishu":
        return send_feishu(channel, message, timeout_s=timeout, now=now)
    if channel.type == "webhook":
        return send_webhook(channel, message, timeout_s=timeout, now=now)
    return SendResult(False, "not sent", f"unknown channel type {channel.type!r}")


@dataclass(frozen=True)
class Delivery:
    """A round's outcome. `results`: one per due message, in order (those that went out
    inside the summary have batched=True and the summary's result). `messages_sent`:
    messages the channel accepted (a summary counts once): what the send log should
    count toward the next round's `sent_last_minute`."""

    results: tuple[SendResult, ...]
    messages_sent: int

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def deliver(channel: ChannelConfig, due: Sequence[Message], *, sent_last_minute: int = 0,
            smtp: SmtpConfig | None = None, retry: RetryPolicy = DEFAULT_RETRY,
            sleep: Callable[[float], None] = time.sleep, timeout_s: float | None = None,
            now: Callable[[], float] = time.time) -> Delivery:
    """Send a round of messages to one channel: within its rate limit (the overflow as
    one summary), paced for per-second limits, each retried with back-off."""
    plan = plan_sends(channel, due, sent_last_minute)
    results: list[SendResult | None] = [None] * len(due)
    sent = 0
    for n, out in enumerate(plan.send):
        if n and plan.limit.spacing_s:
            sleep(plan.limit.spacing_s)
        result = send_with_retry(
            lambda out=out: send(channel, out.message, smtp=smtp, timeout_s=timeout_s,
                                 now=now),
            retry, sleep, channel.label)
        sent += result.ok
        for i in out.covers:
            results[i] = replace(result, batched=out.summary)
    for i in plan.deferred:
        results[i] = SendResult(
            False, "deferred: rate limit",
            f"{channel.label}: {sent_last_minute} messages went out in the last minute and "
            f"the limit is {plan.limit.per_minute} a minute; not sent now, send it again "
            f"in the next round")
    return Delivery(tuple(r for r in results if r is not None), sent)
