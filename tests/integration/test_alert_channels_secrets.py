"""No secret of any channel — robot keys, signing secrets, webhook secrets, the SMTP
password — shows in a result, a channel's repr or label, or any log line, whether the
delivery worked or not. Against real local receivers, no mocks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from alerts.channels import RetryPolicy, deliver, parse_channel, parse_smtp, send
from alerts.message import SendResult
from tests.integration.alert_channel_support import (
    DING_SECRET,
    FEISHU_SECRET,
    HOOK_SECRET,
    SMTP_PASSWORD,
    Sleeps,
    alert,
    login_mailbox,
    our_log,
)
from tests.integration.receivers.dingtalk import DingTalkReceiver
from tests.integration.receivers.feishu import FeishuReceiver
from tests.integration.receivers.smtp_server import SmtpReceiver
from tests.integration.receivers.webhook import WebhookReceiver
from tests.integration.receivers.wecom import WeComReceiver


@pytest.fixture
def mailbox() -> Iterator[SmtpReceiver]:
    with login_mailbox() as server:
        yield server


def test_no_secret_in_any_result_or_log_line(caplog: pytest.LogCaptureFixture,
                                             mailbox: SmtpReceiver) -> None:
    caplog.set_level(logging.DEBUG)
    results: list[SendResult] = []
    with DingTalkReceiver(secret=DING_SECRET) as ding, \
            FeishuReceiver(secret=FEISHU_SECRET) as feishu, \
            WeComReceiver() as wecom, WebhookReceiver(secret=HOOK_SECRET) as hook:
        channels = [
            parse_channel({"type": "dingtalk", "url": ding.url, "secret": DING_SECRET}),
            parse_channel({"type": "dingtalk", "url": ding.url, "secret": DING_SECRET + "x"}),
            parse_channel({"type": "feishu", "url": feishu.url, "secret": FEISHU_SECRET}),
            parse_channel({"type": "feishu", "url": feishu.url, "secret": "x"}),
            parse_channel({"type": "wecom", "url": wecom.url}),
            parse_channel({"type": "webhook", "url": hook.url, "secret": HOOK_SECRET}),
            parse_channel({"type": "webhook", "url": hook.url, "secret": HOOK_SECRET + "x"}),
        ]
        for channel in channels:
            results.extend(deliver(channel, [alert(1), alert(2)], sleep=Sleeps(),
                                   retry=RetryPolicy(2, (0.0,))).results)
        secrets = [DING_SECRET, FEISHU_SECRET, HOOK_SECRET, ding.access_token, feishu.hook_id,
                   wecom.key, SMTP_PASSWORD]
    smtp = parse_smtp(mailbox.smtp_settings())
    email = parse_channel({"type": "email", "to": "a@example.com"})
    results.append(send(email, alert(), smtp=smtp))
    results.append(send(email, alert(), smtp=parse_smtp(mailbox.smtp_settings(
        password=SMTP_PASSWORD + "x"))))
    assert [r.ok for r in results] == [True, True, False, False, True, True, False, False,
                                       True, True, True, True, False, False, True, False]
    shown = "\n".join([*(repr(r) for r in results), *(repr(c) for c in channels),
                       *(c.label for c in channels), repr(smtp), our_log(caplog)])
    assert "POST /robot/send?access_token=****" in shown  # urllib3's request line, masked
    for secret in secrets:
        assert secret not in shown, f"{secret[:6]}… leaked"
