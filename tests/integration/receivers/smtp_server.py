"""A real SMTP server for mail deliveries (aiosmtpd): plain, STARTTLS or implicit TLS,
with AUTH LOGIN checked when it has a user; every mail it takes is kept in `received`.

    with SmtpReceiver("starttls", username="bi", password="pw", cert=cert) as mail:
        smtp = parse_smtp(mail.smtp_settings())
        ...
        mail.received[0].message["Subject"]
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, Session

from tests.integration.receivers.certificates import Certificate
from tests.integration.receivers.net import LOCALHOST, free_port


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    tls: bool  # the session was encrypted (SMTP_SSL or after STARTTLS)
    login: str | None  # the AUTH user, None without login

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def body(self, subtype: str) -> str:
        """The text ("plain") or "html" body part's content, with the wire's CRLF line
        ends as \n again."""
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return str(part.get_content()).replace("\r\n", "\n")

    def attachments(self) -> dict[str, tuple[str, bytes]]:
        """filename -> (content type, bytes) of every attachment and inline file."""
        found: dict[str, tuple[str, bytes]] = {}
        for part in self.message.walk():
            filename = part.get_filename()
            if filename and not part.is_multipart():
                found[filename] = (part.get_content_type(), part.get_payload(decode=True))
        return found


class _MailHandler:
    def __init__(self, receiver: SmtpReceiver) -> None:
        self.receiver = receiver

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        # Login is enforced here rather than with aiosmtpd's auth_required, which warns
        # when combined with AUTH over plain text (the "plain" mode tests exactly that).
        if self.receiver.username is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.receiver.received.append(ReceivedMail(
            envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.original_content),
            encrypted, login))
        return "250 OK: queued"


class _QuietSession(Session):
    """aiosmtpd logs a deprecation warning each time it fills login_data itself."""

    @property
    def login_data(self) -> Any:
        return self._login_data

    @login_data.setter
    def login_data(self, value: Any) -> None:
        self._login_data = value


class _SMTP(SMTP):
    def _create_session(self) -> Session:
        return _QuietSession(self.loop)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _SMTP(self.handler, **self.SMTP_kwargs)


class SmtpReceiver:
    """aiosmtpd on 127.0.0.1 in one of three modes: "plain" (no TLS), "starttls" (TLS
    required before MAIL and AUTH) or "ssl" (TLS from the first byte). With a username
    and password, AUTH LOGIN (only LOGIN is offered) is required and checked."""

    def __init__(self, mode: str = "plain", *, username: str | None = None,
                 password: str | None = None, cert: Certificate | None = None) -> None:
        if mode not in ("plain", "starttls", "ssl"):
            raise ValueError(mode)
        if mode != "plain" and cert is None:
            raise ValueError(f"{mode} needs a certificate (make_certificate)")
        self.mode, self.username, self.password, self.cert = mode, username, password, cert
        self.port = free_port()
        self.received: list[ReceivedMail] = []
        self.failed_logins: list[str] = []
        kwargs: dict[str, Any] = {
            "server_hostname": "localhost", "auth_exclude_mechanism": ["PLAIN"],
            # implicit TLS ("ssl") is TLS already, but aiosmtpd only counts STARTTLS
            "auth_require_tls": mode == "starttls",
            "authenticator": self._authenticate,
        }
        if mode == "starttls":
            assert cert is not None
            kwargs.update(tls_context=cert.server_context(), require_starttls=True)
        if mode == "ssl":
            assert cert is not None
            kwargs["ssl_context"] = cert.server_context()
        self.controller = _Controller(_MailHandler(self), hostname=LOCALHOST, port=self.port,
                                     **kwargs)

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        if (self.username is not None and login == self.username
                and auth_data.password.decode() == self.password):
            return AuthResult(success=True, auth_data=auth_data.login)
        self.failed_logins.append(login)
        return AuthResult(success=False, handled=False)

    def smtp_settings(self, **overrides: Any) -> dict[str, Any]:
        """The config file's `smtp:` mapping for this server."""
        settings: dict[str, Any] = {
            "host": LOCALHOST, "port": self.port, "from": "StockLens <bi@stocklens.test>",
            "starttls": self.mode == "starttls", "ssl": self.mode == "ssl",
            "timeout_s": 10}
        if self.cert is not None:
            settings["ca_file"] = str(self.cert.cert)
        if self.username is not None:
            settings.update(username=self.username, password=self.password)
        settings.update(overrides)
        return settings

    def __enter__(self) -> SmtpReceiver:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
