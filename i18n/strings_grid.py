"""Strings of the metric tables (components/grids/metric_grid.py), in English and Chinese.

Keys under "grid.ag." are AG Grid's own UI texts (filter menus, overlays, screen-reader
labels): the part after the prefix is AG Grid's localeText key. The English values are AG
Grid's defaults, kept here so both languages go through the one table.
"""

STRINGS: dict[str, dict[str, str]] = {
    "grid.total": {"en": "Total", "zh": "合计"},
    "grid.name_of": {"en": "{label} name", "zh": "{label}名称"},
    "grid.rows": {"en": "{n} rows", "zh": "共 {n} 行"},
    "grid.row_one": {"en": "{n} row", "zh": "共 {n} 行"},
    "grid.export_csv": {"en": "CSV", "zh": "CSV"},
    "grid.export_xlsx": {"en": "Excel", "zh": "Excel"},
    "grid.export_csv_title": {
        "en": "Download the rows shown, as sorted and filtered, as a CSV file",
        "zh": "按当前排序和筛选,下载显示的行(CSV 文件)",
    },
    "grid.export_xlsx_title": {
        "en": "Download the rows shown, as sorted and filtered, as an Excel workbook",
        "zh": "按当前排序和筛选,下载显示的行(Excel 工作簿)",
    },
    "grid.empty": {"en": "No rows match these filters.", "zh": "没有符合这些筛选条件的数据。"},
    "grid.filter_percent": {
        "en": "{label} — filter in percent (50 means 50%)",
        "zh": "{label} — 按百分比筛选(50 表示 50%)",
    },
    # AG Grid's own texts (localeText); see the module docstring.
    "grid.ag.filterOoo": {"en": "Filter...", "zh": "筛选…"},
    "grid.ag.equals": {"en": "Equals", "zh": "等于"},
    "grid.ag.notEqual": {"en": "Does not equal", "zh": "不等于"},
    "grid.ag.blank": {"en": "Blank", "zh": "为空"},
    "grid.ag.notBlank": {"en": "Not blank", "zh": "不为空"},
    "grid.ag.empty": {"en": "Choose one", "zh": "请选择"},
    "grid.ag.lessThan": {"en": "Less than", "zh": "小于"},
    "grid.ag.greaterThan": {"en": "Greater than", "zh": "大于"},
    "grid.ag.lessThanOrEqual": {"en": "Less than or equal to", "zh": "小于等于"},
    "grid.ag.greaterThanOrEqual": {"en": "Greater than or equal to", "zh": "大于等于"},
    "grid.ag.inRange": {"en": "Between", "zh": "介于"},
    "grid.ag.inRangeStart": {"en": "From", "zh": "从"},
    "grid.ag.inRangeEnd": {"en": "To", "zh": "到"},
    "grid.ag.contains": {"en": "Contains", "zh": "包含"},
    "grid.ag.notContains": {"en": "Does not contain", "zh": "不包含"},
    "grid.ag.startsWith": {"en": "Begins with", "zh": "开头是"},
    "grid.ag.endsWith": {"en": "Ends with", "zh": "结尾是"},
    "grid.ag.andCondition": {"en": "AND", "zh": "且"},
    "grid.ag.orCondition": {"en": "OR", "zh": "或"},
    "grid.ag.applyFilter": {"en": "Apply", "zh": "应用"},
    "grid.ag.resetFilter": {"en": "Reset", "zh": "重置"},
    "grid.ag.clearFilter": {"en": "Clear", "zh": "清除"},
    "grid.ag.cancelFilter": {"en": "Cancel", "zh": "取消"},
    "grid.ag.blanks": {"en": "(Blanks)", "zh": "(空白)"},
    "grid.ag.invalidNumber": {"en": "Invalid Number", "zh": "数字无效"},
    "grid.ag.noRowsToShow": {"en": "No Rows To Show", "zh": "没有可显示的行"},
    "grid.ag.noMatchingRows": {"en": "No Matching Rows", "zh": "没有匹配的行"},
    "grid.ag.loadingOoo": {"en": "Loading...", "zh": "加载中…"},
    "grid.ag.exportingOoo": {"en": "Exporting...", "zh": "导出中…"},
    "grid.ag.ariaFilterValue": {"en": "Filter Value", "zh": "筛选值"},
    "grid.ag.ariaFilterInput": {"en": "Filter Input", "zh": "筛选输入"},
    "grid.ag.ariaFilterFromValue": {"en": "Filter from value", "zh": "筛选起始值"},
    "grid.ag.ariaFilterToValue": {"en": "Filter to Value", "zh": "筛选结束值"},
    "grid.ag.ariaFilteringOperator": {"en": "Filtering operator", "zh": "筛选条件"},
    "grid.ag.ariaFilterMenuOpen": {"en": "Open Filter Menu", "zh": "打开筛选菜单"},
    "grid.ag.ariaLabelColumnFilter": {"en": "Column Filter", "zh": "列筛选"},
    "grid.ag.ariaColumnFiltered": {"en": "Column Filtered", "zh": "列已筛选"},
    "grid.ag.ariaSortableColumn": {"en": "Press ENTER to sort", "zh": "按回车键排序"},
    "grid.ag.ariaFilterColumn": {"en": "Press CTRL ENTER to open filter",
                                 "zh": "按 CTRL+回车 打开筛选"},
}
