"""The translation table is complete: every key has zh and en, and placeholders match."""

from __future__ import annotations

import re

from i18n import STRINGS, normalise, t


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in STRINGS.items():
        assert set(entry) == {"en", "zh"}, key
        slots = {lang: set(re.findall(r"\{(\w+)\}", text)) for lang, text in entry.items()}
        assert slots["en"] == slots["zh"], key


def test_language_names_and_lookup() -> None:
    assert normalise("zh-CN") == "zh" and normalise("EN_us") == "en" and normalise("fr") is None
    assert t("board.title", "zh") == "经营总览"
    assert t("kpi.vs_previous", "en", days=30) == "vs previous 30 days"
