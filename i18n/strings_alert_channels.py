"""Strings of the alert-channel health panel (Sources page)."""

STRINGS: dict[str, dict[str, str]] = {
    "alert_channels.title": {"en": "Alert channels", "zh": "预警推送渠道"},
    "alert_channels.failing": {"en": "{n} failing", "zh": "{n} 个失败"},
    "alert_channels.hint": {"en": "The last five sends to these channels all failed: check the "
                            "robot's address and secret or the SMTP settings "
                            "(python app.py alerts log).",
                      "zh": "以下渠道最近五次推送均失败:请检查机器人地址和密钥或 SMTP 设置"
                            "(python app.py alerts log)。"},
}
