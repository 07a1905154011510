"""All user-visible strings of the web app, in English and Simplified Chinese."""

STRINGS: dict[str, dict[str, str]] = {
    # shell
    "app.name": {"en": "StockLens", "zh": "StockLens 进销存分析"},
    "app.tagline": {"en": "Inventory analytics", "zh": "库存分析"},
    "nav.overview": {"en": "Overview", "zh": "经营总览"},
    "nav.import": {"en": "Import", "zh": "数据导入"},
    "nav.settings": {"en": "Sources", "zh": "数据源"},
    "nav.analysis": {"en": "Analysis", "zh": "分析"},
    "nav.products": {"en": "Products", "zh": "商品分析"},
    "nav.locations": {"en": "Regions & stores", "zh": "区域门店"},
    "nav.channels": {"en": "Channels", "zh": "渠道分析"},
    "nav.ageing": {"en": "Inventory age", "zh": "库龄分析"},
    "nav.slow_movers": {"en": "Slow movers & dead stock", "zh": "滞销与呆滞"},
    "nav.abc": {"en": "ABC analysis", "zh": "ABC分析"},
    "nav.admin": {"en": "Settings", "zh": "设置"},
    "nav.thresholds": {"en": "Thresholds", "zh": "预警阈值"},
    "nav.language": {"en": "中文", "zh": "EN"},
    "nav.language_title": {"en": "切换到中文", "zh": "Switch to English"},
    "nav.source": {"en": "Source: {name}", "zh": "数据源:{name}"},
    "nav.as_of": {"en": "Data to {date}", "zh": "数据截至 {date}"},
    # board
    "board.title": {"en": "Executive overview", "zh": "经营总览"},
    "board.subtitle": {"en": "{start} – {end} · compared with {pstart} – {pend}",
                       "zh": "{start} 至 {end} · 对比 {pstart} 至 {pend}"},
    "board.kpis": {"en": "Key indicators", "zh": "核心指标"},
    "board.trend": {"en": "Monthly trend", "zh": "月度趋势"},
    "board.trend_hint": {"en": "12 months to {end}", "zh": "截至 {end} 的12个月"},
    "board.by_region": {"en": "By region", "zh": "按区域"},
    "board.by_channel": {"en": "By channel", "zh": "按渠道"},
    "board.breakdown_metric": {"en": "Breakdown metric", "zh": "分解指标"},
    "board.trend_metric": {"en": "Trend metric", "zh": "趋势指标"},
    "board.overall": {"en": "All: {value}", "zh": "整体:{value}"},
    "board.empty": {"en": "No data matches these filters.", "zh": "当前筛选条件下没有数据。"},
    "board.error": {"en": "The data source could not be read: {error}",
                    "zh": "无法读取数据源:{error}"},
    # filters
    "filter.period": {"en": "Period", "zh": "时间范围"},
    "filter.dates": {"en": "Dates", "zh": "日期"},
    "filter.region": {"en": "Region", "zh": "区域"},
    "filter.channel": {"en": "Channel", "zh": "渠道"},
    "filter.category": {"en": "Category", "zh": "品类"},
    "filter.all": {"en": "All", "zh": "全部"},
    "filter.reset": {"en": "Reset", "zh": "重置"},
    "preset.last30": {"en": "Last 30 days", "zh": "近30天"},
    "preset.last90": {"en": "Last 90 days", "zh": "近90天"},
    "preset.qtd": {"en": "Quarter to date", "zh": "本季度至今"},
    "preset.ytd": {"en": "Year to date", "zh": "本年至今"},
    "preset.custom": {"en": "Custom", "zh": "自定义"},
    # channel codes
    "channel.store": {"en": "Stores", "zh": "门店"},
    "channel.online": {"en": "Online", "zh": "线上"},
    "channel.wholesale": {"en": "Wholesale", "zh": "批发"},
    "channel.default": {"en": "Unassigned", "zh": "未分配"},
    # KPI cards
    "kpi.vs_previous": {"en": "vs previous {days} days", "zh": "较上期({days}天)"},
    "kpi.no_previous": {"en": "no comparable previous period", "zh": "上期无可比数据"},
    "kpi.pp": {"en": "pp", "zh": "个百分点"},
    "kpi.annualized": {"en": "Annualized {value}", "zh": "年化 {value}"},
    "kpi.share_of_stock": {"en": "{value} of inventory value", "zh": "占库存金额 {value}"},
    "kpi.days_of_supply": {"en": "{value} of supply", "zh": "可售 {value}"},
    "kpi.target_higher": {"en": "Target ≥ {good} · alert < {bad}",
                          "zh": "目标 ≥ {good} · 预警 < {bad}"},
    "kpi.target_lower": {"en": "Target ≤ {good} · alert > {bad}",
                         "zh": "目标 ≤ {good} · 预警 > {bad}"},
    "kpi.target_per_year": {"en": " (per year)", "zh": "(年化)"},
    "status.good": {"en": "On target", "zh": "达标"},
    "status.warn": {"en": "Watch", "zh": "关注"},
    "status.bad": {"en": "Alert", "zh": "预警"},
    "status.none": {"en": "No target", "zh": "未设目标"},
    # units
    "unit.times": {"en": "{value}×", "zh": "{value} 次"},
    "unit.days": {"en": "{value} days", "zh": "{value} 天"},
    "unit.units": {"en": "{value}", "zh": "{value} 件"},
    # loading / misc
    "misc.loading": {"en": "Loading…", "zh": "加载中…"},
    "misc.not_found": {"en": "Page not found", "zh": "页面不存在"},
    "misc.back_home": {"en": "Back to the overview", "zh": "返回经营总览"},
}

# Labels inside dcc.Dropdown (Dash 4 renders these itself; we translate them).
STRINGS.update({
    "dropdown.select_all": {"en": "Select all", "zh": "全选"},
    "dropdown.deselect_all": {"en": "Deselect all", "zh": "取消全选"},
    "dropdown.selected_count": {"en": "{num_selected} selected", "zh": "已选 {num_selected} 项"},
    "dropdown.search": {"en": "Search", "zh": "搜索"},
    "dropdown.clear_search": {"en": "Clear search", "zh": "清除搜索"},
    "dropdown.clear_selection": {"en": "Clear selection", "zh": "清除选择"},
    "dropdown.no_options_found": {"en": "No options found", "zh": "无匹配项"},
})

# Sources (settings) page
STRINGS.update({
    "sources.title": {"en": "Data sources", "zh": "数据源"},
    "sources.subtitle": {"en": "Where the numbers come from, and whether each source answers.",
                         "zh": "数据来自哪里,以及每个数据源是否可用。"},
    "sources.recheck": {"en": "Check again", "zh": "重新检查"},
    "sources.reachable": {"en": "Reachable", "zh": "可连接"},
    "sources.unreachable": {"en": "Unreachable", "zh": "无法连接"},
    "sources.default": {"en": "default", "zh": "默认"},
    "sources.rows": {"en": "Rows", "zh": "行数"},
    "sources.range": {"en": "Data from {first} to {last}", "zh": "数据区间 {first} 至 {last}"},
    "sources.snapshot": {"en": "Latest stock snapshot: {date}", "zh": "最新库存快照:{date}"},
    "sources.no_snapshot": {"en": "No stock snapshot", "zh": "无库存快照"},
    "sources.version": {"en": "Data version {version}", "zh": "数据版本 {version}"},
    "sources.open": {"en": "Open the board", "zh": "打开看板"},
    "sources.checked": {"en": "Checked at {time}", "zh": "检查时间 {time}"},
    "sources.how_to_add": {
        "en": "Sources are configured in a YAML file (serve --config, or STOCKLENS_CONFIG): a "
              "SQLAlchemy URL per source plus a mapping of your tables. `python app.py "
              "check-source` tells what is missing.",
        "zh": "数据源在 YAML 配置文件中定义(serve --config 或 STOCKLENS_CONFIG):每个数据源一个 "
              "SQLAlchemy URL 及表映射。`python app.py check-source` 会指出缺少什么。"},
    "entity.sku": {"en": "SKUs", "zh": "商品"},
    "entity.location": {"en": "Locations", "zh": "门店/仓库"},
    "entity.sales": {"en": "Sales lines", "zh": "销售明细"},
    "entity.receipts": {"en": "Receipts", "zh": "入库明细"},
    "entity.inventory": {"en": "Stock rows", "zh": "库存快照行"},
})

# Import (upload) page
STRINGS.update({
    "import.title": {"en": "Import data", "zh": "数据导入"},
    "import.subtitle": {
        "en": "CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or Excel files. All or nothing: a bad "
              "row imports nothing and is reported by file, line, column and value.",
        "zh": "CSV(UTF-8、带BOM的UTF-8、GBK/GB18030)或 Excel 文件。全部成功才导入:"
              "任何一行有误都不会写入,并按文件、行、列和值报告。"},
    "import.target": {"en": "Into", "zh": "导入到"},
    "import.new_database": {"en": "A new database…", "zh": "新建数据库…"},
    "import.new_name": {"en": "Name of the new database", "zh": "新数据库名称"},
    "import.files": {"en": "Data files", "zh": "数据文件"},
    "import.drop_files": {"en": "Drop sku.csv, location.csv, sales.csv, receipts.csv, "
                                "inventory.csv (or a workbook) here, or click to choose",
                          "zh": "将 sku.csv、location.csv、sales.csv、receipts.csv、inventory.csv"
                                "(或 Excel 工作簿)拖到这里,或点击选择"},
    "import.mapping": {"en": "Mapping (optional)", "zh": "映射文件(可选)"},
    "import.drop_mapping": {"en": "A YAML mapping when your files use other names",
                            "zh": "文件列名与标准模型不同时,上传 YAML 映射"},
    "import.mode": {"en": "When the database already holds data",
                    "zh": "当数据库已有数据时"},
    "import.mode_none": {"en": "Refuse", "zh": "拒绝导入"},
    "import.mode_append": {"en": "Append (never duplicates)", "zh": "追加(不会重复)"},
    "import.mode_replace": {"en": "Replace everything", "zh": "全部替换"},
    "import.run": {"en": "Import", "zh": "开始导入"},
    "import.chosen": {"en": "{n} file(s): {names}", "zh": "{n} 个文件:{names}"},
    "import.need_files": {"en": "Choose at least one data file.", "zh": "请至少选择一个数据文件。"},
    "import.need_name": {"en": "Give the new database a name (letters, digits, - and _).",
                         "zh": "请为新数据库命名(字母、数字、- 和 _)。"},
    "import.not_target": {"en": "{name} is not a database StockLens can write to.",
                          "zh": "{name} 不是可写入的数据库。"},
    "import.done": {"en": "Imported {rows} rows into {name}.", "zh": "已导入 {rows} 行到 {name}。"},
    "import.done_rejected": {"en": "Imported {rows} rows into {name}; {rejected} invalid rows "
                                   "were NOT imported (listed below).",
                             "zh": "已导入 {rows} 行到 {name};"
                                   "{rejected} 行无效数据未导入(见下表)。"},
    "import.rejected": {"en": "Nothing was imported: {summary}", "zh": "未导入任何数据:{summary}"},
    "import.open_board": {"en": "Open the board on {name}", "zh": "在看板中查看 {name}"},
    "import.files_table": {"en": "Files", "zh": "文件"},
    "import.problems_table": {"en": "Problems", "zh": "问题"},
    "import.rejected_table": {"en": "Rejected rows (not imported)", "zh": "被拒绝的行(未导入)"},
    "col.file": {"en": "File", "zh": "文件"},
    "col.entity": {"en": "Entity", "zh": "实体"},
    "col.rows_read": {"en": "Rows read", "zh": "读取行数"},
    "col.rows_imported": {"en": "Imported", "zh": "已导入"},
    "col.rows_rejected": {"en": "Rejected", "zh": "已拒绝"},
    "col.blank_lines": {"en": "Blank lines", "zh": "空行"},
    "col.problem_count": {"en": "Problems", "zh": "问题数"},
    "col.line": {"en": "Line", "zh": "行号"},
    "col.column": {"en": "Column", "zh": "列"},
    "col.value": {"en": "Value", "zh": "值"},
    "col.reason": {"en": "Reason", "zh": "原因"},
})
