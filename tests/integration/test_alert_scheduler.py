"""The alert scheduler: due times in each rule's own time zone, exactly once per due time
across processes (two real processes claiming on one state database), catch-up after
downtime without a burst, and nothing run twice after a restart."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alerts.rules import parse_rule
from alerts.scheduler import CATCH_UP, due_rules, due_time
from app_state import alerts as store

ROOT = Path(__file__).resolve().parents[2]
HOOK = {"type": "webhook", "url": "http://127.0.0.1:9/hook"}


def rule(name: str, schedule: str, timezone: str = "Asia/Shanghai"):
    return parse_rule({"name": name, "metric": "revenue", "condition": {"above": 1},
                       "channels": [HOOK], "schedule": schedule, "timezone": timezone})


def test_due_times_are_read_in_the_rules_own_zone() -> None:
    morning = rule("8 am Shanghai", "0 8 * * *")
    # 08:30 in Shanghai is 00:30 UTC: today's 08:00 (00:00 UTC) is due
    assert due_time(morning, datetime(2026, 12, 7, 0, 30, tzinfo=UTC)) == \
        datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    # 07:59 in Shanghai: yesterday's
    assert due_time(morning, datetime(2026, 12, 6, 23, 59, tzinfo=UTC)) == \
        datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
    # exactly at the due time counts as due
    assert due_time(morning, datetime(2026, 12, 7, 0, 0, tzinfo=UTC)) == \
        datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    new_york = rule("8 am New York", "0 8 * * *", "America/New_York")
    assert due_time(new_york, datetime(2026, 12, 7, 14, 0, tzinfo=UTC)) == \
        datetime(2026, 12, 7, 13, 0, tzinfo=UTC)  # EST is UTC−5 in December
    monday = rule("Monday board", "30 9 * * 1")
    assert due_time(monday, datetime(2026, 12, 9, 12, 0, tzinfo=UTC)) == \
        datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # Monday 09:30 Shanghai


CLAIMER = """
import json, sys
from datetime import datetime
from alerts.rules import parse_rule
from alerts.scheduler import due_rules
rules = [parse_rule({"name": f"rule {i}", "metric": "revenue", "condition": {"above": 1},
                     "channels": [{"type": "webhook", "url": "http://127.0.0.1:9/h"}],
                     "schedule": "*/5 * * * *"}) for i in range(12)]
moment = datetime.fromisoformat(sys.argv[1])
print(json.dumps([r.name for r, _ in due_rules(rules, moment, sys.argv[2])]))
"""


def test_two_processes_run_each_due_time_once(state_db: Path) -> None:
    moment = datetime(2026, 12, 7, 0, 7, tzinfo=UTC)
    runs = [subprocess.Popen([sys.executable, "-c", CLAIMER, moment.isoformat(), f"p{i}"],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for i in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [e for _, e in outputs]
    claimed = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sorted(claimed[0] + claimed[1]) == sorted(f"rule {i}" for i in range(12))
    assert not set(claimed[0]) & set(claimed[1])  # never both
    due = datetime(2026, 12, 7, 0, 5, tzinfo=UTC)
    for i in range(12):
        assert [d for d, _ in store.claims_of(f"config:rule {i}")] == [due]


def test_after_downtime_only_the_latest_due_time_runs(state_db: Path) -> None:
    hourly = rule("hourly", "0 * * * *")
    down_since = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert due_rules([hourly], down_since, "before") == [(hourly, down_since)]
    back = datetime(2026, 12, 7, 9, 20, tzinfo=UTC)  # 71 missed hours later
    ran = due_rules([hourly], back, "after")
    assert ran == [(hourly, datetime(2026, 12, 7, 9, 0, tzinfo=UTC))]  # one, not 71
    assert len(store.claims_of(hourly.key)) == 2
    assert due_rules([hourly], back + timedelta(minutes=5), "restarted") == []  # not again


def test_a_due_time_older_than_the_catch_up_window_waits_for_the_next(state_db: Path) -> None:
    daily = rule("daily", "0 8 * * *")
    late = datetime(2026, 12, 7, 0, 0, tzinfo=UTC) + CATCH_UP + timedelta(minutes=1)
    assert due_rules([daily], late, "late") == []
    assert store.claims_of(daily.key) == []
    next_morning = datetime(2026, 12, 8, 0, 0, 30, tzinfo=UTC)
    assert due_rules([daily], next_morning, "on time") == \
        [(daily, datetime(2026, 12, 8, 0, 0, tzinfo=UTC))]


def test_a_disabled_rule_is_never_claimed(state_db: Path) -> None:
    off = parse_rule({"name": "off", "metric": "revenue", "condition": {"above": 1},
                      "channels": [HOOK], "schedule": "* * * * *", "enabled": False})
    assert due_rules([off], datetime(2026, 12, 7, 0, 0, tzinfo=UTC), "x") == []
