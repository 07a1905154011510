"""Alert channel configuration (alerts/channels/config.py), the rate-limit plan and the
message cut: bad settings are refused naming the rule and the field, secrets never show.

The deliveries themselves run against real local servers in test_alert_channels_*.py."""

from __future__ import annotations

from typing import Any

import pytest

from alerts.channels import (
    ChannelConfig,
    ConfigError,
    RetryPolicy,
    parse_channel,
    parse_channels,
    parse_smtp,
    plan_sends,
    rate_limit_for,
    summarize,
)
from alerts.channels._http import cut_utf8
from alerts.channels.masking import mask_text
from alerts.message import Attachment, Message
from data_connectors.config import ConfigError as SourcesConfigError

WHERE = "rule 'Dairy days' channels[0]"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DING_TOKEN = "a1b2c3d4e5f6tokenvalue"
DING_SECRET = "SEC7f3d9c2e1b0a99887766554433221100"
FEISHU_HOOK = "2d8f1a3b-feishu-hook-id"
WECOM_URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"
DING_URL = f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}"
FEISHU_URL = f"https://open.feishu.cn/open-apis/bot/v2/hook/{FEISHU_HOOK}"
SECRETS = (WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_HOOK)


def message(n: int = 1) -> Message:
    return Message(f"Dairy East turnover {40 + n} days", f"Turnover days {40 + n} > 45",
                   f"**Dairy** East: {40 + n} days", data={"value": 40 + n})


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret {secret[:6]}… leaked into {text!r}"


# ---------------------------------------------------------------- channels


def test_each_channel_type_parses() -> None:
    channels = parse_channels([
        {"type": "email", "to": "anna@example.com; Ops <ops@example.com>"},
        {"type": "wecom", "url": WECOM_URL, "format": "text"},
        {"type": "dingtalk", "url": DING_URL, "secret": DING_SECRET},
        {"type": "feishu", "url": FEISHU_URL, "secret": "fs-secret"},
        {"type": "webhook", "url": "http://hooks.internal:8080/in", "rate_limit": 30},
    ], "rule 'Dairy days' channels")
    email, wecom, ding, feishu, hook = channels
    assert email.to == ("anna@example.com", "Ops <ops@example.com>")
    assert (wecom.type, wecom.format, wecom.url) == ("wecom", "text", WECOM_URL)
    assert (ding.secret, feishu.secret) == (DING_SECRET, "fs-secret")
    assert hook.rate_limit == 30 and rate_limit_for(hook).per_minute == 30
    assert rate_limit_for(email).per_minute is None
    assert rate_limit_for(ding).per_minute == 20 and rate_limit_for(feishu).per_second == 5


def test_list_of_addresses_and_env_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DING_SECRET", DING_SECRET)
    monkeypatch.setenv("DING_TOKEN", DING_TOKEN)
    ding = parse_channel({"type": "dingtalk", "secret": "${DING_SECRET}",
                          "url": "https://oapi.dingtalk.com/robot/send?access_token="
                                 "${DING_TOKEN}"}, WHERE)
    assert ding.secret == DING_SECRET and ding.url == DING_URL
    email = parse_channel({"type": "email", "to": ["a@example.com", "b@example.com"]})
    assert email.to == ("a@example.com", "b@example.com")
    with pytest.raises(ConfigError, match=r"channels\[0\]\.secret: environment variable "
                                          r"NOT_SET_ANYWHERE is not set"):
        parse_channel({"type": "feishu", "url": FEISHU_URL,
                       "secret": "${NOT_SET_ANYWHERE}"}, WHERE)


@pytest.mark.parametrize(("data", "expected"), [
    ({"type": "wecom"}, f"{WHERE}.url: a wecom channel needs a url"),
    ({"type": "dingtalk", "secret": "x"}, f"{WHERE}.url: a dingtalk channel needs a url"),
    ({"type": "webhook"}, f"{WHERE}.url: a webhook channel needs a url"),
    ({"url": WECOM_URL}, f"{WHERE}.type: missing; one of email|wecom|dingtalk|feishu|webhook"),
    ({"type": "sms", "url": WECOM_URL},
     f"{WHERE}.type: 'sms' is not one of email|wecom|dingtalk|feishu|webhook"),
    ({"type": "webhook", "url": "ftp://files.example.com/in"},
     f"{WHERE}.url: a webhook url must start with http:// or https://, found "
     f"ftp://files.example.com/in"),
    ({"type": "webhook", "url": "https:///no-host"}, f"{WHERE}.url: no host in"),
    ({"type": "webhook", "url": "http://h:port/x"}, f"{WHERE}.url: not a valid URL"),
    ({"type": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"},
     f"{WHERE}.url: a wecom robot url carries its key="),
    ({"type": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send"},
     f"{WHERE}.url: a dingtalk robot url carries its access_token="),
    ({"type": "email"}, f"{WHERE}.to: an email channel needs the addresses to send to"),
    ({"type": "email", "to": "not-an-address"},
     f"{WHERE}.to: 'not-an-address' is not an e-mail address"),
    ({"type": "email", "to": ["a@example.com", 7]}, f"{WHERE}.to: expected e-mail addresses"),
    ({"type": "email", "to": "a@example.com", "url": "https://x.example.com"},
     f"{WHERE}.url: an email channel has no url"),
    ({"type": "wecom", "url": WECOM_URL, "to": "a@example.com"},
     f"{WHERE}.to: only an email channel has addresses"),
    ({"type": "wecom", "url": WECOM_URL, "secret": "s3cr3t-value"},
     f"{WHERE}.secret: a wecom robot does not sign requests"),
    ({"type": "email", "to": "a@example.com", "secret": "s3cr3t-value"},
     f"{WHERE}.secret: an email channel does not sign"),
    ({"type": "dingtalk", "url": DING_URL, "format": "html"},
     f"{WHERE}.format: 'html' is not one of markdown|text"),
    ({"type": "webhook", "url": "https://x.example.com", "format": "text"},
     f"{WHERE}.format: only robots"),
    ({"type": "dingtalk", "url": DING_URL, "rate_limit": 30},
     f"{WHERE}.rate_limit: expected a whole number between 1 and 20"),
    ({"type": "webhook", "url": "https://x.example.com", "rate_limit": 0},
     f"{WHERE}.rate_limit: expected a whole number of at least 1"),
    ({"type": "webhook", "url": "https://x.example.com", "retries": 3},
     f"{WHERE}: unknown key(s) retries; allowed: format, rate_limit, secret, to, type, url"),
    ("wecom", f"{WHERE}: expected a mapping with type and url/to, found str"),
])
def test_bad_channels_are_refused_naming_rule_and_field(data: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_channel(data, WHERE)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)


def test_config_error_is_a_value_error_the_cli_already_reports() -> None:
    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, SourcesConfigError)
    with pytest.raises(ConfigError, match=r"channels: expected a list of channels"):
        parse_channels({"type": "wecom"}, "rule 'Dairy days' channels")
    with pytest.raises(ConfigError, match=r"rule 'X' channels\[1\]\.url: a feishu channel"):
        parse_channels([{"type": "email", "to": "a@example.com"}, {"type": "feishu"}],
                       "rule 'X' channels")


def test_errors_never_show_robot_credentials() -> None:
    """A robot URL is a credential: even in the message refusing it."""
    cases = [
        {"type": "wecom", "url": f"ftp://qyapi.weixin.qq.com/send?key={WECOM_KEY}"},
        {"type": "dingtalk", "url": f"oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}",
         "secret": DING_SECRET},
        {"type": "feishu", "url": f"feishu:/open-apis/bot/v2/hook/{FEISHU_HOOK}",
         "secret": DING_SECRET},
        {"type": "wecom", "url": WECOM_URL, "secret": DING_SECRET},
        {"type": "feishu", "url": FEISHU_URL, "secret": DING_SECRET, "bogus": 1},
    ]
    for data in cases:
        with pytest.raises(ConfigError) as caught:
            parse_channel(data, WHERE)
        assert_no_secret(str(caught.value))
        assert str(caught.value).startswith(WHERE)


def test_repr_label_and_key_mask_credentials() -> None:
    channels = [parse_channel({"type": "wecom", "url": WECOM_URL}),
                parse_channel({"type": "dingtalk", "url": DING_URL, "secret": DING_SECRET}),
                parse_channel({"type": "feishu", "url": FEISHU_URL, "secret": DING_SECRET}),
                parse_channel({"type": "webhook", "url": "https://h.example.com/in?token="
                                                         f"{DING_TOKEN}",
                               "secret": DING_SECRET})]
    for channel in channels:
        for shown in (repr(channel), str(channel), channel.label, channel.key,
                      channel.safe_url or "", f"{channel!r:}", str([channel])):
            assert_no_secret(shown)
        assert "****" in repr(channel)
    ding = channels[1]
    assert ding.label == "dingtalk https://oapi.dingtalk.com/robot/send?access_token=****"
    assert ding.key.startswith("dingtalk:") and ding.key == parse_channel(
        {"type": "dingtalk", "url": DING_URL}).key  # the same robot, whatever its secret
    assert channels[2].safe_url == "https://open.feishu.cn/open-apis/bot/v2/hook/****"
    assert isinstance(ding, ChannelConfig)


def test_mask_text_catches_encoded_and_unnamed_forms() -> None:
    secret = "a+b/c=d"
    text = (f"x {secret} y a%2Bb%2Fc%3Dd z a%2Bb%2Fc%3Dd http://u:pw@h/p?sign=abc&x=1 "
            f"/hook/{FEISHU_HOOK} ?access_token={DING_TOKEN}")
    masked = mask_text(text, [secret])
    assert secret not in masked and "a%2Bb%2Fc%3Dd" not in masked
    assert "pw@" not in masked and "sign=abc" not in masked and "x=1" in masked
    assert_no_secret(masked)


# ---------------------------------------------------------------- smtp


def test_smtp_defaults_and_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "pa55-word-xyz")
    smtp = parse_smtp({"host": "smtp.example.com", "from": "StockLens <bi@example.com>",
                       "username": "bi", "password": "${SMTP_PASSWORD}"})
    assert (smtp.port, smtp.starttls, smtp.ssl, smtp.password) == (587, True, False,
                                                                    "pa55-word-xyz")
    for shown in (repr(smtp), str(smtp), smtp.label, str([smtp])):
        assert "pa55-word-xyz" not in shown
    assert "password='****'" in repr(smtp) and "from='StockLens <bi@example.com>'" in repr(smtp)
    assert parse_smtp({"host": "h", "from": "a@b.c", "ssl": True}).port == 465
    assert parse_smtp({"host": "h", "from": "a@b.c", "starttls": "false"}).port == 25


@pytest.mark.parametrize(("data", "expected"), [
    ({"from": "a@b.c"}, "smtp.host: missing"),
    ({"host": "h"}, "smtp.from: missing"),
    ({"host": "h", "from": "nobody"}, "smtp.from: 'nobody' is not an e-mail address"),
    ({"host": "h", "from": "a@b.c", "port": 70000},
     "smtp.port: expected a whole number between 1 and 65535"),
    ({"host": "h", "from": "a@b.c", "port": "smtp"}, "smtp.port: expected a whole number"),
    ({"host": "h", "from": "a@b.c", "ssl": True, "starttls": True},
     "smtp.starttls: use either ssl"),
    ({"host": "h", "from": "a@b.c", "ssl": "maybe"}, "smtp.ssl: expected true or false"),
    ({"host": "h", "from": "a@b.c", "password": "pa55-word-xyz"},
     "smtp.username: a password is set but no username"),
    ({"host": "h", "from": "a@b.c", "username": "bi"}, "smtp.password: missing for username"),
    ({"host": "h", "from": "a@b.c", "ca_file": "/nonexistent/ca.pem"},
     "smtp.ca_file: no such file"),
    ({"host": "h", "from": "a@b.c", "pasword": "pa55-word-xyz"},
     "smtp: unknown key(s) pasword"),
    (["h"], "smtp: expected host, port, from"),
])
def test_bad_smtp_is_refused_naming_the_field(data: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_smtp(data)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "pa55-word-xyz" not in str(caught.value)


# ---------------------------------------------------------------- rate-limit plan


def test_plan_keeps_the_minute_within_the_limit_and_drops_nothing() -> None:
    ding = parse_channel({"type": "dingtalk", "url": DING_URL})
    due = [message(i) for i in range(25)]
    plan = plan_sends(ding, due, sent_last_minute=0)
    assert len(plan.send) == 20 and not plan.deferred
    assert [o.covers for o in plan.send[:19]] == [(i,) for i in range(19)]
    summary = plan.send[-1]
    assert summary.summary and summary.covers == tuple(range(19, 25))
    assert summary.message.subject.startswith("6 more alerts: ")
    for m in due[19:]:
        assert m.subject in summary.message.subject
        assert m.subject in summary.message.markdown and m.subject in summary.message.text
    assert summary.message.data["count"] == 6
    assert summary.message.data["alerts"] == [m.data for m in due[19:]]

    plan = plan_sends(ding, due[:10], sent_last_minute=15)  # 5 free: 4 + summary of 6
    assert [len(o.covers) for o in plan.send] == [1, 1, 1, 1, 6]
    plan = plan_sends(ding, due[:5], sent_last_minute=15)  # exactly fits
    assert [len(o.covers) for o in plan.send] == [1] * 5
    plan = plan_sends(ding, due[:3], sent_last_minute=19)  # one slot: all in one summary
    assert [len(o.covers) for o in plan.send] == [3] and plan.send[0].summary
    plan = plan_sends(ding, due[:3], sent_last_minute=20)  # none: deferred, not dropped
    assert plan.send == () and plan.deferred == (0, 1, 2)


def test_plan_without_limit_and_with_a_configured_one() -> None:
    email = parse_channel({"type": "email", "to": "a@example.com"})
    due = [message(i) for i in range(50)]
    assert len(plan_sends(email, due, 1000).send) == 50
    limited = parse_channel({"type": "email", "to": "a@example.com", "rate_limit": 5})
    plan = plan_sends(limited, due[:8])
    assert [len(o.covers) for o in plan.send] == [1, 1, 1, 1, 4]
    feishu = parse_channel({"type": "feishu", "url": FEISHU_URL})
    assert plan_sends(feishu, due).limit.spacing_s == pytest.approx(0.22)


def test_summary_keeps_html_and_attachments() -> None:
    csv = Attachment("a.csv", b"x\n1\n", "text/csv")
    merged = summarize([Message("A <1>", "ta", "ma", "<p>ha</p>", (csv,)),
                        Message("B", "tb", "mb")], "limit")
    assert merged.attachments == (csv,)
    assert merged.html is not None
    assert "A &lt;1&gt;" in merged.html and "<pre>tb</pre>" in merged.html
    assert merged.text.startswith("2 more alerts (limit):\n- A <1>\n- B")


def test_cut_utf8_at_a_character_boundary() -> None:
    text = "库存周转天数超过阈值。" * 500  # 3 bytes a character
    cut = cut_utf8(text, 4096)
    assert len(cut.encode("utf-8")) <= 4096 and cut.endswith("allows)")
    assert text.startswith(cut[:cut.index("\n\n…")])
    assert cut_utf8("short", 4096) == "short"


def test_retry_delays() -> None:
    policy = RetryPolicy()
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 4.0]
    assert RetryPolicy(delays_s=()).delay(1) == 0.0
