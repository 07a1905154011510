"""Strings of subscription messages (alerts/subscription_message.py): a saved board or view
sent on a schedule by e-mail or to an IM channel."""

STRINGS: dict[str, dict[str, str]] = {
    "subscription.subject": {"en": "StockLens · {name} · {period}",
                             "zh": "StockLens · {name} · {period}"},
    "subscription.period": {"en": "{preset}, {start} – {end}",
                            "zh": "{preset}({start} 至 {end})"},
    "subscription.period_custom": {"en": "{start} – {end}", "zh": "{start} 至 {end}"},
    "subscription.heading": {"en": "StockLens · {kind}: {name}", "zh": "StockLens · {kind}:{name}"},
    "subscription.label_value": {"en": "{label}: {value}", "zh": "{label}:{value}"},
    "subscription.note": {"en": " ({note})", "zh": "({note})"},
    "subscription.kind.board": {"en": "Board", "zh": "看板"},
    "subscription.kind.view": {"en": "Saved view", "zh": "已保存视图"},
    "subscription.key_figures": {"en": "Key figures", "zh": "关键指标"},
    "subscription.col.metric": {"en": "Metric", "zh": "指标"},
    "subscription.col.value": {"en": "Value", "zh": "数值"},
    "subscription.col.status": {"en": "Status", "zh": "状态"},
    "subscription.col.change": {"en": "Change", "zh": "变化"},
    "subscription.status.good": {"en": "good", "zh": "良好"},
    "subscription.status.warn": {"en": "warning", "zh": "预警"},
    "subscription.status.bad": {"en": "bad", "zh": "异常"},
    "subscription.status.none": {"en": "no target", "zh": "未设目标"},
    "subscription.vs_previous": {"en": "{change} vs previous {days} days",
                                 "zh": "较上期({days}天){change}"},
    "subscription.no_previous": {"en": "no comparable previous period",
                                 "zh": "上期无可比数据"},
    "subscription.prepared_for": {"en": "Prepared for {name}: only the data you may see.",
                                  "zh": "为 {name} 生成:仅包含您有权查看的数据。"},
    "subscription.no_data": {"en": "There is no data in the source yet.",
                             "zh": "数据源中还没有数据。"},
    "subscription.rows_shown": {"en": "First {shown} of {n} rows; all rows are in the attached "
                                      "CSV and Excel files.",
                                "zh": "共 {n} 行,此处显示前 {shown} 行;全部数据见附件 CSV 和 "
                                      "Excel。"},
    "subscription.rows_latest": {"en": "Latest {shown} of {n} rows; all rows are in the "
                                       "attached CSV and Excel files.",
                                 "zh": "共 {n} 行,此处显示最近 {shown} 行;全部数据见附件 CSV 和 "
                                       "Excel。"},
    "subscription.rows_more": {"en": "… {n} rows in all", "zh": "… 共 {n} 行"},
    "subscription.tiles_omitted": {"en": "… and {n} more tiles: see the e-mail or StockLens.",
                                   "zh": "… 另有 {n} 个图块:请查看邮件或 StockLens。"},
    "subscription.charts_attached": {"en": "Charts: {n} PNG images attached.",
                                     "zh": "图表:已附 {n} 张 PNG 图片。"},
    "subscription.charts_none": {"en": "No chart to draw.", "zh": "没有可绘制的图表。"},
    "subscription.charts_unavailable": {
        "en": "The charts could not be drawn on the server ({reason}); the numbers here and "
              "the attached CSV and Excel files are complete.",
        "zh": "服务器未能绘制图表({reason});本消息中的数字及附件 CSV、Excel 均完整。"},
    "subscription.attachments": {"en": "Attached: the rows of each tile as CSV and Excel.",
                                 "zh": "附件:每个图块的数据(CSV 和 Excel)。"},
    "subscription.no_rows": {"en": "No data matches these filters.",
                             "zh": "当前筛选条件下没有数据。"},
}
