"""Strings of the small-screen layout: the collapsed navbar's menu button and the filter
drawer with its button and chips (components/kit/navbar.py, components/filters/)."""

STRINGS: dict[str, dict[str, str]] = {
    "mobile.menu": {"en": "Menu", "zh": "菜单"},
    "mobile.filters": {"en": "Filters", "zh": "筛选"},
    "mobile.filters_active": {"en": "Filters ({n} active)", "zh": "筛选(已选 {n} 项)"},
    "mobile.filters_title": {"en": "Show or change the filters",
                             "zh": "查看或修改筛选条件"},
    "mobile.chips": {"en": "Active filters", "zh": "当前筛选"},
    "mobile.done": {"en": "Done", "zh": "完成"},
    "mobile.close": {"en": "Close the filters", "zh": "关闭筛选"},
    "mobile.chip": {"en": "{dim}: {values}", "zh": "{dim}:{values}"},
    "mobile.chip_join": {"en": ", ", "zh": "、"},
    "mobile.chip_more": {"en": "+{n}", "zh": "另 {n} 项"},
}
