"""What the alert channel tests (tests/integration/test_alert_channels_*.py) share: the
secrets the receivers check, a recorded back-off, the messages they send, the local
mail server, and the log lines that are StockLens's own.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from alerts.message import Attachment, Message
from tests.integration.receivers.files import png_bytes, xlsx_bytes
from tests.integration.receivers.smtp_server import SmtpReceiver

SMTP_USER, SMTP_PASSWORD = "bi-alerts", "Pa55-smtp-9f8e7d"
DING_SECRET = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f0+/="
FEISHU_SECRET = "fs-Zq9+Y/8x=7w"
HOOK_SECRET = "whsec-4c3b2a1908"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Sleeps(list[float]):
    """An injected sleep that records the back-off instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def alert(n: int = 1, data: dict[str, Any] | None = None) -> Message:
    value = 45 + n
    return Message(
        subject=f"乳品 East: turnover {value} days (> 45) #{n}",
        text=f"Dairy in East: turnover days {value}, threshold 45.",
        markdown=f"### 乳品 Dairy · East\n**Turnover days: {value}** (threshold 45)",
        data=data if data is not None else {"rule": "Dairy days", "value": value, "n": n})


def report_message() -> Message:
    rows = [["region", "category", "turnover_days"], ["East", "乳品", "47.5"],
            ["North", "Snacks", "31"]]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return Message(
        subject="周报: Monday board · 库存周转",
        text="Turnover days East 47.5 (bad)\nNorth 31 (ok)",
        markdown="**Turnover** East 47.5",
        html="<h1>Monday board</h1><p>East <b>47.5</b></p><img src=\"cid:trend.png\">",
        attachments=(
            Attachment("turnover.csv", text.getvalue().encode("utf-8"), "text/csv"),
            Attachment("周转.xlsx", xlsx_bytes([["region", "days"], ["East", 47.5]]), XLSX),
            Attachment("chart.png", png_bytes(6, 4), "image/png"),
            Attachment("trend.png", png_bytes(3, 2), "image/png"),
        ))


def login_mailbox() -> SmtpReceiver:
    """The plain local mail server with AUTH LOGIN as SMTP_USER (start it with `with`)."""
    return SmtpReceiver("plain", username=SMTP_USER, password=SMTP_PASSWORD)


def our_log(caplog: pytest.LogCaptureFixture) -> str:
    """What StockLens and the libraries it calls logged (not the test SMTP server's own
    protocol trace, which is the far side's log)."""
    return "\n".join(r.getMessage() for r in caplog.records
                     if not r.name.startswith("mail.log"))
