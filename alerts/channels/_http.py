"""What the robot and webhook senders share: one POST with a timeout, the answer read as
JSON, failures turned into a SendResult with the channel's secrets masked, and a log line.

A delivery failure never raises: the scheduler sends to many channels in a row and one
dead robot must not stop the others; the SendResult (and the execution log) carry it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import requests

from alerts.channels.config import ChannelConfig
from alerts.channels.masking import mask_text
from alerts.message import SendResult

log = logging.getLogger("stocklens.alerts.channels")


class _MaskUrlCredentials(logging.Filter):
    """urllib3 logs every request line at DEBUG ("POST /robot/send?access_token=…&sign=…"):
    with debug logging switched on, that would write robot credentials to the log. The
    record's text is masked in place; nothing is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        masked = mask_text(record.getMessage())
        if masked != record.getMessage():
            record.msg, record.args = masked, ()
        return True


_URL_FILTER = _MaskUrlCredentials()
for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    if _URL_FILTER not in logging.getLogger(_name).filters:
        logging.getLogger(_name).addFilter(_URL_FILTER)

DEFAULT_TIMEOUT_S = 10.0
USER_AGENT = "StockLens-alerts/1"


class DeliveryFailed(Exception):
    """Raised inside a sender, turned into a failed SendResult by `finish`."""

    def __init__(self, detail: str, error: str) -> None:
        super().__init__(error)
        self.detail = detail
        self.error = error


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    json: Any  # the parsed answer, None when it was not JSON
    text: str


def json_body(payload: dict[str, Any]) -> bytes:
    """UTF-8 JSON with Chinese kept as is (the services count bytes of UTF-8 text);
    values JSON does not know (dates, decimals) as their text."""
    return json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")


def post(channel: ChannelConfig, url: str, body: bytes, *, timeout_s: float,
         headers: dict[str, str] | None = None) -> HttpAnswer:
    """POST `body` as JSON; redirects are not followed (a robot URL never redirects, and
    following one would hand a signed request to another host)."""
    sent_headers = {"Content-Type": "application/json; charset=utf-8",
                    "User-Agent": USER_AGENT, **(headers or {})}
    try:
        response = requests.post(url, data=body, headers=sent_headers, timeout=timeout_s,
                                 allow_redirects=False)
    except requests.Timeout:
        raise DeliveryFailed("timeout", f"no answer from {channel.safe_url} within "
                                        f"{timeout_s:g} s") from None
    except requests.RequestException as exc:
        raise DeliveryFailed("no connection", channel.mask(
            f"cannot reach {channel.safe_url}: {type(exc).__name__}: {exc}")) from None
    text = response.text
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    return HttpAnswer(response.status_code, parsed, text)


def snippet(channel: ChannelConfig, text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return channel.mask(text if len(text) <= limit else text[:limit] + "…")


def robot_result(channel: ChannelConfig, answer: HttpAnswer,
                 code_keys: tuple[str, ...] = ("errcode",),
                 message_keys: tuple[str, ...] = ("errmsg",)) -> SendResult:
    """The robots answer HTTP 200 with a JSON code: 0 is delivered, anything else names
    the problem (e.g. DingTalk 310000 sign not match, WeCom 93000 invalid webhook url)."""
    if not 200 <= answer.status < 300:
        return SendResult(False, f"HTTP {answer.status}",
                          f"{channel.type} answered HTTP {answer.status}: "
                          f"{snippet(channel, answer.text)}")
    data = answer.json if isinstance(answer.json, dict) else None
    if data is None:
        return SendResult(False, f"HTTP {answer.status}",
                          f"{channel.type} answered something that is not JSON: "
                          f"{snippet(channel, answer.text)}")
    code_key = next((k for k in code_keys if k in data), None)
    if code_key is None:
        return SendResult(False, f"HTTP {answer.status}",
                          f"{channel.type} answer has no {'/'.join(code_keys)}: "
                          f"{snippet(channel, answer.text)}")
    code = data[code_key]
    message = next((str(data[k]) for k in message_keys if data.get(k) is not None), "")
    detail = f"HTTP {answer.status} {code_key} {code}"
    if code == 0:
        return SendResult(True, detail)
    said = f"{channel.type} answered {code_key} {code}" + (f": {message}" if message else "")
    return SendResult(False, detail, channel.mask(said))


def finish(channel: ChannelConfig, result: SendResult) -> SendResult:
    """Log the outcome (masked: the detail and error were masked where made, the label
    is) and hand it back."""
    if result.ok:
        log.info("alert sent via %s: %s", channel.label, result.detail)
    else:
        log.warning("alert not sent via %s: %s (%s)", channel.label, result.error,
                    result.detail)
    return result


def failed(channel: ChannelConfig, exc: DeliveryFailed) -> SendResult:
    return finish(channel, SendResult(False, exc.detail, channel.mask(exc.error)))


def cut_utf8(text: str, limit_bytes: int, what: str = "message") -> str:
    """`text` within `limit_bytes` of UTF-8, cut at a character boundary (never half a
    汉字) with a note saying it was cut, so the reader knows to open StockLens."""
    if len(text.encode("utf-8")) <= limit_bytes:
        return text
    note = f"\n\n…(cut: the {what} is longer than this channel allows)"
    room = max(0, limit_bytes - len(note.encode("utf-8")))
    head = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return head + note
