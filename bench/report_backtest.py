"""The forecast backtest's section of bench/REPORT.md, from bench/results/backtest.json
(written by bench/backtest.py)."""

from __future__ import annotations


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def backtest_section(data: dict) -> list[str]:
    by = {(r["category"], r["method"]): r for r in data["rows"]}
    categories = ["(all)", *sorted({c for c, _ in by} - {"(all)"})]
    m = data["machine"]
    lines = [
        "## Demand forecast backtest (`bench/backtest.py`)",
        "",
        f"Measured {data['measured_at']} on {m['cpus']} CPUs, Python {m['python']}, on "
        f"`{data['database']}` in {data['seconds']:.0f} s. Rolling origin: "
        f"{len(data['origins'])} origins ({', '.join(data['origins'])}), each forecasting "
        f"the next {data['horizon']} days of every SKU-location from the data up to it. "
        "Scored per SKU-location and day against units sold, leaving out stockout days "
        "(no stock, no sale: demand unknown). WAPE = Σ|forecast − actual| / Σ actual; "
        "bias = Σ(forecast − actual) / Σ actual (positive: over-forecast). Baseline: "
        "seasonal naive, the same weekday of the last week with stock.",
        "",
        "| category | forecast WAPE | seasonal-naive WAPE | WAPE without yearly index "
        "| forecast bias | baseline bias | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    losers = []
    for category in categories:
        ours, base = by.get((category, "forecast")), by.get((category, "seasonal_naive"))
        flat = by.get((category, "forecast_no_yearly"))
        if ours is None or base is None:
            continue
        wins = ours["wape"] is not None and base["wape"] is not None \
            and ours["wape"] < base["wape"]
        if not wins:
            losers.append(category)
        verdict = "beats the baseline" if wins else "**does not beat the baseline**"
        name = "**overall**" if category == "(all)" else category
        lines.append(
            f"| {name} | {_pct(ours['wape'])} | {_pct(base['wape'])} "
            f"| {_pct(flat['wape'] if flat else None)} | {_signed(ours['bias'])} "
            f"| {_signed(base['bias'])} | {verdict} |")
    lines.append("")
    if "(all)" in losers:
        lines.append("The forecast does **not** beat the seasonal-naive baseline overall.")
    elif losers:
        lines.append("The forecast beats the baseline overall but not in: "
                     + ", ".join(losers) + ".")
    else:
        lines.append("The forecast beats the seasonal-naive baseline overall and in every "
                     "category.")
    lines += ["", "Daily SKU-location demand is mostly intermittent (a sale on fewer than "
              "three days in four for most series), where even a perfect mean forecast "
              "has a WAPE near 100 %: WAPE rewards the median, which for such series is "
              "zero. The comparison with the baseline, not the level, is the point."]
    return lines
