"""Wall refreshes send only what changed, and a part's health says when its values are a
stale copy from the query cache."""

from __future__ import annotations

from datetime import UTC, datetime

import dash
import pandas as pd
from dash import html

from components.kit.render_memo import fingerprint, rendered
from components.wall.wall_refresh import (
    HEALTHY,
    health,
    keep,
    only_changed,
    outage,
)
from components.wall.wall_theme import font_size
from service import ALL_DATA


def test_unchanged_outputs_are_no_update_and_the_memo_follows() -> None:
    first = {"a": html.Div("38.3 days"), "b": {"x": [1, 2]}}
    values, memo = only_changed(first, None)
    assert values == [first["a"], first["b"]] and set(memo) == {"a", "b"}

    same = {"a": html.Div("38.3 days"), "b": {"x": [1, 2]}}  # equal content, new objects
    values, unchanged = only_changed(same, memo)
    assert values == [dash.no_update, dash.no_update] and unchanged is dash.no_update

    moved = {"a": html.Div("39.0 days"), "b": {"x": [1, 2]}}
    values, memo2 = only_changed(moved, memo)
    assert values == [moved["a"], dash.no_update]
    assert memo2["a"] != memo["a"] and memo2["b"] == memo["b"]


def test_fingerprints_see_classes_and_figures() -> None:
    assert fingerprint(html.Div("x", className="good")) != fingerprint(
        html.Div("x", className="bad"))
    assert fingerprint({"b": 1, "a": 2}) == fingerprint({"a": 2, "b": 1})


def test_health_of_fresh_and_stale_frames() -> None:
    fresh = pd.DataFrame({"v": [1.0]})
    assert health([fresh], "wall-test-source") == HEALTHY
    read_at = datetime(2026, 11, 21, 6, 5, tzinfo=UTC)
    older = datetime(2026, 11, 21, 6, 1, tzinfo=UTC)
    stale, staler = fresh.copy(), fresh.copy()
    stale.attrs["stale_since"], staler.attrs["stale_since"] = read_at, older
    found = health([fresh, stale, staler], "wall-test-source")
    assert found["ok"] is False and found["since"] == older.isoformat()


def test_outage_without_any_copy_keeps_the_message() -> None:
    found = outage(RuntimeError("cannot connect to db:5432"), "wall-test-source")
    assert found == {"ok": False, "since": None, "message": "cannot connect to db:5432"}


def test_health_is_sent_only_when_it_changes() -> None:
    assert keep(HEALTHY, {"ok": True}) is dash.no_update
    assert keep(None, HEALTHY) == HEALTHY


def test_chart_text_follows_the_screen_height() -> None:
    assert font_size(None) == font_size({"h": 1080}) == 23
    assert font_size({"h": 2160}) == 45
    assert font_size({"h": "tall"}) == 23 and font_size({"h": 200}) == 12


def test_a_part_is_rendered_once_per_inputs_and_frame_values() -> None:
    builds: list[str] = []

    def build(text: str):
        def run() -> dict[str, object]:
            builds.append(text)
            return {"a": html.Div(text)}
        return run

    frame = pd.DataFrame({"sku": ["A", "B"], "units": [3.0, 4.0]})
    part = f"test-part-{datetime.now(UTC).timestamp()}"  # no entry left by another test
    first, prints = rendered(part, ["en", 23], [frame], build("one"), principal=ALL_DATA)
    again, prints2 = rendered(part, ["en", 23], [frame.copy()], build("two"),
                              principal=ALL_DATA)
    assert builds == ["one"] and again is first and prints2 == prints
    assert prints == {"a": fingerprint(html.Div("one"))}
    stale = frame.copy()
    stale.attrs["stale_since"] = datetime(2026, 1, 1, tzinfo=UTC)  # same numbers
    rendered(part, ["en", 23], [stale], build("three"), principal=ALL_DATA)
    assert builds == ["one"]
    changed = frame.assign(units=[3.0, 5.0])
    rendered(part, ["en", 23], [changed], build("four"), principal=ALL_DATA)
    rendered(part, ["zh", 23], [frame], build("five"), principal=ALL_DATA)
    rendered(part, ["en", 23], [frame.rename(columns={"units": "qty"})], build("six"),
             principal=ALL_DATA)
    assert builds == ["one", "four", "five", "six"]
    values, _ = only_changed(*rendered(part, ["en", 23], [frame], build("x"),
                                       principal=ALL_DATA)[:1], None, prints)
    assert values == [first["a"]]
