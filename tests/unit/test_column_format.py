"""The one formatter per column and language (issue 24): expected strings computed by hand
from the rules in components/kit/formatting.py `column_format`, in English and Chinese."""

from __future__ import annotations

import pytest

from components.grids.data_grid import column_texts
from components.kit.formatting import (
    axis_title,
    column_format,
    money_text,
    rate_text,
    units_text,
    value_axis,
)

ORDER_VALUES = [9867.57, 10300.0, 254000.0, 4770.28, None]


def texts(kind: str, values: list[object], lang: str) -> list[str]:
    fmt = column_format(kind, values, lang)
    return [fmt(v) for v in values]


def test_money_column_in_english_takes_one_scale_from_its_median() -> None:
    # non-zero magnitudes sorted: 4770.28, 9867.57, 10300, 254000 → median (upper) 10300
    # → K; 10.3 is between 10 and 100 of the scale → one decimal
    assert texts("money", ORDER_VALUES, "en") == ["¥9.9K", "¥10.3K", "¥254.0K", "¥4.8K", "—"]


def test_money_column_in_chinese_uses_wan() -> None:
    # median 10300 → 万 (1e4); 1.03 < 10 → two decimals
    assert texts("money", ORDER_VALUES, "zh") == ["¥0.99万", "¥1.03万", "¥25.40万", "¥0.48万",
                                                  "—"]


def test_a_column_reaching_thousands_of_its_scale_drops_the_decimals() -> None:
    # median 60,000 → K with one decimal; the largest, 39,247.3K, reaches 1,000 K: none
    values = [35200.0, 20000.0, 60000.0, 4840300.0, 39247300.0]
    assert texts("money", values, "en") == ["¥35K", "¥20K", "¥60K", "¥4,840K", "¥39,247K"]
    # in zh the same column is in 万: median 6万 → two decimals, one fewer for 3,924.73万
    assert texts("money", values, "zh") == ["¥3.5万", "¥2.0万", "¥6.0万", "¥484.0万",
                                            "¥3,924.7万"]


def test_small_money_stays_whole_yuan_and_zero_is_plain() -> None:
    assert texts("money", [12.4, 987.5, 0.0, -40.0], "en") == ["¥12", "¥988", "¥0", "-¥40"]
    # a scaled column shows zero without a scale: "¥0", not "¥0.00K"
    assert texts("money", [0.0, 5000.0, 7000.0], "en") == ["¥0", "¥5.00K", "¥7.00K"]


def test_units_are_whole_counts() -> None:
    # the reorder point of issue 24: 52.7 units is shown as 53, with its neighbours
    assert texts("units", [52.7, 1234.4, 8.2], "en") == ["53", "1,234", "8"]
    # large counts scale like the cards: median 20,217.6 → K, 20.2 → one decimal
    assert texts("units", [20217.6, 31000.0], "en") == ["20.2K", "31.0K"]
    assert texts("units", [20217.6, 31000.0], "zh") == ["2.02万", "3.10万"]


def test_days_rates_percent_and_times() -> None:
    assert texts("days", [3.25, 12.0, 45.55], "en") == ["3.2", "12.0", "45.5"]
    assert texts("days", [120.4, 365.0], "en") == ["120", "365"]
    assert texts("number", [0.354, 1.5, 7.0], "en") == ["0.35", "1.50", "7.00"]
    assert texts("number", [35.44, 80.0], "en") == ["35.4", "80.0"]
    assert texts("percent", [0.8, 0.123, None], "zh") == ["80.0%", "12.3%", "—"]
    assert texts("times", [10.428571, 2.5], "en") == ["10.43×", "2.50×"]
    assert texts("times", [10.428571, 2.5], "zh") == ["10.43 次", "2.50 次"]


def test_grid_column_texts_dates_and_text_unchanged() -> None:
    from datetime import date

    assert column_texts("date", [date(2026, 12, 6), None], "en") == ["2026-12-06", "—"]
    assert column_texts("int", [3.0, 1200.0], "en") == ["3", "1,200"]
    assert column_texts("money", ORDER_VALUES, "en")[0] == "¥9.9K"


def test_card_texts() -> None:
    assert money_text(10300.0, "en") == "¥10.3K"
    assert money_text(10300.0, "zh") == "¥1.03万"
    assert units_text(567123.0, "en") == "567K"
    assert units_text(52.7, "en") == "53"
    assert rate_text(20217.6) == "20,218"  # "units per day", no decimals on thousands
    assert rate_text(3.14159) == "3.1"


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", ["¥0", "¥50万", "¥100万", "¥150万", "¥200万", "¥250万"]),
    ("en", ["¥0", "¥0.5M", "¥1.0M", "¥1.5M", "¥2.0M", "¥2.5M"]),
])
def test_money_axis_reads_like_the_cards(lang: str, expected: list[str]) -> None:
    # 0 … 2.3M: five steps of 0.5M (2.3M / 5 = 0.46M → the next nice step, 0.5M)
    axis = value_axis("inventory_value", lang, 0.0, 2.3e6)
    assert axis["ticktext"] == expected
    assert axis["tickvals"] == [0.0, 5e5, 1e6, 1.5e6, 2e6, 2.5e6]


def test_axis_titles_carry_the_unit() -> None:
    assert axis_title("revenue", "en") == "Revenue (¥)"
    assert axis_title("revenue", "zh") == "销售额 (元)"
    assert axis_title("turnover_days", "en") == "Turnover days"  # the unit is in the name
