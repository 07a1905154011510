"""Alerts and subscriptions (预警推送): rules evaluated on a schedule through the query
service — once per recipient, in that recipient's scope — and messages sent to e-mail,
企业微信, 钉钉, 飞书 and webhooks. See README "Alerts and subscriptions"."""
