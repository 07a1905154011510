"""The thresholds page's form: what people type becomes stored values, untouched rows are
not saved, and every problem names its metric."""

from __future__ import annotations

import pytest

from app_state.thresholds import ThresholdChange
from components.admin.threshold_form import entry_text, originals_for, parse_entry, read_form
from metrics.registry import Thresholds
from metrics.thresholds import NO_OVERRIDES, ThresholdSet


def test_typed_numbers_are_read_forgivingly() -> None:
    assert parse_entry("70") == 70.0
    assert parse_entry(" 1,000 ") == 1000.0
    assert parse_entry("７０％") == 70.0  # full-width digits and percent sign (Chinese IME)
    assert parse_entry("12.5%") == 12.5
    assert parse_entry("") is None and parse_entry(None) is None and parse_entry("abc") is None


def test_limits_are_shown_on_the_typing_scale() -> None:
    assert entry_text("sell_through", 0.07) == "7"
    assert entry_text("turnover", 365 / 35) == "10.43"  # rounded like its "≥ 10.43×" label
    assert entry_text("turnover_days", 1000.0) == "1000"
    assert entry_text("revenue", None) == ""


def test_what_is_shown_is_what_is_in_force_in_the_scope() -> None:
    overrides = ThresholdSet({"turnover_days": Thresholds(40, 70)},
                             {"Snacks": {"turnover_days": Thresholds(20, 30)}})
    assert originals_for(None, overrides)["turnover_days"] == {
        "good": "40", "bad": "70", "good_value": 40, "bad_value": 70}
    assert originals_for("Snacks", overrides)["turnover_days"]["good"] == "20"
    assert originals_for("Dairy", overrides)["turnover_days"]["good"] == "40"
    assert originals_for(None, NO_OVERRIDES)["revenue"]["good"] == ""


def test_only_changed_rows_are_saved_and_untouched_fields_keep_exact_values() -> None:
    shown = originals_for(None, NO_OVERRIDES)
    typed = {m: (v["good"], v["bad"]) for m, v in shown.items()}
    typed["turnover"] = ("12", shown["turnover"]["bad"])  # bad left at 6.0833 (365/60)
    typed["sell_through"] = ("80", "60")
    form = read_form(typed, shown, "Snacks", "en")
    assert form.problems == [] and form.invalid == set()
    assert form.changes[0] == ThresholdChange("turnover", "Snacks", 12.0, 365 / 60)
    assert form.changes[1].metric_id == "sell_through"
    assert form.changes[1].good == pytest.approx(0.8) and form.changes[1].bad == pytest.approx(0.6)
    assert len(form.changes) == 2


def test_every_problem_is_reported_by_metric() -> None:
    shown = originals_for(None, NO_OVERRIDES)
    typed = {"turnover_days": ("abc", "60"), "sell_through": ("40", "60"),
             "revenue": ("1000", ""), "gmroi": ("3", "2")}
    form = read_form(typed, shown, None, "en")
    assert form.problems == [
        "Turnover days: the target must be a number.",
        "Sell-through: higher is better, so the target (40%) must be at least the alert "
        "level (60%).",
        "Revenue: the alert level must be a number."]
    assert form.invalid == {"turnover_days", "sell_through", "revenue"}
    assert form.changes == []  # gmroi unchanged (3 / 2 are its defaults)
