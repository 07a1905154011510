"""Strings of the board's "Subscribe" dialog."""

STRINGS: dict[str, dict[str, str]] = {
    "subscribe.open": {"en": "Subscribe…", "zh": "订阅…"},
    "subscribe.title": {"en": "E-mail this board on a schedule", "zh": "定期邮件发送此看板"},
    "subscribe.when": {"en": "When", "zh": "时间"},
    "subscribe.when.monday": {"en": "Mondays 09:00", "zh": "每周一 09:00"},
    "subscribe.when.daily": {"en": "Every day 08:00", "zh": "每天 08:00"},
    "subscribe.when.weekdays": {"en": "Weekdays 08:00", "zh": "工作日 08:00"},
    "subscribe.to_me": {"en": "To my e-mail address ({name}); the numbers of my scope.",
                        "zh": "发送到我的邮箱({name});内容为我的数据范围。"},
    "subscribe.address": {"en": "Send to (e-mail address)", "zh": "收件邮箱"},
    "subscribe.skip": {"en": "Skip when there is nothing to report",
                       "zh": "无数据时不发送"},
    "subscribe.confirm": {"en": "Subscribe", "zh": "订阅"},
    "subscribe.cancel": {"en": "Cancel", "zh": "取消"},
    "subscribe.done": {"en": "Subscribed: “{name}”. Manage it on the Alerts page.",
                       "zh": "已订阅:“{name}”。可在预警页面管理。"},
    "subscribe.manage": {"en": "Alerts page", "zh": "预警页面"},
    "subscribe.taken": {"en": "You are subscribed to this board at that time already.",
                        "zh": "您已在该时间订阅了此看板。"},
    "subscribe.need_address": {"en": "Give an e-mail address.", "zh": "请填写邮箱地址。"},
}
