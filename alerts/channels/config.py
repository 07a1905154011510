"""Where alerts go: the config file's `smtp:` mapping and each entry of a rule's `channels:`.

    smtp:
      host: smtp.example.com
      port: 587                 # default 465 with ssl, 587 with starttls, else 25
      from: StockLens <bi@example.com>
      starttls: true            # default true unless ssl
      ssl: false                # SMTP over TLS from the first byte (port 465)
      username: bi@example.com  # optional; login only when given
      password: ${SMTP_PASSWORD}
      ca_file: /etc/ssl/internal-ca.pem   # optional: trust an internal CA as well
    alerts:
      - name: Dairy days
        channels:
          - {type: email, to: [anna@example.com, ops@example.com]}
          - {type: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_KEY}"}
          - {type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=…",
             secret: "${DING_SECRET}"}
          - {type: feishu, url: "https://open.feishu.cn/open-apis/bot/v2/hook/…", secret: …}
          - {type: webhook, url: https://hooks.internal/stocklens, secret: …}

${NAME} / ${NAME:-fallback} are expanded from the environment, as for sources. Every
problem is refused with the rule and the field it is in ("rule 'Dairy days'
channels[0].url: a wecom channel needs a url"), because the person fixing the file has
only that line to go on; secrets, robot keys and tokens never appear in a repr or message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from alerts.channels.masking import mask_text, url_secrets
from data_connectors.config import ConfigError as _SourcesConfigError
from data_connectors.config import interpolate as _interpolate

CHANNEL_TYPES = ("email", "wecom", "dingtalk", "feishu", "webhook")
ROBOT_TYPES = ("wecom", "dingtalk", "feishu")
# Which services sign requests with a shared secret (WeCom group robots do not).
SIGNING_TYPES = ("dingtalk", "feishu", "webhook")
FORMATS = ("markdown", "text")
# What each service allows per robot and minute; a configured rate_limit may only be lower.
SERVICE_LIMITS_PER_MINUTE = {"wecom": 20, "dingtalk": 20, "feishu": 100}
CHANNEL_KEYS = {"type", "url", "secret", "to", "format", "rate_limit"}
SMTP_KEYS = {"host", "port", "from", "starttls", "ssl", "username", "password", "ca_file",
             "timeout_s"}
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


class ConfigError(_SourcesConfigError):
    """A channel or SMTP setting that cannot be used; the message names where (rule and
    field) and what is wrong, with every secret masked. A subclass of the sources'
    ConfigError (itself a ValueError) so the CLI's existing handling reports it too."""


def _expand(value: object, where: str) -> str:
    """A string setting with ${ENV} expanded; the error carries our type and field."""
    try:
        return _interpolate(str(value), where)
    except _SourcesConfigError as exc:
        raise ConfigError(str(exc)) from None


def _bool(raw: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if isinstance(value, bool):
        return value
    text = _expand(value, f"{where}.{key}").strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ConfigError(f"{where}.{key}: expected true or false, found {value!r}")


def _positive_int(value: object, where: str, maximum: int | None = None) -> int:
    try:
        number = int(_expand(value, where)) if not isinstance(value, int) else value
    except ValueError:
        raise ConfigError(f"{where}: expected a whole number, found {value!r}") from None
    if isinstance(number, bool) or number < 1 or (maximum is not None and number > maximum):
        bound = f" between 1 and {maximum}" if maximum is not None else " of at least 1"
        raise ConfigError(f"{where}: expected a whole number{bound}, found {value!r}")
    return number


def _check_keys(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                          f"allowed: {', '.join(sorted(allowed))}")


def parse_addresses(value: object, where: str) -> tuple[str, ...]:
    """`to`: one address, a comma/semicolon-separated string, or a list; each checked, so
    a typo is refused at start-up and not discovered as a bounce at 08:00."""
    items = value if isinstance(value, list | tuple) else [value]
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected e-mail addresses, found {item!r}")
        for part in re.split(r"[,;]", _expand(item, where)):
            part = part.strip()
            if not part:
                continue
            _name, address = parseaddr(part)
            if not _ADDRESS.match(address or ""):
                raise ConfigError(f"{where}: {part!r} is not an e-mail address")
            found.append(part)
    return tuple(found)


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server alerts are sent through. `sender` is the file's `from`."""

    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    timeout_s: float = 30.0

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.password,) if self.password else ()

    def mask(self, text: str) -> str:
        return mask_text(text, self.secrets)

    @property
    def label(self) -> str:
        """How logs and the health page name the server (never the password)."""
        mode = "ssl" if self.ssl else "starttls" if self.starttls else "plain"
        user = f"{self.username}@" if self.username else ""
        return f"smtp://{user}{self.host}:{self.port} ({mode})"

    def __repr__(self) -> str:
        return (f"SmtpConfig(host={self.host!r}, port={self.port}, from={self.sender!r}, "
                f"starttls={self.starttls}, ssl={self.ssl}, username={self.username!r}, "
                f"password={'****' if self.password else None!r})")


def parse_smtp(raw: Any, where: str = "smtp", base: Path | None = None) -> SmtpConfig:
    """The config file's `smtp:` mapping. `base`: the config file's folder, against which
    a relative ca_file is read."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected host, port, from, … found "
                          f"{type(raw).__name__}")
    _check_keys(raw, SMTP_KEYS, where)
    if not raw.get("host"):
        raise ConfigError(f"{where}.host: missing (the SMTP server's name)")
    host = _expand(raw["host"], f"{where}.host").strip()
    if not raw.get("from"):
        raise ConfigError(f"{where}.from: missing (the sender's address)")
    sender = _expand(raw["from"], f"{where}.from").strip()
    if not _ADDRESS.match(parseaddr(sender)[1] or ""):
        raise ConfigError(f"{where}.from: {sender!r} is not an e-mail address")
    use_ssl = _bool(raw, "ssl", False, where)
    starttls = _bool(raw, "starttls", not use_ssl, where)
    if use_ssl and starttls:
        raise ConfigError(f"{where}.starttls: use either ssl (TLS from the start, port 465) "
                          f"or starttls (upgrade, port 587), not both")
    default_port = 465 if use_ssl else 587 if starttls else 25
    port = _positive_int(raw.get("port", default_port), f"{where}.port", 65535)
    username = _expand(raw["username"], f"{where}.username") if raw.get("username") else None
    password = _expand(raw["password"], f"{where}.password") if raw.get("password") else None
    if password and not username:
        raise ConfigError(f"{where}.username: a password is set but no username")
    if username and not password:
        raise ConfigError(f"{where}.password: missing for username {username!r}")
    ca_file = None
    if raw.get("ca_file"):
        ca_file = Path(_expand(raw["ca_file"], f"{where}.ca_file"))
        if base is not None and not ca_file.is_absolute():
            ca_file = base / ca_file
        if not ca_file.is_file():
            raise ConfigError(f"{where}.ca_file: no such file: {ca_file}")
    try:
        timeout = float(raw.get("timeout_s", 30))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}.timeout_s: not a number") from None
    if not 0 < timeout <= 600:
        raise ConfigError(f"{where}.timeout_s: between 0 and 600 seconds")
    return SmtpConfig(host, sender, port, starttls, use_ssl, username, password, ca_file,
                      timeout)


@dataclass(frozen=True)
class ChannelConfig:
    """One place a rule's messages go. `url` and `secret` are credentials (a robot URL
    carries the key/token) and are only ever shown masked: see `label` and `mask`."""

    type: str
    url: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)
    to: tuple[str, ...] = ()
    format: str = "markdown"
    rate_limit: int | None = None  # messages per minute; None: the service's own limit

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential value of this channel, for masking."""
        found = url_secrets(self.url) if self.url else ()
        return (*found, self.secret) if self.secret else found

    def mask(self, text: str) -> str:
        return mask_text(text, self.secrets)

    @property
    def safe_url(self) -> str | None:
        return self.mask(self.url) if self.url else None

    @property
    def label(self) -> str:
        """How logs, the send log and the health page name this channel."""
        if self.type == "email":
            return "email to " + ", ".join(self.to)
        return f"{self.type} {self.safe_url}"

    @property
    def key(self) -> str:
        """A stable id for "the same robot / the same inbox" (rate limits and the health
        page group sends by it) that reveals nothing of the URL: a hash prefix."""
        ident = self.url if self.type != "email" else ",".join(sorted(self.to))
        digest = hashlib.sha256(f"{self.type}\n{ident}".encode()).hexdigest()[:12]
        return f"{self.type}:{digest}"

    def __repr__(self) -> str:
        parts = [f"type={self.type!r}"]
        if self.url:
            parts.append(f"url={self.safe_url!r}")
        if self.secret:
            parts.append("secret='****'")
        if self.to:
            parts.append(f"to={self.to!r}")
        if self.type in ROBOT_TYPES:
            parts.append(f"format={self.format!r}")
        if self.rate_limit is not None:
            parts.append(f"rate_limit={self.rate_limit}")
        return f"ChannelConfig({', '.join(parts)})"


def _check_url(url: str, kind: str, where: str, secrets: tuple[str, ...]) -> None:
    shown = mask_text(url, (*secrets, *url_secrets(url)))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ConfigError(f"{where}: not a valid URL: {shown}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"{where}: a {kind} url must start with http:// or https://, "
                          f"found {shown}")
    if not parts.hostname:
        raise ConfigError(f"{where}: no host in {shown}")
    del port  # parsed only to refuse a non-numeric port
    needed = {"wecom": "key", "dingtalk": "access_token"}.get(kind)
    if needed and f"{needed}=" not in parts.query:
        raise ConfigError(f"{where}: a {kind} robot url carries its {needed}= "
                          f"(copy the robot's whole webhook address), found {shown}")


def parse_channel(data: Any, where: str = "channel") -> ChannelConfig:
    """One entry of a rule's `channels:` list; `where` names it in errors, e.g.
    "rule 'Dairy days' channels[0]"."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with type and url/to, found "
                          f"{type(data).__name__}")
    secret = _expand(data["secret"], f"{where}.secret") if data.get("secret") else None
    masked = (secret,) if secret else ()
    _check_keys(data, CHANNEL_KEYS, where)
    kind = str(data.get("type") or "").strip().lower()
    if not kind:
        raise ConfigError(f"{where}.type: missing; one of {'|'.join(CHANNEL_TYPES)}")
    if kind not in CHANNEL_TYPES:
        raise ConfigError(f"{where}.type: {data.get('type')!r} is not one of "
                          f"{'|'.join(CHANNEL_TYPES)}")
    url = _expand(data["url"], f"{where}.url").strip() if data.get("url") else None
    if kind == "email":
        if url:
            raise ConfigError(f"{where}.url: an email channel has no url (the server is "
                              f"the config file's smtp:); give `to`")
        if secret:
            raise ConfigError(f"{where}.secret: an email channel does not sign; the SMTP "
                              f"password belongs in smtp.password")
        if not data.get("to"):
            raise ConfigError(f"{where}.to: an email channel needs the addresses to send to")
        to = parse_addresses(data["to"], f"{where}.to")
        if not to:
            raise ConfigError(f"{where}.to: an email channel needs the addresses to send to")
    else:
        if not url:
            raise ConfigError(f"{where}.url: a {kind} channel needs a url")
        _check_url(url, kind, f"{where}.url", masked)
        if "to" in data:
            raise ConfigError(f"{where}.to: only an email channel has addresses; a {kind} "
                              f"channel posts to its url")
        if secret and kind not in SIGNING_TYPES:
            raise ConfigError(f"{where}.secret: a {kind} robot does not sign requests "
                              f"(its key is in the url); remove secret")
        to = ()
    fmt = str(data.get("format", "markdown")).strip().lower()
    if "format" in data and kind not in ROBOT_TYPES:
        raise ConfigError(f"{where}.format: only robots ({', '.join(ROBOT_TYPES)}) have a "
                          f"format; the {kind} channel sends text and markdown as they are")
    if fmt not in FORMATS:
        raise ConfigError(f"{where}.format: {data.get('format')!r} is not one of "
                          f"{'|'.join(FORMATS)}")
    limit = None
    if data.get("rate_limit") is not None:
        limit = _positive_int(data["rate_limit"], f"{where}.rate_limit",
                              SERVICE_LIMITS_PER_MINUTE.get(kind))
    return ChannelConfig(kind, url, secret, to, fmt, limit)


def parse_channels(data: Any, where: str = "channels") -> tuple[ChannelConfig, ...]:
    """A rule's whole `channels:` list; `where` is e.g. "rule 'Dairy days' channels"."""
    if not isinstance(data, list) or not data:
        raise ConfigError(f"{where}: expected a list of channels (type: "
                          f"{'|'.join(CHANNEL_TYPES)})")
    return tuple(parse_channel(item, f"{where}[{i}]") for i, item in enumerate(data))
