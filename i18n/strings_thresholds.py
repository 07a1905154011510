"""Strings of the thresholds settings page, of threshold validation and of the card note
that says a category's own targets are in use."""

STRINGS: dict[str, dict[str, str]] = {
    # page
    "thresholds.title": {"en": "Thresholds", "zh": "预警阈值"},
    "thresholds.subtitle": {
        "en": "Red / amber / green targets per metric. A saved change applies at once to every "
              "card, chart and grid.",
        "zh": "各指标的红/黄/绿目标。保存后立即作用于所有指标卡、图表和表格。"},
    "thresholds.scope": {"en": "Applies to", "zh": "适用范围"},
    "thresholds.scope_all": {"en": "All categories", "zh": "全部品类"},
    "thresholds.scope_count": {"en": "{category} · {count} set",
                               "zh": "{category} · 已设 {count} 项"},
    "thresholds.scope_hint_all": {
        "en": "Targets for the whole business. A category can have its own, which win when "
              "the board is filtered to that category alone.",
        "zh": "适用于全部业务。单个品类可另设目标,看板只筛选该品类时以品类目标为准。"},
    "thresholds.scope_hint_category": {
        "en": "Targets used when the board is filtered to {category} alone. A metric without "
              "its own value here uses the All-categories value, else the default.",
        "zh": "看板只筛选「{category}」时使用的目标。未单独设定的指标沿用全部品类的值,"
              "否则使用默认值。"},
    "thresholds.legend": {
        "en": "Between the target and the alert level a metric is amber (watch). Percentages "
              "are entered in %; metrics marked “per year” are compared after annualizing the "
              "period's value.",
        "zh": "介于目标值与预警值之间为黄色(关注)。比率按百分比输入;标注“年化”的指标"
              "先将所选期间的值换算为年化值再比较。"},
    "thresholds.stored": {
        "en": "Saved in StockLens's own settings database, never in your data source.",
        "zh": "保存在 StockLens 自己的设置数据库中,不会写入您的数据源。"},
    # table
    "thresholds.col.metric": {"en": "Metric", "zh": "指标"},
    "thresholds.col.direction": {"en": "Better when", "zh": "方向"},
    "thresholds.col.default": {"en": "Default target · alert", "zh": "默认 目标 · 预警"},
    "thresholds.col.good": {"en": "Target (green)", "zh": "目标值(绿)"},
    "thresholds.col.bad": {"en": "Alert level (red)", "zh": "预警值(红)"},
    "thresholds.col.in_force": {"en": "In force", "zh": "当前生效"},
    "thresholds.input_label": {"en": "{metric}: {column}", "zh": "{metric}:{column}"},
    "thresholds.higher": {"en": "Higher is better", "zh": "越高越好"},
    "thresholds.lower": {"en": "Lower is better", "zh": "越低越好"},
    "thresholds.per_year": {"en": "per year", "zh": "年化"},
    "thresholds.default_higher": {"en": "≥ {good} · < {bad}", "zh": "≥ {good} · < {bad}"},
    "thresholds.default_lower": {"en": "≤ {good} · > {bad}", "zh": "≤ {good} · > {bad}"},
    "thresholds.no_default": {"en": "No default", "zh": "无默认值"},
    "thresholds.group_no_default": {
        "en": "No default target: amounts depend on the size of the business. Set your own "
              "where useful.",
        "zh": "以下指标无默认目标:金额和数量取决于业务规模,可按需自行设定。"},
    "thresholds.origin.default": {"en": "Default", "zh": "默认值"},
    "thresholds.origin.global": {"en": "All categories", "zh": "全部品类"},
    "thresholds.origin.category": {"en": "{category} only", "zh": "「{category}」专用"},
    "thresholds.origin.none": {"en": "No target", "zh": "未设目标"},
    "thresholds.also_categories": {"en": "+ category targets: {count}",
                                   "zh": "另有品类目标:{count} 个"},
    "thresholds.unit.ratio": {"en": "%", "zh": "%"},
    "thresholds.unit.days": {"en": "days", "zh": "天"},
    "thresholds.unit.times": {"en": "×", "zh": "次"},
    "thresholds.unit.money": {"en": "¥", "zh": "¥"},
    "thresholds.unit.units": {"en": "units", "zh": "件"},
    "thresholds.unit.count": {"en": "#", "zh": "个"},
    # actions and outcomes
    "thresholds.save": {"en": "Save changes", "zh": "保存修改"},
    "thresholds.reset_metric": {"en": "Reset", "zh": "重置"},
    "thresholds.reset_metric_title": {"en": "Reset this metric ({scope})",
                                      "zh": "重置此指标({scope})"},
    "thresholds.reset_all": {"en": "Reset all in this scope", "zh": "重置此范围全部"},
    "thresholds.reset_all_confirm": {
        "en": "Remove every threshold set for {scope}? The defaults apply again.",
        "zh": "删除为「{scope}」设定的全部阈值?将恢复默认值。"},
    "thresholds.edited": {"en": "Unsaved changes: {count}", "zh": "未保存的修改:{count} 项"},
    "thresholds.saved": {"en": "Saved for {scope}: {metrics}. In use everywhere now.",
                         "zh": "已为「{scope}」保存:{metrics}。已立即生效。"},
    "thresholds.nothing_changed": {"en": "Nothing changed — edit a target or an alert level "
                                         "first.",
                                   "zh": "没有修改:请先编辑目标值或预警值。"},
    "thresholds.not_saved": {"en": "Nothing was saved. Please correct:",
                             "zh": "未保存任何修改,请更正:"},
    "thresholds.reset_one": {"en": "{metric}: the threshold set for {scope} was removed.",
                             "zh": "{metric}:已删除为「{scope}」设定的阈值。"},
    "thresholds.reset_scope": {"en": "Every threshold set for {scope} was removed ({count}).",
                               "zh": "已删除为「{scope}」设定的全部阈值({count} 项)。"},
    "thresholds.store_error": {"en": "The thresholds could not be stored: {error}",
                               "zh": "阈值无法保存:{error}"},
    # validation (metrics/threshold_rules.py)
    "thresholds.field.good": {"en": "target", "zh": "目标值"},
    "thresholds.field.bad": {"en": "alert level", "zh": "预警值"},
    "thresholds.rule.unknown": {"en": "{metric}: there is no such metric.",
                                "zh": "{metric}:没有这个指标。"},
    "thresholds.rule.no_direction": {
        "en": "{metric}: has no better direction, so it cannot have thresholds.",
        "zh": "{metric}:没有好坏方向,不能设定阈值。"},
    "thresholds.rule.number": {"en": "{metric}: the {which} must be a number.",
                               "zh": "{metric}:{which}必须是数字。"},
    "thresholds.rule.percent_range": {
        "en": "{metric}: the {which} must be between 0% and 100% (got {value}).",
        "zh": "{metric}:{which}必须在 0% 到 100% 之间(输入为 {value})。"},
    "thresholds.rule.negative": {"en": "{metric}: the {which} cannot be negative (got {value}).",
                                 "zh": "{metric}:{which}不能为负数(输入为 {value})。"},
    "thresholds.rule.higher": {
        "en": "{metric}: higher is better, so the target ({good}) must be at least the alert "
              "level ({bad}).",
        "zh": "{metric}:越高越好,目标值({good})不能低于预警值({bad})。"},
    "thresholds.rule.lower": {
        "en": "{metric}: lower is better, so the target ({good}) must be at most the alert "
              "level ({bad}).",
        "zh": "{metric}:越低越好,目标值({good})不能高于预警值({bad})。"},
    # KPI card: a category's own targets are in use
    "thresholds.kpi_category": {"en": " · {category}", "zh": " · {category}"},
}
