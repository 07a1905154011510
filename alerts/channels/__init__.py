"""Delivery of alert and subscription messages (alerts.message.Message) to e-mail,
企业微信, 钉钉, 飞书 and JSON webhooks.

    from alerts.channels import parse_smtp, parse_channels, deliver
    smtp = parse_smtp(raw["smtp"])                                     # config file
    channels = parse_channels(rule["channels"], "rule 'Dairy days' channels")
    delivery = deliver(channels[0], messages, sent_last_minute=n, smtp=smtp)

Modules: config (SmtpConfig, ChannelConfig, ConfigError, parsing), masking (secrets out of
text), one sender each (mail, wecom, dingtalk, feishu, webhook), ratelimit (what fits in
a service's limit, the summary of the rest), retry (back-off), send (`send`, `deliver`).
"""

from alerts.channels.config import (
    CHANNEL_TYPES,
    ChannelConfig,
    ConfigError,
    SmtpConfig,
    parse_channel,
    parse_channels,
    parse_smtp,
)
from alerts.channels.mail import build_email, probe_smtp, send_email
from alerts.channels.masking import mask_text
from alerts.channels.ratelimit import (
    Outgoing,
    RateLimit,
    SendPlan,
    plan_sends,
    rate_limit_for,
    summarize,
)
from alerts.channels.retry import DEFAULT_RETRY, NO_RETRY, RetryPolicy, send_with_retry
from alerts.channels.send import Delivery, deliver, send

__all__ = [
    "CHANNEL_TYPES",
    "DEFAULT_RETRY",
    "NO_RETRY",
    "ChannelConfig",
    "ConfigError",
    "Delivery",
    "Outgoing",
    "RateLimit",
    "RetryPolicy",
    "SendPlan",
    "SmtpConfig",
    "build_email",
    "deliver",
    "mask_text",
    "parse_channel",
    "parse_channels",
    "parse_smtp",
    "plan_sends",
    "probe_smtp",
    "rate_limit_for",
    "send",
    "send_email",
    "send_with_retry",
    "summarize",
]
