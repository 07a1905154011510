"""Sending one message to a rule's channels: the channel's rate limit (from the send log,
shared by every process), retries with back-off, and a result per channel."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from alerts.channels import deliver
from alerts.channels.config import ChannelConfig, SmtpConfig
from alerts.message import Message, SendResult
from app_state import alerts as store


def channel_name(channel: ChannelConfig) -> str:
    """How the log, the CLI and the health page name a channel (secrets masked)."""
    return channel.label


def with_recipients(channel: ChannelConfig, addresses: tuple[str, ...]) -> ChannelConfig:
    """An e-mail channel addressed to a recipient's own address."""
    return replace(channel, to=addresses)


def send_all(channels: tuple[ChannelConfig, ...], message: Message,
             smtp: SmtpConfig | None) -> Iterator[tuple[ChannelConfig, SendResult]]:
    for channel in channels:
        yield channel, send_one(channel, message, smtp)


def send_one(channel: ChannelConfig, message: Message, smtp: SmtpConfig | None) -> SendResult:
    """Within the channel's per-minute limit as the send log counts it (every process
    logs its sends there), with retries and back-off (alerts/channels/retry.py)."""
    if channel.type == "email" and not channel.to:
        return SendResult(False, "not sent", "no e-mail address to send to")
    if channel.type == "email" and smtp is None:
        return SendResult(False, "not sent", "no smtp: section in the config file")
    recent = store.sends_since(channel_name(channel), datetime.now(UTC) - timedelta(seconds=60))
    return deliver(channel, [message], sent_last_minute=recent, smtp=smtp).results[0]
