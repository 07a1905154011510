"""The builders behind the inventory-age, slow-mover and ABC pages, on small frames with
hand-computed answers, and the Pareto line against the metrics layer's own classes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from components.analysis.abc_summary import CLASS_COLORS, class_cards, class_summary
from components.analysis.ageing_charts import bucket_charts
from components.analysis.insight_cards import ageing_cards, dead_stock_cards
from components.analysis.insight_params import (
    DEFAULT_AGE_BOUNDS,
    DEFAULT_CUTS,
    DEFAULT_DEAD_DAYS,
    age_bounds_of,
    check_cuts,
    cuts_of,
    dead_days_of,
    measure_of,
    or_default,
    parse_age_bounds,
    stack_of,
)
from components.analysis.pareto_chart import pareto_chart, pareto_frame
from components.kit.stacked_bars import stack_table, stacked_bar_chart
from components.kit.stat_card import stat_card
from data_connectors.source import open_duckdb
from i18n import t
from metrics.query import MetricQuery
from tests.service_support import run_query


def _skus(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["abc_class", "sku", "cogs"]).assign(
        sku_name=lambda f: "Name " + f["sku"])


def _texts(component: object) -> list[str]:
    """Every string inside a Dash component tree, depth first."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, list | tuple):
        return [s for c in component for s in _texts(c)]
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else []


# ---- Pareto ---------------------------------------------------------------------------

def test_pareto_ranks_descending_ties_by_sku_and_accumulates_shares() -> None:
    frame = _skus([("C", "S4", 0.0), ("B", "S3", 20.0), ("A", "S1", 50.0),
                   ("B", "S2", 20.0), ("C", "S5", 10.0)])
    ranked = pareto_frame(frame, "cogs")
    assert ranked["sku"].tolist() == ["S1", "S2", "S3", "S5", "S4"]  # S2 before S3: tie
    assert ranked["rank"].tolist() == [1, 2, 3, 4, 5]
    # total 100: 50, 70, 90, 100, 100
    assert ranked["cum_share"].tolist() == pytest.approx([0.5, 0.7, 0.9, 1.0, 1.0])


def test_pareto_share_is_undefined_when_nothing_sold() -> None:
    ranked = pareto_frame(_skus([("C", "S1", 0.0), ("C", "S2", 0.0)]), "cogs")
    assert ranked["cum_share"].isna().all()
    figure = pareto_chart(ranked, "cogs", (0.8, 0.95), "en")
    assert [tr.type for tr in figure.data] == ["bar"]  # no cumulative line, no cut lines
    assert not figure.layout.shapes


def test_pareto_chart_bars_per_class_line_on_second_axis_and_cut_lines() -> None:
    frame = _skus([("A", "S1", 50.0), ("B", "S2", 30.0), ("C", "S3", 20.0)])
    figure = pareto_chart(pareto_frame(frame, "cogs"), "cogs", (0.7, 0.9), "en")
    bars = [tr for tr in figure.data if tr.type == "bar"]
    assert [b.name for b in bars] == ["Class A", "Class B", "Class C"]
    assert [b.marker.color for b in bars] == [CLASS_COLORS[k] for k in "ABC"]
    assert all(b.text is None for b in bars)  # thousands of bars: no text
    assert list(bars[1].x) == [2] and bars[1].customdata[0][0] == "Name S2 (S2)"
    assert bars[1].customdata[0][2] == "80.0%"  # cumulative share shown on hover
    line = next(tr for tr in figure.data if tr.type == "scatter")
    assert line.yaxis == "y2" and list(line.y) == pytest.approx([0.5, 0.8, 1.0])
    cuts = sorted(s.y0 for s in figure.layout.shapes)
    assert cuts == pytest.approx([0.7, 0.9])
    assert all(s.yref == "y2" and s.line.dash == "dash" for s in figure.layout.shapes)


# ---- class counts and shares ---------------------------------------------------------

def test_class_summary_counts_and_shares() -> None:
    frame = _skus([("A", "S1", 50.0), ("B", "S2", 30.0), ("B", "S3", 15.0),
                   ("C", "S4", 5.0)])
    summary = class_summary(frame, "cogs").set_index("abc_class")
    assert summary["skus"].tolist() == [1, 2, 1]
    assert summary["sku_share"].tolist() == pytest.approx([0.25, 0.5, 0.25])
    assert summary["measure"].tolist() == pytest.approx([50.0, 45.0, 5.0])
    assert summary["measure_share"].tolist() == pytest.approx([0.5, 0.45, 0.05])


def test_class_summary_keeps_every_class_and_leaves_undefined_shares_undefined() -> None:
    summary = class_summary(_skus([("A", "S1", 10.0)]), "cogs").set_index("abc_class")
    assert summary.loc["B", "skus"] == 0 and summary.loc["C", "measure"] == 0
    assert summary.loc["B", "measure_share"] == 0
    empty = class_summary(_skus([]), "cogs")
    assert empty["skus"].tolist() == [0, 0, 0]
    assert empty["sku_share"].isna().all() and empty["measure_share"].isna().all()
    cards = class_cards(empty, "cogs", (80, 95), "en")
    assert "— of SKUs" in _texts(cards[0])


def test_class_cards_show_count_shares_and_rules() -> None:
    frame = _skus([("A", "S1", 50.0), ("B", "S2", 30.0), ("B", "S3", 15.0),
                   ("C", "S4", 5.0)])
    cards = class_cards(class_summary(frame, "cogs"), "cogs", (70, 90), "en")
    texts = _texts(cards[1])
    assert "2" in texts and "50.0% of SKUs" in texts
    assert "¥45 · 45.0% of COGS" in texts
    assert "Cumulative share 70% – 90%" in texts
    assert "4" in _texts(cards[3])  # all SKUs


def test_pareto_agrees_with_the_metrics_layer_classes(demo_db: Path) -> None:
    """A SKU is A while the share of the SKUs above it is below the A cut: the cumulative
    share computed for the chart must put every SKU in the class the query gave it."""
    source = open_duckdb(demo_db)
    try:
        end = source.date_range()[1]
        start = date(end.year, 1, 1)
        for measure, cuts in (("cogs", (0.8, 0.95)), ("revenue", (0.6, 0.9))):
            frame = run_query(source, MetricQuery.create(
                [measure], start, end, by=["abc_class", "sku"], abc_measure=measure,
                abc_cuts=cuts))
            ranked = pareto_frame(frame, measure)
            above = ranked["cum_share"] - ranked[measure] / ranked[measure].sum()
            derived = ["A" if a < cuts[0] - 1e-12 else "B" if a < cuts[1] - 1e-12 else "C"
                       for a in above]
            assert derived == ranked["abc_class"].tolist()
            summary = class_summary(frame, measure)
            assert summary["skus"].sum() == len(frame)
            assert summary["measure_share"].sum() == pytest.approx(1.0)
    finally:
        source.dispose()


# ---- stacked bars and the age distribution --------------------------------------------

def test_stack_table_fills_gaps_and_keeps_orders() -> None:
    frame = pd.DataFrame({"age_bucket": ["0-30", "0-30", ">30"], "region": ["E", "W", "E"],
                          "aged_units": [5.0, 3.0, 2.0]})
    table = stack_table(frame, "age_bucket", "region", "aged_units",
                        x_order=["0-30", "31-60", ">30"])
    assert table.index.tolist() == ["0-30", "31-60", ">30"]
    assert table.columns.tolist() == ["E", "W"]  # by total: 7 then 3
    assert table.loc["31-60"].tolist() == [0.0, 0.0]
    assert table.loc[">30", "W"] == 0.0
    figure = stacked_bar_chart(frame, "age_bucket", "region", "aged_units", "en",
                               x_order=["0-30", "31-60", ">30"])
    totals = next(tr for tr in figure.data if tr.type == "scatter")
    assert list(totals.y) == [8.0, 0.0, 2.0] and list(totals.text) == ["8", "0", "2"]
    assert figure.layout.barmode == "stack"


def test_bucket_charts_share_order_and_colours() -> None:
    frame = pd.DataFrame({
        "age_bucket": ["0-30", "0-30", ">365", ">365"],
        "category": ["Snacks", "Spirits", "Snacks", "Spirits"],
        "aged_value": [10.0, 100.0, 1.0, 1.0],
        "aged_units": [50.0, 5.0, 1.0, 1.0],
    })
    by_value, by_units = bucket_charts(frame, "category", ["0-30", "31-60", ">365"], "en")
    for figure in (by_value, by_units):
        bars = [tr for tr in figure.data if tr.type == "bar"]
        assert [b.name for b in bars] == ["Spirits", "Snacks"]  # by value, in both
        assert list(bars[0].x) == ["0-30", "31-60", ">365"]
    assert [b.marker.color for b in by_value.data if b.type == "bar"] == \
        [b.marker.color for b in by_units.data if b.type == "bar"]


# ---- KPI cards ------------------------------------------------------------------------

def test_stat_card_status_from_the_thresholds() -> None:
    assert "status-bad" in stat_card("x", "1", judged=("average_age_days", 200.0)).className
    assert "status-good" in stat_card("x", "1", judged=("average_age_days", 10.0)).className
    assert "status-none" in stat_card("x", "1", judged=("average_age_days", None)).className


def test_ageing_and_dead_stock_cards_show_dashes_for_undefined_values() -> None:
    undefined = dict.fromkeys(("aged_value", "aged_units", "average_age_days",
                               "units_older_than_data"))
    cards = ageing_cards(undefined, date(2025, 5, 1), "en")
    assert [_texts(c)[1] for c in cards] == ["—"] * 4  # label, then the value
    assert "— of the units on hand" in _texts(cards[3])
    assert any("2025-05-01" in s for s in _texts(cards[3]))
    row = {"aged_value": 1000.0, "aged_units": 200.0, "average_age_days": 45.0,
           "units_older_than_data": 50.0}
    assert "25.0% of the units on hand" in _texts(ageing_cards(row, None, "en")[3])
    totals = {"dead_stock_value": None, "dead_stock_share": None, "inventory_value": None}
    dead = dead_stock_cards(0, 0, totals, 90, date(2026, 1, 31), "zh")
    assert [_texts(c)[1] for c in dead] == ["0", "0", "—", "—"]


# ---- page parameters ------------------------------------------------------------------

def test_age_bounds_parse_and_refuse_with_reasons() -> None:
    assert parse_age_bounds("30, 60,90 180") == ((30, 60, 90, 180), None)
    assert parse_age_bounds("7") == ((7,), None)
    assert parse_age_bounds("")[1][0] == "insight.bounds.empty"
    assert parse_age_bounds("30,x")[1] == ("insight.bounds.number",
                                           {"value": "x", "max": 3650})
    assert parse_age_bounds("-5,10")[1][0] == "insight.bounds.number"
    assert parse_age_bounds("60,30")[1][0] == "insight.bounds.order"
    assert parse_age_bounds("30,30")[1][0] == "insight.bounds.order"
    assert parse_age_bounds(",".join(str(i) for i in range(1, 12)))[1][0] == \
        "insight.bounds.count"
    for bad in ("", "30,x", "60,30", ",".join(str(i) for i in range(1, 12))):
        key, values = parse_age_bounds(bad)[1]  # type: ignore[misc]
        assert t(key, "zh", **values) and t(key, "en", **values)
    assert age_bounds_of({"buckets": "oops"}) == DEFAULT_AGE_BOUNDS
    assert age_bounds_of({"buckets": "10,20"}) == (10, 20)


def test_cuts_days_measure_and_stack_from_urls_and_inputs() -> None:
    assert check_cuts(70, 90) == ((70.0, 90.0), None)
    assert check_cuts("82.5", 100) == ((82.5, 100.0), None)
    assert check_cuts(None, 95)[1] == ("insight.abc.cut_missing", {})
    assert check_cuts(96, 95)[1] == ("insight.abc.cut_order", {"a": "96", "b": "95"})
    assert check_cuts(0, 95)[1][0] == "insight.abc.cut_order"
    assert check_cuts(80, 101)[1][0] == "insight.abc.cut_order"
    assert cuts_of({}) == DEFAULT_CUTS == (80.0, 95.0)
    assert cuts_of({"a": "70", "b": "x"}) == DEFAULT_CUTS
    assert cuts_of({"a": "70", "b": "90"}) == (70.0, 90.0)
    assert dead_days_of({"days": "180"}) == 180
    assert dead_days_of({"days": "45"}) == dead_days_of({"days": "x"}) == DEFAULT_DEAD_DAYS
    assert measure_of({"measure": "revenue"}) == "revenue"
    assert measure_of({"measure": "turnover"}) == "cogs"
    assert stack_of({"stack": "region"}) == "region" and stack_of({}) == "category"
    assert or_default(90, 90) is None and or_default(180, 90) == "180"


def test_small_shares_do_not_read_as_zero() -> None:
    row = {"aged_value": 1.0, "aged_units": 200_000.0, "average_age_days": 45.0,
           "units_older_than_data": 73.0}
    assert "<0.1% of the units on hand" in _texts(ageing_cards(row, None, "en")[3])
    row["units_older_than_data"] = 0.0
    assert "0.0% of the units on hand" in _texts(ageing_cards(row, None, "en")[3])
