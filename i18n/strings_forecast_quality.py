"""Strings of the forecast's evidence on the replenishment page: the safety-stock basis,
the forecast-quality panel, the policy replay chart and the forecast models' names."""

STRINGS: dict[str, dict[str, str]] = {
    # safety-stock basis (page option)
    "repl.safety": {"en": "Safety stock from", "zh": "安全库存依据"},
    "repl.safety.error": {"en": "forecast error", "zh": "预测误差"},
    "repl.safety.demand": {"en": "demand spread", "zh": "需求波动"},
    "repl.safety_hint": {
        "en": "forecast error: what the forecast gets wrong over the (uncertain) lead time; "
              "demand spread: σ of daily demand × √lead time, the textbook formula",
        "zh": "预测误差:预测在(不确定的)交期内的误差;需求波动:日需求标准差 × √交期(教科书公式)"},
    # forecast-quality panel
    "repl.quality": {"en": "Forecast quality, per category",
                     "zh": "预测质量(按品类)"},
    "repl.quality_hint": {
        "en": "the stored forecasts re-made at {n} past cut-offs ({origins}), each from the "
              "data up to it, scored on the next 28 days against seasonal naive (the same "
              "weekday last week) · WAPE = Σ|error| / Σ demand, MASE and RMSSE scaled by "
              "the naive one-step error · lower is better",
        "zh": "在 {n} 个历史截点({origins})用当时为止的数据重新预测,对比之后 28 天的实际销量与"
              "季节性朴素法(上周同日)· WAPE = Σ|误差| / Σ需求,MASE、RMSSE 以朴素一步误差为尺度 · "
              "越低越好"},
    "repl.quality.none": {"en": "The forecast run has not stored its quality figures yet.",
                          "zh": "本次预测尚未保存质量评估。"},
    "repl.quality.overall": {"en": "All categories", "zh": "全部品类"},
    "repl.quality.better": {"en": "beats naive", "zh": "优于朴素法"},
    "repl.quality.worse": {"en": "not better", "zh": "未优于朴素法"},
    "repl.quality.col.category": {"en": "Category", "zh": "品类"},
    "repl.quality.col.wape": {"en": "WAPE", "zh": "WAPE"},
    "repl.quality.col.naive_wape": {"en": "naive WAPE", "zh": "朴素法 WAPE"},
    "repl.quality.col.mase": {"en": "MASE", "zh": "MASE"},
    "repl.quality.col.naive_mase": {"en": "naive MASE", "zh": "朴素法 MASE"},
    "repl.quality.col.rmsse": {"en": "RMSSE", "zh": "RMSSE"},
    "repl.quality.col.bias": {"en": "Bias", "zh": "偏差"},
    "repl.quality.col.verdict": {"en": "", "zh": ""},
    # policy replay
    "repl.replay": {"en": "Policy replay: had we followed StockLens",
                    "zh": "策略回放:如果按 StockLens 补货"},
    "repl.replay_hint": {
        "en": "{first} … {last}: from that day's stock, re-forecast weekly, ordering at the "
              "reorder point with the lead times suppliers really took, against the stock "
              "that actually was; cycle service = orders with no unmet demand until they "
              "arrived",
        "zh": "{first} … {last}:从当日库存出发,每周重新预测,到再订货点即下单,按供应商实际交期到货,"
              "与实际库存对比;周期服务水平 = 到货前未缺货的订单占比"},
    "repl.replay.none": {
        "en": "The policy replay is computed by the forecast job after the forecasts (or "
              "`python app.py replenishment replay`); it needs a stock snapshot before its "
              "first day.",
        "zh": "策略回放由预测任务在预测之后计算(或运行 `python app.py replenishment replay`);"
              "需要回放首日之前的库存快照。"},
    "repl.replay.summary": {
        "en": "At {target}% target: {csl} of cycles without a stockout (actually {actual_csl}), "
              "fill rate {fill} (actually {actual_fill}), mean stock {stock} (actually "
              "{actual_stock}), {out} stockout days (actually {actual_out}).",
        "zh": "目标 {target}% 时:{csl} 的补货周期未缺货(实际 {actual_csl}),满足率 {fill}"
              "(实际 {actual_fill}),平均库存 {stock}(实际 {actual_stock}),缺货 {out} 天次"
              "(实际 {actual_out})。"},
    "repl.replay.error": {"en": "StockLens, safety stock from forecast error",
                          "zh": "StockLens(按预测误差)"},
    "repl.replay.demand": {"en": "StockLens, safety stock from demand spread",
                           "zh": "StockLens(按需求波动)"},
    "repl.replay.actual": {"en": "what actually happened", "zh": "实际情况"},
    "repl.replay.x": {"en": "Mean stock value", "zh": "平均库存金额"},
    "repl.replay.y": {"en": "Cycle service level achieved", "zh": "实际达成的周期服务水平"},
    "repl.replay.hover": {
        "en": "target %{customdata[0]:.3g}%<br>cycle service %{y:.1%}<br>fill rate "
              "%{customdata[1]:.1f}%<br>stock %{x:,.0f}",
        "zh": "目标 %{customdata[0]:.3g}%<br>周期服务水平 %{y:.1%}<br>满足率 "
              "%{customdata[1]:.1f}%<br>库存 %{x:,.0f}"},
    "repl.replay.hover_actual": {
        "en": "actual<br>cycle service %{y:.1%}<br>fill rate %{customdata[0]:.1f}%<br>"
              "stock %{x:,.0f}",
        "zh": "实际<br>周期服务水平 %{y:.1%}<br>满足率 %{customdata[0]:.1f}%<br>"
              "库存 %{x:,.0f}"},
    # the plan grid's new column and the forecast models
    "repl.col.lead_sigma": {"en": "σ over lead time", "zh": "交期内误差σ"},
    "repl.method.ses": {"en": "exponential smoothing", "zh": "指数平滑"},
    "repl.method.sba": {"en": "Croston–SBA (intermittent)", "zh": "Croston-SBA(间歇需求)"},
    "repl.method.tsb": {"en": "TSB (intermittent)", "zh": "TSB(间歇需求)"},
    "repl.method.adida": {"en": "ADIDA (intermittent)", "zh": "ADIDA(间歇需求)"},
    "repl.method.imapa": {"en": "IMAPA (intermittent)", "zh": "IMAPA(间歇需求)"},
    "repl.method.pooled": {"en": "pooled from its category (new or sparse)",
                           "zh": "借用品类水平(新品或稀疏)"},
}
