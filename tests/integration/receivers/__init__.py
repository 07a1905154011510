"""Real local receivers for alert deliveries, one module per kind: an SMTP server
(smtp_server) and HTTP robots that behave like 企业微信 (wecom), 钉钉 (dingtalk), 飞书
(feishu) and a JSON webhook consumer (webhook), on a common base (robot). Reused by every
alert and subscription test, so none of them mocks a channel."""
