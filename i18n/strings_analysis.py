"""Strings of the analysis pages: drill-downs, inventory age, slow movers, ABC."""

STRINGS: dict[str, dict[str, str]] = {
    "products.title": {"en": "Products", "zh": "商品分析"},
    "locations.title": {"en": "Regions & stores", "zh": "区域与门店"},
    "channels.title": {"en": "Channels", "zh": "渠道分析"},
    "drill.metric": {"en": "Metric", "zh": "指标"},
    "drill.by_level": {"en": "Breakdown", "zh": "分解"},
    "drill.level_hint": {"en": "{level}: {shown} of {total} shown · click a bar to drill down",
                         "zh": "{level}:显示 {shown}/{total} 项 · 点击柱形下钻"},
    "drill.cross_hint": {"en": "click a bar to filter the page",
                         "zh": "点击柱形筛选整个页面"},
    "drill.trend": {"en": "Monthly trend of the selection", "zh": "当前选择的月度趋势"},
    "drill.table": {"en": "Details", "zh": "明细"},
    "drill.subtitle": {"en": "{start} – {end}", "zh": "{start} 至 {end}"},
    "drill.all.category": {"en": "All categories", "zh": "全部品类"},
    "drill.all.region": {"en": "All regions", "zh": "全部区域"},
    "drill.all.channel": {"en": "All channels", "zh": "全部渠道"},
}
