"""What a channel sends: one message, built once per recipient and channel.

Channels (alerts/channels/) turn it into their wire format: an e-mail (subject, text and
HTML body, attachments), a robot's markdown or text, a webhook's JSON. Builders (alert
rules, subscriptions) fill it; they know nothing of the channels.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (robots and webhooks send no files)."""

    filename: str
    content: bytes
    mime_type: str  # e.g. "text/csv", "image/png", "application/vnd.openxmlformats-…"


@dataclass(frozen=True)
class Message:
    """One message. `markdown` is what robots show (WeCom/DingTalk/Feishu markdown);
    `text` the plain fallback and the e-mail's text part; `html` the e-mail's HTML part
    (None: the text part only). `data` is the machine-readable form a webhook posts
    (the rule, the recipient, the values)."""

    subject: str
    text: str
    markdown: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class SendResult:
    """How a send went: ok, the HTTP status or SMTP reply, and the error text (secrets
    masked) when it failed. `batched`: the message went out inside a summary because the
    channel's rate limit was reached."""

    ok: bool
    detail: str
    error: str | None = None
    batched: bool = False
