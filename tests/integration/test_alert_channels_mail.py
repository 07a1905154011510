"""E-mail deliveries against a real local SMTP server (aiosmtpd): plain SMTP with AUTH
LOGIN, STARTTLS and SMTP over TLS, attachments that open, headers that cannot be
injected, and failures that say why without showing the password. No mocks.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator

import pytest

from alerts.channels import deliver, parse_channel, parse_smtp, probe_smtp, send
from alerts.message import Message
from tests.integration.alert_channel_support import (
    SMTP_PASSWORD,
    SMTP_USER,
    XLSX,
    Sleeps,
    alert,
    login_mailbox,
    our_log,
    report_message,
)
from tests.integration.receivers.certificates import Certificate, make_certificate
from tests.integration.receivers.files import decode_png, xlsx_rows
from tests.integration.receivers.net import free_port
from tests.integration.receivers.smtp_server import SmtpReceiver


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


@pytest.fixture
def mailbox() -> Iterator[SmtpReceiver]:
    with login_mailbox() as server:
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


def test_mail_summary_and_retry_through_deliver(mailbox: SmtpReceiver) -> None:
    smtp = parse_smtp(mailbox.smtp_settings())
    channel = parse_channel({"type": "email", "to": "a@example.com", "rate_limit": 3})
    delivery = deliver(channel, [alert(n) for n in range(1, 6)], smtp=smtp, sleep=Sleeps())
    assert delivery.ok and delivery.messages_sent == 3
    subjects = [m.message["Subject"] for m in mailbox.received]
    assert subjects[:2] == [alert(1).subject, alert(2).subject]
    assert subjects[2].startswith("3 more alerts: ") and alert(5).subject in subjects[2]
