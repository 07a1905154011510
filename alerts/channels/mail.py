"""E-mail through the config file's SMTP server (smtplib): SMTP with STARTTLS, SMTP over
TLS from the first byte (SMTP_SSL), or plain, each with an optional login.

The mail is built with the standard library's EmailMessage: a text part, an HTML
alternative when the message has one, and every Attachment (CSV, xlsx, PNG) as a file. A
PNG the HTML shows as <img src="cid:FILENAME"> travels inline with the HTML instead, so a
subscription's charts appear in the body (and still open as images).

Certificates are verified (the system's CAs, plus smtp.ca_file for an internal CA): an
alert mail carries business numbers and the login, so a server we cannot authenticate
gets nothing. The module is `mail`, not `email`, so it never shadows the standard library.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from alerts.channels._http import finish
from alerts.channels.config import ChannelConfig, SmtpConfig
from alerts.message import Attachment, Message, SendResult


def build_email(sender: str, to: tuple[str, ...], message: Message) -> EmailMessage:
    """The MIME message: multipart/mixed(alternative(text, related(html, inline PNGs)),
    attachments…), collapsed by EmailMessage where a level has one part."""
    mail = EmailMessage()
    # one line: a rule name with a line break must not inject headers (EmailMessage
    # would refuse it with a ValueError, i.e. no mail at all)
    mail["Subject"] = " ".join(message.subject.split())
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "stocklens.local"
    mail["Message-ID"] = make_msgid("stocklens", domain=domain)
    mail.set_content(message.text)
    inline: list[Attachment] = []
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
        inline = [a for a in message.attachments
                  if a.mime_type.startswith("image/") and f"cid:{a.filename}" in message.html]
        if inline:
            html_part = mail.get_payload()[-1]
            for att in inline:
                maintype, subtype = _mime(att)
                html_part.add_related(att.content, maintype=maintype, subtype=subtype,
                                      cid=f"<{att.filename}>", filename=att.filename,
                                      disposition="inline")
    for att in message.attachments:
        if att in inline:
            continue
        maintype, subtype = _mime(att)
        mail.add_attachment(att.content, maintype=maintype, subtype=subtype,
                            filename=att.filename)
    return mail


def _mime(att: Attachment) -> tuple[str, str]:
    maintype, _, subtype = att.mime_type.partition("/")
    if not maintype or not subtype:
        return "application", "octet-stream"
    return maintype.strip(), subtype.split(";")[0].strip()


def tls_context(smtp: SmtpConfig) -> ssl.SSLContext:
    """Verifying context: the system's CAs, plus `ca_file` (an internal CA or, in tests,
    the server's self-signed certificate)."""
    context = ssl.create_default_context()
    if smtp.ca_file is not None:
        context.load_verify_locations(cafile=str(smtp.ca_file))
    return context


def _connect(smtp: SmtpConfig, timeout_s: float) -> smtplib.SMTP:
    """An open, secured and logged-in session (closed again if any step fails)."""
    context = tls_context(smtp) if smtp.ssl or smtp.starttls else None
    conn: smtplib.SMTP | None = None
    try:
        if smtp.ssl:
            conn = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout_s, context=context)
        else:
            conn = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout_s)
            if smtp.starttls:
                conn.ehlo()
                conn.starttls(context=context)
                conn.ehlo()
        if smtp.username:
            conn.login(smtp.username, smtp.password or "")
        return conn
    except BaseException:
        if conn is not None:
            _close(conn)
        raise


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


def _reply(text: bytes | str) -> str:
    return (text.decode("utf-8", "replace") if isinstance(text, bytes) else text).strip()


def _describe(smtp: SmtpConfig, exc: BaseException) -> tuple[str, str]:
    """(detail, error) for a failed SMTP exchange: the SMTP code where there is one and
    a sentence saying what to fix. Order matters: TLS and SMTP errors are OSErrors too."""
    where = f"{smtp.host}:{smtp.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"SMTP {exc.smtp_code}", f"{where} refused the login as {smtp.username!r}: "
                                         f"{exc.smtp_code} {_reply(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{addr}: {code} {_reply(msg)}"
                            for addr, (code, msg) in exc.recipients.items())
        return "SMTP recipients refused", f"{where} refused every recipient ({refused})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if "STARTTLS" in str(exc).upper():
            hint = "set starttls: false, or ssl: true if the port speaks TLS from the start"
        else:
            hint = ("it offers no login on this connection; many servers offer AUTH only "
                    "over TLS (starttls or ssl)")
        return "SMTP not supported", f"{where}: {exc} ({hint})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return (f"SMTP {exc.smtp_code}",
                f"{where} answered {exc.smtp_code} {_reply(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "SMTP disconnected", f"{where} closed the connection: {exc}"
    if isinstance(exc, smtplib.SMTPException):
        return "SMTP error", f"{where}: {type(exc).__name__}: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "TLS not trusted", (f"{where}: the server's certificate is not trusted "
                                   f"({exc.verify_message}); set smtp.ca_file to trust "
                                   f"an internal CA")
    if isinstance(exc, ssl.SSLError):
        return "TLS failed", (f"{where}: TLS failed ({exc.reason or exc}); is ssl/starttls "
                              f"right for port {smtp.port}?")
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout", f"no answer from {where} within the timeout"
    if isinstance(exc, OSError):
        return "no connection", f"cannot connect to the SMTP server {where}: " \
                                f"{exc.strerror or exc}"
    return "error", f"{where}: {type(exc).__name__}: {exc}"


def send_email(channel: ChannelConfig, message: Message, smtp: SmtpConfig | None, *,
               timeout_s: float | None = None) -> SendResult:
    """Send `message` to the channel's `to` through `smtp`; never raises for a delivery
    failure. A server that accepts some recipients and refuses others has delivered
    (retrying would mail the others twice): ok, with the refused ones in the detail."""
    if smtp is None:
        return finish(channel, SendResult(False, "not sent", "no smtp: section in the config "
                                                             "file; e-mail cannot be sent"))
    if not channel.to:
        return finish(channel, SendResult(False, "not sent", "email channel has no `to`"))
    mail = build_email(smtp.sender, channel.to, message)
    try:
        conn = _connect(smtp, timeout_s or smtp.timeout_s)
        try:
            refused = conn.send_message(mail)
        finally:
            _close(conn)
    except (smtplib.SMTPException, OSError) as exc:
        detail, error = _describe(smtp, exc)
        return finish(channel, SendResult(False, detail, smtp.mask(error)))
    detail = f"SMTP 250 accepted for {len(channel.to) - len(refused)} recipient(s)"
    if refused:
        detail += "; refused: " + "; ".join(f"{addr} {code} {_reply(msg)}"
                                            for addr, (code, msg) in refused.items())
    return finish(channel, SendResult(True, smtp.mask(detail)))


def probe_smtp(smtp: SmtpConfig, *, timeout_s: float | None = None) -> SendResult:
    """Connect, secure and log in without sending anything: the check behind "an
    unreachable SMTP server is refused" at start-up and the settings health page."""
    channel = ChannelConfig("email", to=(smtp.label,))  # names the server in the log line
    try:
        conn = _connect(smtp, timeout_s or smtp.timeout_s)
        try:
            code, _text = conn.noop()
        finally:
            _close(conn)
    except (smtplib.SMTPException, OSError) as exc:
        detail, error = _describe(smtp, exc)
        return finish(channel, SendResult(False, detail, smtp.mask(error)))
    return finish(channel, SendResult(True, f"SMTP {code} {smtp.label} reachable"))
