"""Browser tab titles (document.title) and the formats of dates on chart axes."""

STRINGS: dict[str, dict[str, str]] = {
    "title.app": {"en": "StockLens", "zh": "StockLens 进销存分析"},
    "title.page": {"en": "StockLens · {page}", "zh": "StockLens · {page}"},
    "title.wall": {"en": "Wall", "zh": "数字大屏"},
    "title.not_found": {"en": "Page not found", "zh": "页面不存在"},
    # a daily date axis (plotly/d3 time format); "" leaves plotly's own ("Aug 9")
    "chart.day_tick": {"en": "", "zh": "%-m月%-d日"},
}
