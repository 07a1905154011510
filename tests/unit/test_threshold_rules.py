"""Threshold validation, the typing scale, and which limits are in force (category >
global > default), including the annualized basis and the KPI card that shows them."""

from __future__ import annotations

import math

import pytest

from components.kit.kpi_card import CardSpec, kpi_card
from metrics.registry import METRICS, Thresholds
from metrics.thresholds import (
    ThresholdSet,
    from_entry,
    in_force,
    set_threshold_provider,
    status,
    threshold_category,
    thresholds_for,
    to_entry,
    validate,
)

OVERRIDES = ThresholdSet(
    global_overrides={"turnover_days": Thresholds(good=50, bad=80)},
    category_overrides={"Snacks": {"turnover_days": Thresholds(good=20, bad=30)},
                        "Dairy": {"sell_through": Thresholds(good=0.9, bad=0.8)}},
)


# ---- validation ---------------------------------------------------------------------------

def test_valid_pairs_have_no_problems() -> None:
    assert validate("turnover_days", 30, 60) == []
    assert validate("sell_through", 0.7, 0.5) == []
    assert validate("turnover", 12.0, 12.0) == []  # equal: no amber band, still valid
    assert validate("revenue", 1e6, 5e5) == []  # no default, but a direction: allowed


def test_order_must_follow_the_good_direction_and_names_the_metric() -> None:
    assert validate("sell_through", 0.4, 0.6) == [
        "Sell-through: higher is better, so the target (40%) must be at least the alert "
        "level (60%)."]
    assert validate("turnover_days", 90, 60) == [
        "Turnover days: lower is better, so the target (90) must be at most the alert "
        "level (60)."]
    assert validate("turnover_days", 90, 60, "zh") == [
        "库存周转天数:越低越好,目标值(90)不能高于预警值(60)。"]


def test_both_numbers_must_be_finite() -> None:
    assert validate("gmroi", math.nan, None) == [
        "GMROI: the target must be a number.", "GMROI: the alert level must be a number."]
    assert validate("gmroi", 3.0, math.inf) == ["GMROI: the alert level must be a number."]


def test_ranges_by_unit() -> None:
    assert validate("stockout_rate", 0.02, 1.5) == [
        "Stockout rate: the alert level must be between 0% and 100% (got 150%)."]
    assert validate("days_of_supply", -5, 90) == [
        "Days of supply: the target cannot be negative (got -5)."]


def test_metrics_without_a_direction_cannot_have_thresholds() -> None:
    assert METRICS["received_units"].good is None
    assert validate("received_units", 1, 2) == [
        "Units received: has no better direction, so it cannot have thresholds."]
    assert validate("no_such_metric", 1, 2) == ["no_such_metric: there is no such metric."]


def test_ratios_are_typed_as_percentages_and_stored_as_fractions() -> None:
    assert to_entry("sell_through", 0.7) == pytest.approx(70.0)
    assert from_entry("sell_through", 70.0) == pytest.approx(0.7)
    assert to_entry("turnover_days", 35.0) == 35.0 and from_entry("turnover_days", 35.0) == 35.0


# ---- precedence ---------------------------------------------------------------------------

def test_category_override_wins_over_global_which_wins_over_default() -> None:
    assert in_force("turnover_days", "Snacks", OVERRIDES) == (Thresholds(20, 30), "category")
    assert in_force("turnover_days", "Dairy", OVERRIDES) == (Thresholds(50, 80), "global")
    assert in_force("turnover_days", None, OVERRIDES) == (Thresholds(50, 80), "global")
    assert in_force("sell_through", "Snacks", OVERRIDES) == (Thresholds(0.7, 0.5), "default")
    assert in_force("revenue", None, OVERRIDES) == (None, None)
    # 40 days: alert in Snacks (> 30), on target for all categories (≤ 50)
    assert status("turnover_days", 40.0, None, "Snacks", thresholds=OVERRIDES) == "bad"
    assert status("turnover_days", 40.0, None, "Dairy", thresholds=OVERRIDES) == "good"
    assert status("turnover_days", 40.0, thresholds=OVERRIDES) == "good"
    assert status("turnover_days", 40.0) == "warn"  # no provider: the registry default


def test_the_installed_provider_is_what_status_uses() -> None:
    set_threshold_provider(lambda: OVERRIDES)
    assert thresholds_for("turnover_days") == Thresholds(50, 80)
    assert status("turnover_days", 31.0, 30, "Snacks") == "bad"  # positional days still works
    assert status("sell_through", 0.85, None, "Dairy") == "warn"
    set_threshold_provider(None)
    assert thresholds_for("turnover_days") == Thresholds(35, 60)
    assert status("turnover_days", 31.0, 30, "Snacks") == "good"


def test_annualized_basis_is_kept_for_overrides() -> None:
    """Turnover limits are per year: 0.9 turns in 30 days is 10.95 a year."""
    yearly = ThresholdSet(global_overrides={"turnover": Thresholds(good=12, bad=8)})
    assert status("turnover", 0.9, 30, thresholds=yearly) == "warn"  # 10.95: 8 ≤ v < 12
    assert status("turnover", 1.0, 30, thresholds=yearly) == "good"  # 12.17
    assert status("turnover", 0.6, 30, thresholds=yearly) == "bad"  # 7.3
    assert status("turnover", 0.9, 30) == "good"  # default ≥ 10.43 a year
    assert METRICS["turnover"].threshold_basis == "annualized"


def test_only_a_single_category_has_its_own_limits_on_a_board() -> None:
    assert threshold_category(["Snacks"]) == "Snacks"
    assert threshold_category(()) is None
    assert threshold_category(["Snacks", "Dairy"]) is None


def test_kpi_card_uses_the_category_limits_and_says_so() -> None:
    set_threshold_provider(lambda: OVERRIDES)
    values = {"turnover_days": 40.0}
    snacks = kpi_card(CardSpec("turnover_days"), values, None, 90, "en", "Snacks")
    overall = kpi_card(CardSpec("turnover_days"), values, None, 90, "en")
    assert snacks.className == "kpi-card status-bad"
    assert overall.className == "kpi-card status-good"
    assert snacks.children[-1].children == "Target ≤ 20.0 days · alert > 30.0 days · Snacks"
    assert overall.children[-1].children == "Target ≤ 50.0 days · alert > 80.0 days"
