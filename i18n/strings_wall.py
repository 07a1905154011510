"""Strings of the wall screen (/wall): header, panels, alert ticker, stale notice and the
notes on URL parameters that were not used as given."""

STRINGS: dict[str, dict[str, str]] = {
    "wall.all_sites": {"en": "All locations", "zh": "全部网点"},
    "wall.as_of": {"en": "Data as of {date}", "zh": "数据截至 {date}"},
    "wall.period": {"en": "last {days} days ({start} – {end})",
                    "zh": "近 {days} 天({start} 至 {end})"},
    "wall.waiting": {"en": "Waiting for data…", "zh": "正在等待数据…"},
    # panels
    "wall.panel.kpis": {"en": "Key figures", "zh": "关键指标"},
    "wall.panel.trend": {"en": "Trend by week", "zh": "按周趋势"},
    "wall.trend.weeks": {"en": "last {weeks} weeks", "zh": "近 {weeks} 周"},
    "wall.tile.deleted": {"en": "The view of this tile was deleted.",
                          "zh": "该图块的视图已被删除。"},
    # alert ticker
    "wall.alerts": {"en": "Alerts", "zh": "预警"},
    "wall.alert.stockout": {"en": "Out of stock", "zh": "缺货"},
    "wall.alert.running_out": {"en": "Running out", "zh": "即将断货"},
    "wall.alert.new_dead": {"en": "New dead stock", "zh": "新增呆滞"},
    "wall.alert.sold": {"en": "sold {units} in {days} days", "zh": "近 {days} 天售出 {units}"},
    "wall.alert.dead": {"en": "{value} · no sale for {days} days",
                        "zh": "{value} · {days} 天未动销"},
    "wall.alert.none": {"en": "All clear: no stockouts, nothing running out, no new dead stock",
                        "zh": "一切正常:无缺货、无即将断货、无新增呆滞"},
    # outages
    "wall.stale": {"en": "Stale since {time} — the data source is not answering; retrying",
                   "zh": "数据停留在 {time} — 数据源无响应,正在重试"},
    "wall.down": {"en": "The data source is not answering; retrying",
                  "zh": "数据源无响应,正在重试"},
    # URL parameters not used as given
    "wall.note.invalid": {"en": "{param}={value} ignored, using {used}",
                          "zh": "参数 {param}={value} 无效,已使用 {used}"},
    "wall.note.clamped": {"en": "{param}={value} out of range, using {used}",
                          "zh": "参数 {param}={value} 超出范围,已使用 {used}"},
    "wall.note.default": {"en": "the default", "zh": "默认值"},
    "wall.note.unknown_scope": {"en": "no {kind} “{value}” in this data",
                                "zh": "数据中没有{kind}“{value}”"},
    "wall.note.board_missing": {"en": "board {value} not found", "zh": "未找到看板 {value}"},
}
