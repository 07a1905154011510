"""Alert deliveries against real local servers (tests/integration/receivers/):
aiosmtpd over plain SMTP with AUTH LOGIN, STARTTLS and SMTP over TLS; HTTP robots that
verify DingTalk's 加签 and Feishu's signature exactly as those services document them and
enforce their rate limits; a webhook consumer checking the HMAC header. No mocks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from alerts.channels import (
    RetryPolicy,
    deliver,
    parse_channel,
    parse_smtp,
    probe_smtp,
    send,
    send_with_retry,
)
from alerts.message import Attachment, Message, SendResult
from tests.integration.receivers.certificates import Certificate, make_certificate
from tests.integration.receivers.dingtalk import DingTalkReceiver, dingtalk_expected_sign
from tests.integration.receivers.feishu import FeishuReceiver
from tests.integration.receivers.files import decode_png, png_bytes, xlsx_bytes, xlsx_rows
from tests.integration.receivers.net import free_port
from tests.integration.receivers.smtp_server import SmtpReceiver
from tests.integration.receivers.webhook import WebhookReceiver
from tests.integration.receivers.wecom import WeComReceiver

SMTP_USER, SMTP_PASSWORD = "bi-alerts", "Pa55-smtp-9f8e7d"
DING_SECRET = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f0+/="
FEISHU_SECRET = "fs-Zq9+Y/8x=7w"
HOOK_SECRET = "whsec-4c3b2a1908"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


class Sleeps(list[float]):
    """An injected sleep that records the back-off instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def alert(n: int = 1, data: dict[str, Any] | None = None) -> Message:
    value = 45 + n
    return Message(
        subject=f"乳品 East: turnover {value} days (> 45) #{n}",
        text=f"Dairy in East: turnover days {value}, threshold 45.",
        markdown=f"### 乳品 Dairy · East\n**Turnover days: {value}** (threshold 45)",
        data=data if data is not None else {"rule": "Dairy days", "value": value, "n": n})


def report_message() -> Message:
    rows = [["region", "category", "turnover_days"], ["East", "乳品", "47.5"],
            ["North", "Snacks", "31"]]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return Message(
        subject="周报: Monday board · 库存周转",
        text="Turnover days East 47.5 (bad)\nNorth 31 (ok)",
        markdown="**Turnover** East 47.5",
        html="<h1>Monday board</h1><p>East <b>47.5</b></p><img src=\"cid:trend.png\">",
        attachments=(
            Attachment("turnover.csv", text.getvalue().encode("utf-8"), "text/csv"),
            Attachment("周转.xlsx", xlsx_bytes([["region", "days"], ["East", 47.5]]), XLSX),
            Attachment("chart.png", png_bytes(6, 4), "image/png"),
            Attachment("trend.png", png_bytes(3, 2), "image/png"),
        ))


# ---------------------------------------------------------------- e-mail


@pytest.fixture
def mailbox() -> Iterator[SmtpReceiver]:
    with SmtpReceiver("plain", username=SMTP_USER, password=SMTP_PASSWORD) as server:
        yield server


def test_mail_with_login_text_html_and_attachments_that_open(mailbox: SmtpReceiver) -> None:
    smtp = parse_smtp(mailbox.smtp_settings())
    channel = parse_channel({"type": "email", "to": "anna@example.com, ops@example.com"})
    result = send(channel, report_message(), smtp=smtp)
    assert result.ok and result.detail == "SMTP 250 accepted for 2 recipient(s)", result
    (mail,) = mailbox.received
    assert mail.login == SMTP_USER and mail.rcpt_tos == ("anna@example.com", "ops@example.com")
    assert mail.mail_from == "bi@stocklens.test"
    message = mail.message
    assert message["Subject"] == "周报: Monday board · 库存周转"
    assert message["To"] == "anna@example.com, ops@example.com"
    assert message["Message-ID"].endswith("@stocklens.test>")
    assert mail.body("plain").strip() == "Turnover days East 47.5 (bad)\nNorth 31 (ok)"
    assert "<b>47.5</b>" in mail.body("html")
    files = mail.attachments()
    assert set(files) == {"turnover.csv", "周转.xlsx", "chart.png", "trend.png"}
    kind, data = files["turnover.csv"]
    assert kind == "text/csv"
    assert list(csv.reader(io.StringIO(data.decode("utf-8")))) == [
        ["region", "category", "turnover_days"], ["East", "乳品", "47.5"],
        ["North", "Snacks", "31"]]
    kind, data = files["周转.xlsx"]
    assert kind == XLSX and xlsx_rows(data) == [["region", "days"], ["East", 47.5]]
    assert decode_png(files["chart.png"][1]) == (6, 4)
    # the chart the HTML shows is inline, referenced by its Content-ID
    inline = next(p for p in message.walk() if p.get_filename() == "trend.png")
    assert inline["Content-ID"] == "<trend.png>" and decode_png(files["trend.png"][1]) == (3, 2)
    related = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    assert related and any(p.get_filename() == "trend.png" for p in related[0].walk())


def test_mail_subject_cannot_inject_headers(mailbox: SmtpReceiver) -> None:
    smtp = parse_smtp(mailbox.smtp_settings())
    sneaky = Message("Dairy\r\nBcc: evil@example.com", "t", "m")
    assert send(parse_channel({"type": "email", "to": "anna@example.com"}), sneaky,
                smtp=smtp).ok
    (mail,) = mailbox.received
    assert mail.rcpt_tos == ("anna@example.com",)
    assert mail.message["Subject"] == "Dairy Bcc: evil@example.com" and not mail.message["Bcc"]


def test_mail_wrong_password_fails_without_showing_it(
        mailbox: SmtpReceiver, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    smtp = parse_smtp(mailbox.smtp_settings(password="Wrong-pa55-7c6b"))
    channel = parse_channel({"type": "email", "to": "anna@example.com"})
    result = send(channel, alert(), smtp=smtp)
    assert not result.ok and result.detail == "SMTP 535"
    assert result.error is not None and f"refused the login as '{SMTP_USER}'" in result.error
    assert mailbox.received == [] and mailbox.failed_logins == [SMTP_USER]
    for text in (result.error, repr(result), repr(smtp), our_log(caplog)):
        assert "Wrong-pa55-7c6b" not in text and SMTP_PASSWORD not in text
    assert "refused the login" in our_log(caplog)


def test_mail_refused_without_login(mailbox: SmtpReceiver) -> None:
    settings = mailbox.smtp_settings()
    del settings["username"], settings["password"]
    result = send(parse_channel({"type": "email", "to": "a@example.com"}), alert(),
                  smtp=parse_smtp(settings))
    assert not result.ok and result.detail == "SMTP 530", result


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_mail_over_tls(mode: str, cert: Certificate) -> None:
    with SmtpReceiver(mode, username=SMTP_USER, password=SMTP_PASSWORD, cert=cert) as server:
        smtp = parse_smtp(server.smtp_settings())
        assert probe_smtp(smtp).ok
        result = send(parse_channel({"type": "email", "to": "anna@example.com"}),
                      report_message(), smtp=smtp)
        assert result.ok, result
        (mail,) = server.received
        assert mail.tls and mail.login == SMTP_USER
        assert mail.message["Subject"] == "周报: Monday board · 库存周转"
        assert decode_png(mail.attachments()["chart.png"][1]) == (6, 4)


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_mail_refuses_an_untrusted_certificate(mode: str, cert: Certificate) -> None:
    """Without ca_file the self-signed certificate is not trusted: nothing is sent (the
    login would otherwise go to whoever answers)."""
    with SmtpReceiver(mode, username=SMTP_USER, password=SMTP_PASSWORD, cert=cert) as server:
        settings = server.smtp_settings()
        del settings["ca_file"]
        result = send(parse_channel({"type": "email", "to": "a@example.com"}), alert(),
                      smtp=parse_smtp(settings))
        assert not result.ok and result.detail == "TLS not trusted", result
        assert "smtp.ca_file" in (result.error or "") and server.received == []


def test_mail_starttls_against_a_server_without_it(mailbox: SmtpReceiver,
                                                   cert: Certificate) -> None:
    smtp = parse_smtp(mailbox.smtp_settings(starttls=True, ca_file=str(cert.cert)))
    result = send(parse_channel({"type": "email", "to": "a@example.com"}), alert(), smtp=smtp)
    assert not result.ok and "STARTTLS" in (result.error or "") and "starttls: false" in (
        result.error or "")


def test_mail_server_unreachable() -> None:
    smtp = parse_smtp({"host": "127.0.0.1", "port": free_port(), "from": "bi@example.com",
                       "starttls": False, "username": "u", "password": SMTP_PASSWORD,
                       "timeout_s": 5})
    for result in (probe_smtp(smtp),
                   send(parse_channel({"type": "email", "to": "a@example.com"}), alert(),
                        smtp=smtp)):
        assert not result.ok and result.detail == "no connection", result
        assert "cannot connect to the SMTP server 127.0.0.1:" in (result.error or "")
        assert SMTP_PASSWORD not in repr(result)
    no_smtp = send(parse_channel({"type": "email", "to": "a@example.com"}), alert())
    assert not no_smtp.ok and "no smtp: section" in (no_smtp.error or "")


# ---------------------------------------------------------------- 企业微信


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


# ---------------------------------------------------------------- 钉钉


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


# ---------------------------------------------------------------- 飞书


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


# ---------------------------------------------------------------- webhook


def test_webhook_signed_json() -> None:
    with WebhookReceiver(secret=HOOK_SECRET) as hook:
        channel = parse_channel({"type": "webhook", "url": hook.url, "secret": HOOK_SECRET})
        message = alert(data={"rule": "Dairy days", "as_of": dt.date(2026, 3, 2),
                              "value": 47.5})
        result = send(channel, message)
    assert result.ok and result.detail == "HTTP 200", result
    (got,) = hook.requests
    body = json.loads(got.raw)
    assert set(body) == {"subject", "text", "markdown", "data", "timestamp"}
    assert body["data"] == {"rule": "Dairy days", "as_of": "2026-03-02", "value": 47.5}
    assert got.headers["X-StockLens-Timestamp"] == str(body["timestamp"])
    assert got.headers["X-StockLens-Signature"].startswith("sha256=")


def test_webhook_unsigned_204_and_wrong_secret() -> None:
    with WebhookReceiver(status=204) as hook:
        assert send(parse_channel({"type": "webhook", "url": hook.url}), alert()).detail == \
            "HTTP 204"
    assert "X-StockLens-Signature" not in hook.requests[0].headers
    with WebhookReceiver(secret=HOOK_SECRET) as hook:
        channel = parse_channel({"type": "webhook", "url": hook.url, "secret": "whsec-wrong"})
        result = send(channel, alert())
    assert not result.ok and result.detail == "HTTP 401"
    assert result.error == 'webhook answered HTTP 401: {"error": "bad signature"}'
    assert "whsec-wrong" not in repr(result) + repr(channel)


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


# ---------------------------------------------------------------- rate limits


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


# ---------------------------------------------------------------- retries


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


def test_mail_summary_and_retry_through_deliver(mailbox: SmtpReceiver) -> None:
    smtp = parse_smtp(mailbox.smtp_settings())
    channel = parse_channel({"type": "email", "to": "a@example.com", "rate_limit": 3})
    delivery = deliver(channel, [alert(n) for n in range(1, 6)], smtp=smtp, sleep=Sleeps())
    assert delivery.ok and delivery.messages_sent == 3
    subjects = [m.message["Subject"] for m in mailbox.received]
    assert subjects[:2] == [alert(1).subject, alert(2).subject]
    assert subjects[2].startswith("3 more alerts: ") and alert(5).subject in subjects[2]


# ---------------------------------------------------------------- secrets in logs


def our_log(caplog: pytest.LogCaptureFixture) -> str:
    """What StockLens and the libraries it calls logged (not the test SMTP server's own
    protocol trace, which is the far side's log)."""
    return "\n".join(r.getMessage() for r in caplog.records
                     if not r.name.startswith("mail.log"))


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
