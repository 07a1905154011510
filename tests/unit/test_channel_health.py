"""A channel whose last five sends failed is listed on the Sources page; one success in
those five clears it."""

from __future__ import annotations

from app_state import alerts as store
from components.admin.channel_health import channel_health


def _sends(channel: str, results: list[bool]) -> None:
    for i, ok in enumerate(results):
        store.log_entry("Dairy days", "", "firing", "45", channel, ok,
                        "sent" if ok else f"HTTP 500 (try {i})")


def test_five_failures_in_a_row_show_and_a_success_clears() -> None:
    _sends("dingtalk https://oapi.dingtalk.com/robot/send?access_token=****", [True] + [False] * 5)
    _sends("email to ops@example.com", [False] * 4 + [True])
    _sends("webhook http://127.0.0.1:9/hook", [False] * 4)  # only four so far
    failing = store.failing_channels()
    assert list(failing) == ["dingtalk https://oapi.dingtalk.com/robot/send?access_token=****"]
    assert failing[next(iter(failing))] == "HTTP 500 (try 5)"  # the latest error
    panel = channel_health(failing, "en")
    assert panel is not None and "1 failing" in str(panel) and "HTTP 500 (try 5)" in str(panel)
    assert channel_health({}, "en") is None
    assert "个失败" in str(channel_health(failing, "zh"))
