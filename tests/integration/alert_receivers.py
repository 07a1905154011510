"""Real local receivers for alert deliveries: an SMTP server (aiosmtpd) and HTTP robots
that behave like 企业微信, 钉钉, 飞书 and a JSON webhook consumer. Reused by every alert and
subscription test, so none of them mocks a channel.

The robots check what the real services check and answer as they do: DingTalk recomputes
the 加签 sign from its own copy of the secret (errcode 310000 on mismatch or a timestamp an
hour off) and allows 20 messages a minute (errcode 660026 beyond); Feishu recomputes its
signature (code 19021) and allows 5 a second, 100 a minute (code 11232); WeCom knows its
key (errcode 93000 otherwise), refuses markdown over 4096 bytes (40058) and more than 20 a
minute (45009); the webhook checks X-StockLens-Signature (HTTP 401). The signatures are
computed here from the services' documentation, never with StockLens's own functions, so
a wrong recipe in StockLens fails the tests. `fail_times` / `always_fail` make a receiver
answer "system busy" for retry tests.

    with DingTalkReceiver(secret="SEC…") as robot:
        channel = parse_channel({"type": "dingtalk", "url": robot.url, "secret": robot.secret})
        ...
        robot.accepted          # the JSON bodies it took

    with SmtpReceiver("starttls", username="bi", password="pw", cert=cert) as mail:
        smtp = parse_smtp(mail.smtp_settings())
        ...
        mail.received[0].message["Subject"]
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import io
import json
import socket
import ssl
import struct
import subprocess
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, Session

LOCALHOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- certificates


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost; `cert` also serves as the
    client's CA file (smtp.ca_file)."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context


def make_certificate(directory: Path) -> Certificate:
    """Generate one with the `cryptography` package, or the openssl command without it."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    try:
        _certificate_with_cryptography(cert, key)
    except ImportError:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True)
    return Certificate(cert, key)


def _certificate_with_cryptography(cert_path: Path, key_path: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address(LOCALHOST)), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


# ---------------------------------------------------------------- SMTP


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


# ---------------------------------------------------------------- HTTP robots


@dataclass
class Received:
    """One request a robot got, and what it answered."""

    path: str
    query: dict[str, str]  # URL-decoded
    query_string: str  # as sent
    headers: dict[str, str]
    raw: bytes
    json: Any
    status: int = 200
    answer: Any = None
    accepted: bool = False


@dataclass
class _Answer:
    status: int
    body: Any
    accepted: bool = False


class HttpReceiver:
    """A ThreadingHTTPServer on a free local port in a daemon thread; subclasses decide
    the answer in `answer`. Every request is recorded in `requests`."""

    path = "/"

    def __init__(self, *, fail_times: int = 0, always_fail: bool = False) -> None:
        self.fail_times, self.always_fail = fail_times, always_fail
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                parts = urlsplit(self.path)
                # parse_qs URL-decodes exactly as the services do ("+" is a space)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                try:
                    body = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    body = None
                got = Received(parts.path, query, parts.query, dict(self.headers.items()),
                               raw, body)
                with receiver._lock:
                    answer = receiver._dispatch(got)
                got.status, got.answer, got.accepted = answer.status, answer.body, answer.accepted
                with receiver._lock:
                    receiver.requests.append(got)
                payload = (answer.body if isinstance(answer.body, bytes)
                           else json.dumps(answer.body, ensure_ascii=False).encode())
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the URL carries the robot's key: keep it out of test output

        self.server = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.port = int(self.server.server_address[1])
        # a short poll so that leaving the `with` block does not wait half a second
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._failures_left = fail_times

    @property
    def base(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    @property
    def accepted(self) -> list[Any]:
        """The JSON bodies of the messages it accepted (delivered)."""
        return [r.json for r in self.requests if r.accepted]

    def _dispatch(self, got: Received) -> _Answer:
        if self.always_fail or self._failures_left > 0:
            self._failures_left -= 1
            return self.busy()
        return self.answer(got)

    def busy(self) -> _Answer:
        return _Answer(503, {"error": "service unavailable"})

    def answer(self, got: Received) -> _Answer:
        raise NotImplementedError

    def __enter__(self) -> HttpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class _Window:
    """Sliding-window counter of accepted messages, as the services rate-limit."""

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def count(self, seconds: float) -> int:
        now = time.monotonic()
        return sum(1 for t in self.times if now - t < seconds)

    def add(self) -> None:
        self.times.append(time.monotonic())


class WeComReceiver(HttpReceiver):
    """企业微信 group robot: /cgi-bin/webhook/send?key=KEY."""

    path = "/cgi-bin/webhook/send"

    def __init__(self, key: str = "wecom-key-8c1f0a77", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.key = key
        self.window = _Window()

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}?key={self.key}"

    def busy(self) -> _Answer:
        return _Answer(200, {"errcode": -1, "errmsg": "system busy"})

    def answer(self, got: Received) -> _Answer:
        if got.path != self.path or got.query.get("key") != self.key:
            return _Answer(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        body = got.json if isinstance(got.json, dict) else {}
        kind = body.get("msgtype")
        limits = {"markdown": 4096, "text": 2048}
        if kind not in limits or not isinstance(body.get(kind), dict):
            return _Answer(200, {"errcode": 40008, "errmsg": "invalid message type"})
        content = body[kind].get("content")
        if not isinstance(content, str) or not content:
            return _Answer(200, {"errcode": 44004, "errmsg": "empty content"})
        if len(content.encode("utf-8")) > limits[kind]:
            return _Answer(200, {"errcode": 40058,
                                 "errmsg": f"{kind}.content exceed max length {limits[kind]}"})
        if self.window.count(60) >= 20:
            return _Answer(200, {"errcode": 45009, "errmsg": "api freq out of limit"})
        self.window.add()
        return _Answer(200, {"errcode": 0, "errmsg": "ok"}, accepted=True)


def dingtalk_expected_sign(secret: str, timestamp: str) -> str:
    """DingTalk's documented recipe, before URL encoding."""
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"),
                      digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingTalkReceiver(HttpReceiver):
    """钉钉 custom robot: /robot/send?access_token=TOKEN[&timestamp=…&sign=…]."""

    path = "/robot/send"

    def __init__(self, access_token: str = "ding-token-5d2e9b", secret: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.access_token, self.secret = access_token, secret
        self.window = _Window()

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}?access_token={self.access_token}"

    def busy(self) -> _Answer:
        return _Answer(200, {"errcode": -1, "errmsg": "系统繁忙"})

    def answer(self, got: Received) -> _Answer:
        if got.path != self.path or got.query.get("access_token") != self.access_token:
            return _Answer(200, {"errcode": 300001, "errmsg": "token is not exist"})
        if self.secret is not None:
            timestamp, sign = got.query.get("timestamp", ""), got.query.get("sign", "")
            if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
                return _Answer(200, {"errcode": 310000,
                                     "errmsg": "invalid timestamp, more: [sign]"})
            if not hmac.compare_digest(sign, dingtalk_expected_sign(self.secret, timestamp)):
                return _Answer(200, {"errcode": 310000, "errmsg": "sign not match, more: "
                                                                  "[ding-doc robot security]"})
        body = got.json if isinstance(got.json, dict) else {}
        kind = body.get("msgtype")
        part = body.get(kind) if isinstance(kind, str) else None
        if kind == "markdown":
            valid = isinstance(part, dict) and bool(part.get("title")) and bool(part.get("text"))
        elif kind == "text":
            valid = isinstance(part, dict) and bool(part.get("content"))
        else:
            valid = False
        if not valid:
            return _Answer(200, {"errcode": 40035, "errmsg": "缺少参数 json"})
        if self.window.count(60) >= 20:
            return _Answer(200, {"errcode": 660026,
                                 "errmsg": "send too fast, exceed 20 times per minute"})
        self.window.add()
        return _Answer(200, {"errcode": 0, "errmsg": "ok"}, accepted=True)


def feishu_expected_sign(secret: str, timestamp: str) -> str:
    """Feishu's documented recipe: the string is the HMAC key, the message empty."""
    string_to_sign = f"{timestamp}\n{secret}"
    digest = hmac.new(string_to_sign.encode("utf-8"), digestmod=hashlib.sha256).digest()
    return base64.b64encode(digest).decode("utf-8")


class FeishuReceiver(HttpReceiver):
    """飞书 custom bot: /open-apis/bot/v2/hook/HOOK_ID. `old_style`: answer StatusCode
    as older deployments do."""

    def __init__(self, hook_id: str = "3f9a2c1e-feishu-hook", secret: str | None = None,
                 old_style: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hook_id, self.secret, self.old_style = hook_id, secret, old_style
        self.window = _Window()

    @property
    def url(self) -> str:
        return f"{self.base}/open-apis/bot/v2/hook/{self.hook_id}"

    def _code(self, code: int, msg: str, accepted: bool = False) -> _Answer:
        if self.old_style and code == 0:
            return _Answer(200, {"Extra": None, "StatusCode": 0, "StatusMessage": "success"},
                           accepted)
        return _Answer(200, {"code": code, "data": {}, "msg": msg}, accepted)

    def busy(self) -> _Answer:
        return self._code(9499, "system busy")

    def answer(self, got: Received) -> _Answer:
        if got.path != f"/open-apis/bot/v2/hook/{self.hook_id}":
            return self._code(19001, "param invalid: incoming webhook access token invalid")
        body = got.json if isinstance(got.json, dict) else {}
        if self.secret is not None:
            timestamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 3600
            if not fresh or not hmac.compare_digest(
                    sign, feishu_expected_sign(self.secret, timestamp)):
                return self._code(19021, "sign match fail or timestamp is not within one "
                                         "hour from current time")
        kind = body.get("msg_type")
        if kind == "text":
            valid = bool((body.get("content") or {}).get("text"))
        elif kind == "interactive":
            valid = isinstance(body.get("card"), dict)
        else:
            valid = False
        if not valid:
            return self._code(9499, "Bad Request")
        if self.window.count(1) >= 5 or self.window.count(60) >= 100:
            return self._code(11232, "frequency limited")
        self.window.add()
        return self._code(0, "success", accepted=True)


class WebhookReceiver(HttpReceiver):
    """A JSON webhook consumer checking X-StockLens-Signature (sha256=hex HMAC of the raw
    body with the shared secret) when it has a secret; answers `status` when it accepts."""

    path = "/stocklens-hook"

    def __init__(self, secret: str | None = None, status: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.secret, self.status = secret, status

    @property
    def url(self) -> str:
        return f"{self.base}{self.path}"

    def answer(self, got: Received) -> _Answer:
        if self.secret is not None:
            expected = "sha256=" + hmac.new(self.secret.encode(), got.raw,
                                            hashlib.sha256).hexdigest()
            given = got.headers.get("X-StockLens-Signature", "")
            if not hmac.compare_digest(given, expected):
                return _Answer(401, {"error": "bad signature"})
        if not isinstance(got.json, dict):
            return _Answer(400, {"error": "not JSON"})
        return _Answer(self.status, b"" if self.status == 204 else {"ok": True}, True)


# ---------------------------------------------------------------- attachment files


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """A small valid RGB PNG (a gradient), written by hand so no imaging library is
    needed to make one."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 60 % 256, y * 80 % 256, 128))
                                        for x in range(width))
                    for y in range(height))  # filter byte 0, then RGB pixels

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def decode_png(data: bytes) -> tuple[int, int]:
    """(width, height) after checking the signature, every chunk's CRC and that the image
    data inflates to exactly the rows the header promises (8-bit, any colour type)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header is not None, "no IHDR"
    width, height, depth, colour = header[:4]
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert depth == 8
    assert len(zlib.decompress(idat)) == height * (1 + width * channels)
    return width, height


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]

