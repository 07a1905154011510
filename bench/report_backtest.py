"""The forecast's sections of bench/REPORT.md: the backtest (bench/results/backtest.json,
written by bench/backtest.py), the policy replay (replay.json, bench/replay_bench.py) and
the forecast job at scale (forecast_job.json, bench/forecast_job_bench.py)."""

from __future__ import annotations

NAMES = {
    "forecast": "**StockLens** (class-chosen model, pooled profile, yearly index)",
    "forecast_no_yearly": "StockLens without the yearly index",
    "seasonal_naive": "seasonal naive (last week with stock)",
    "naive": "naive (last known day)",
    "moving_average": "moving average (28 known days)",
    "sf_naive": "statsforecast Naive",
    "sf_seasonal_naive": "statsforecast SeasonalNaive(7)",
    "sf_historic_average": "statsforecast HistoricAverage",
    "sf_window_average": "statsforecast WindowAverage(28)",
    "sf_seasonal_window_average": "statsforecast SeasonalWindowAverage(7, 4)",
    "sf_random_walk_drift": "statsforecast RandomWalkWithDrift",
    "sf_croston": "statsforecast CrostonClassic",
    "sf_croston_sba": "statsforecast CrostonSBA",
    "sf_tsb": "statsforecast TSB(0.1, 0.1)",
    "sf_adida": "statsforecast ADIDA",
    "sf_imapa": "statsforecast IMAPA",
    "sf_auto_ets": "statsforecast AutoETS(season 7)",
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _beats(ours: dict, other: dict) -> bool:
    return all(ours[k] is not None and other[k] is not None and ours[k] < other[k]
               for k in ("wape", "mase"))


def dataset_section(data: dict, ds: dict) -> list[str]:
    by = {(r["category"], r["method"]): r for r in ds["rows"]}
    overall = sorted((r for r in ds["rows"] if r["category"] == "(all)"),
                     key=lambda r: (r["wape"] is None, r["wape"]))
    ours = by[("(all)", "forecast")]
    seconds = ds.get("statsforecast_seconds") or {}
    fallbacks = ds.get("statsforecast_fallbacks") or {}
    lines = [
        f"### {ds['name']}: `{ds['database']}`, {ds['series']:,} SKU-location series",
        "",
        f"{len(ds['origins'])} cut-offs ({', '.join(ds['origins'])}), each forecasting the "
        f"next {ds['horizon']} days from the {ds['window']} days up to it; read "
        f"{ds['read_seconds']:.0f} s, StockLens' fits at all cut-offs with the baselines "
        f"{ds['backtest_seconds']:.0f} s (one fit of every series: {ds['fit_seconds']:.2f} s).",
        "",
        "| method | WAPE | MASE | RMSSE | bias | fit time, all cut-offs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in overall:
        method = row["method"]
        time = f"{seconds[method]:.1f} s" if method in seconds else ""
        if fallbacks.get(method):
            time += f" ({fallbacks[method]:,} series fell back to their mean)"
        lines.append(f"| {NAMES.get(method, method)} | {_pct(row['wape'])} "
                     f"| {_num(row['mase'])} | {_num(row['rmsse'])} | {_signed(row['bias'])} "
                     f"| {time} |")
    others = [r for r in overall if r["method"] not in ("forecast", "forecast_no_yearly")]
    losers = [NAMES.get(r["method"], r["method"]) for r in others if not _beats(ours, r)]
    naive = by.get(("(all)", "seasonal_naive"))
    lines.append("")
    verdict = "better than seasonal naive" if naive and _beats(ours, naive) else \
        "**not better than seasonal naive**"
    if losers:
        lines.append(f"StockLens' WAPE and MASE: {verdict}; not better than every other "
                     f"method on both: {', '.join(losers)}.")
    else:
        lines.append(f"StockLens' WAPE and MASE: {verdict}, and better than every other "
                     "method in the table, statsforecast's included.")
    categories = sorted({c for c, _ in by} - {"(all)"})
    if ds["name"] == "demo" and categories:
        lines += ["", "| category | WAPE | seasonal naive | AutoETS | MASE | seasonal naive "
                  "| AutoETS | bias |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for c in categories:
            f, n, e = by.get((c, "forecast")), by.get((c, "seasonal_naive")), \
                by.get((c, "sf_auto_ets"))
            if f is None or n is None:
                continue
            lines.append(
                f"| {c} | {_pct(f['wape'])} | {_pct(n['wape'])} "
                f"| {_pct(e['wape'] if e else None)} | {_num(f['mase'])} | {_num(n['mase'])} "
                f"| {_num(e['mase'] if e else None)} | {_signed(f['bias'])} |")
    classes = ds.get("classes") or {}
    if classes:
        parts = [f"{k.split('|')[0]} → {k.split('|')[1]}: {n:,}" for k, n in
                 sorted(classes.items(), key=lambda kv: -kv[1])]
        chosen = ", ".join(f"{k} → {v}" for k, v in ds.get("choice", {}).items()) or \
            "none (too little history to hold 28 days out: the defaults)"
        lines += ["", "Series at the last cut-off by class and model: " + "; ".join(parts)
                  + ". Cross-validated choices (class | channel → model): " + chosen + "."]
    return lines


def backtest_section(data: dict) -> list[str]:
    if "datasets" not in data:  # a result of the earlier backtest, before issue 20
        return ["## Demand forecast backtest (`bench/backtest.py`)", "",
                "Stale result file: run `bench/backtest.py` again."]
    m = data["machine"]
    sf = data.get("statsforecast") or {}
    lines = [
        "## Demand forecast backtest (`bench/backtest.py`)",
        "",
        f"Measured {data['measured_at']} on {m['cpus']} CPUs, Python {m['python']}, in "
        f"{data['seconds']:.0f} s. Rolling origin: at each cut-off every method sees only "
        "the days up to it and forecasts every SKU-location that existed by then; scored "
        "per SKU-location and day against units sold, leaving out stockout days (no stock, "
        "no sale: demand unknown). WAPE = Σ|forecast − actual| / Σ actual; MASE and RMSSE "
        "(M5) = the mean over series and cut-offs of the MAE (√MSE) divided by the naive "
        "one-step MAE (MSE) in the series' window; bias = Σ(forecast − actual) / Σ actual. "
        "Lower is better; WAPE and MASE reward forecasting the median (zero for most "
        "intermittent series), RMSSE the mean, which replenishment needs.",
        "",
        "statsforecast's models "
        + (f"(statsforecast {sf.get('statsforecast')}, run by statsforecast itself on "
           f"pandas {sf.get('pandas')} in a virtual environment of its own; it requires "
           "pandas < 3, StockLens runs on pandas 3) " if sf else "(not run) ")
        + "get each series from its first known day with stockout days filled by the mean "
          "of the same weekday within four weeks.",
        "",
    ]
    for ds in data["datasets"]:
        lines += [*dataset_section(data, ds), ""]
    return lines


def replay_section(data: dict) -> list[str]:
    m = data["machine"]
    rows = data["rows"]
    actual = next(r for r in rows if r["basis"] == "actual")
    lines = [
        "## Policy replay (`bench/replay_bench.py`)",
        "",
        f"Measured {data['measured_at']} on {m['cpus']} CPUs in {data['seconds']:.0f} s on "
        f"`{data['database']}`, {data['first']} … {data['last']}: from the stock at the end "
        "of the day before, StockLens' forecast is made again every 7 days from the data up "
        "to then; each day goods arrive, demand takes what stock allows (lost sales), and a "
        "SKU-location whose position (on hand + on order) is at or below its reorder point "
        f"orders up to {data['cover_days']} days of cover; an order arrives after the lead "
        "time the supplier really took on the receipt ordered nearest that day. Demand is "
        "what sold, and on days the history cannot tell (no stock; sold out) the mean of the "
        "same weekday within four weeks. Cycle service level = orders with no unmet demand "
        "from the day after the order through its arrival, over the orders placed from day "
        f"{data['warmup_days']} (before, the stock is the real planner's) to "
        f"{data['tail_days']} days before the end (so slow deliveries count too); the real "
        "receipts are scored the same way.",
        "",
        "| policy | target | cycle service level | vs target | fill rate | stockout days "
        "| mean stock value | orders |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row["basis"] == "actual":
            continue
        gap = (row["cycle_service"] - row["service_level"]) * 100
        within = "within 3 pt" if abs(gap) <= 3 else "**outside 3 pt**"
        label = "forecast error" if row["basis"] == "error" else "demand spread"
        lines.append(
            f"| StockLens, safety stock from {label} | {row['service_level'] * 100:g}% "
            f"| {_pct(row['cycle_service'])} | {gap:+.1f} pt ({within}) "
            f"| {_pct(row['fill_rate'])} | {row['stockout_days']:,.0f} "
            f"| ¥{row['stock_value_mean']:,.0f} | {row['cycles']:,.0f} |")
    lines.append(
        f"| what actually happened | | {_pct(actual['cycle_service'])} | "
        f"| {_pct(actual['fill_rate'])} | {actual['stockout_days']:,.0f} "
        f"| ¥{actual['stock_value_mean']:,.0f} | {actual['cycles']:,.0f} |")
    return lines


def forecast_job_section(data: dict) -> list[str]:
    m = data["machine"]
    steps = {s["step"]: s for s in data["steps"]}
    full, inc = steps.get("full"), steps.get("incremental")
    lines = [
        f"## Forecast job at scale {data['scale']:g} (`bench/forecast_job_bench.py`)",
        "",
        f"Measured {data['measured_at']} on {m['cpus']} CPUs, Python {m['python']}, on "
        f"`{data['database']}`; each step in a fresh process with its own state database "
        "and forecast cache. Budget (README, \"Replenishment\"): a full run within "
        f"{data['budget_full_s']:.0f} s, an incremental one within "
        f"{data['budget_incremental_s']:.0f} s.",
        "",
        "| step | series | read | fit + calibration | total | peak RSS | budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, step, budget in (("full run", full, data["budget_full_s"]),
                               (f"incremental ({data['new_days']} new day)", inc,
                                data["budget_incremental_s"])):
        if step is None:
            continue
        verdict = "met" if step["seconds"] <= budget else "**missed**"
        lines.append(f"| {name} ({step['mode']}) | {step['series']:,} | {step['read_s']:.1f} s "
                     f"| {step['fit_s']:.1f} s | {step['seconds']:.1f} s "
                     f"| {step['peak_rss_mb']:,} MB | {verdict} |")
    replay = steps.get("replay")
    if replay:
        lines.append(f"| policy replay, {replay['days']} days, 8 policies | "
                     f"{replay['pairs']:,} | | | {replay['seconds']:.1f} s "
                     f"| {replay['peak_rss_mb']:,} MB | (weekly, after the forecasts) |")
    web = steps.get("web")
    if web:
        lines += ["", f"A small query through the query service every 0.2 s in the same "
                  f"process: p50 {web['alone_p50_ms']} ms / p95 {web['alone_p95_ms']} ms "
                  f"alone, p50 {web['during_p50_ms']} ms / p95 {web['during_p95_ms']} ms "
                  f"({web['requests_during']} requests) while the job thread (its CPU "
                  f"priority lowered) made a full run ({web['job_in_process_s']:.0f} s)."]
    return lines
