"""Alert rules from the config file's form: every problem names the rule and the field;
the state machine (ok → pending → firing → resolved) on hand-made timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.channels.config import ConfigError
from alerts.evaluate import FIRING, OK, PENDING, holds, step
from alerts.rules import parse_rule

HOOK = {"type": "webhook", "url": "http://127.0.0.1:9/hook"}


def rule(**changes: object) -> dict:
    return {"name": "Dairy days", "metric": "turnover_days", "where": {"region": "East"},
            "period": "last_30_days", "condition": {"above": 45}, "channels": [HOOK],
            **changes}


def test_a_complete_rule_parses_with_its_defaults() -> None:
    parsed = parse_rule(rule())
    assert parsed.name == "Dairy days" and parsed.metric == "turnover_days"
    assert parsed.where == {"region": ["East"]} and parsed.condition.value == 45.0
    assert (parsed.schedule, parsed.timezone) == ("0 8 * * *", "Asia/Shanghai")
    assert (parsed.for_minutes, parsed.repeat_minutes) == (0, 1440)
    assert parsed.key == "config:Dairy days"


@pytest.mark.parametrize(("change", "message"), [
    ({"metric": "turnover_dayz"}, "rule 'Dairy days'.metric: unknown metric 'turnover_dayz'"),
    ({"where": {"regoin": "East"}}, "rule 'Dairy days'.where.regoin: unknown dimension"),
    ({"period": "last_week"}, "rule 'Dairy days'.period: one of"),
    ({"condition": {"above": "high"}}, "rule 'Dairy days'.condition.above: a number"),
    ({"condition": {"status": "red"}}, "rule 'Dairy days'.condition.status: warn or bad"),
    ({"condition": {"above": 1, "below": 2}}, "rule 'Dairy days'.condition: give exactly one"),
    ({"schedule": "every morning"}, "rule 'Dairy days'.schedule: not a cron expression"),
    ({"schedule": "0 8 * * *", "timezone": "Mars/Olympus"},
     "rule 'Dairy days'.timezone: unknown time zone"),
    ({"channels": []}, "rule 'Dairy days'.channels: give at least one channel"),
    ({"channels": [{"type": "wecom"}]}, "rule 'Dairy days' channels[0]"),
    ({"channels": [{"type": "pager", "url": "http://x"}]}, "channels[0].type"),
    ({"frequency": 5}, "rule 'Dairy days': unknown key(s) frequency"),
    ({"list": "stockouts"}, "rule 'Dairy days'.metric: give a metric (or a list"),
])
def test_bad_rules_are_refused_naming_rule_and_field(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_rule(rule(**change))
    assert message in str(refused.value)


def test_list_rules_take_not_empty_and_metric_rules_do_not() -> None:
    listed = parse_rule({**rule(), "metric": None, "list": "stockouts",
                         "condition": {"not_empty": True}} | {"metric": None})
    assert listed.list_kind == "stockouts" and listed.watched == "list:stockouts"
    with pytest.raises(ConfigError, match="a list rule takes not_empty"):
        parse_rule({**rule(), "condition": {"not_empty": True}})


def test_with_recipients_mail_goes_to_their_own_addresses() -> None:
    parsed = parse_rule(rule(recipients=["wang"], channels=[{"type": "email"}]))
    assert parsed.channels[0].type == "email" and parsed.channels[0].to == ()
    with pytest.raises(ConfigError, match=r"channels\[0\]\.to: with recipients"):
        parse_rule(rule(recipients=["wang"], channels=[{"type": "email", "to": "a@b.cn"}]))


def test_a_secret_is_never_in_an_error() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_rule(rule(channels=[{"type": "dingtalk", "secret": "SECabc123",
                                   "url": "ftp://oapi.dingtalk.com/robot/send?access_token=TOK9"}]))
    assert "SECabc123" not in str(refused.value) and "TOK9" not in str(refused.value)


@pytest.mark.parametrize(("condition", "value", "previous", "level", "expected"), [
    ({"above": 45}, 45.0, None, None, False),  # not above
    ({"above": 45}, 45.01, None, None, True),
    ({"below": 0.5}, 0.49, None, None, True),
    ({"above": 45}, None, None, None, False),  # undefined never fires
    ({"status": "warn"}, 50.0, None, "warn", True),
    ({"status": "warn"}, 60.0, None, "bad", True),
    ({"status": "bad"}, 50.0, None, "warn", False),
    ({"change_above_pct": 10}, 110.0, 100.0, None, False),  # exactly 10 %: not above
    ({"change_above_pct": 10}, 89.0, 100.0, None, True),  # −11 %
    ({"change_above_pct": 10}, 5.0, 0.0, None, False),  # no base to compare with
])
def test_conditions(condition: dict, value: float | None, previous: float | None,
                    level: str | None, expected: bool) -> None:
    assert holds(parse_rule(rule(condition=condition)), value, previous, level) is expected


def test_states_move_like_grafanas() -> None:
    t0 = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    pending = parse_rule(rule(for_minutes=30, repeat_minutes=60))
    first = step(pending, True, None, t0)
    assert (first.state, first.send) == (PENDING, None)
    still = step(pending, True, (first.state, first.since, None), t0 + timedelta(minutes=20))
    assert (still.state, still.send, still.since) == (PENDING, None, t0)
    fired = step(pending, True, (still.state, still.since, None), t0 + timedelta(minutes=30))
    assert (fired.state, fired.send) == (FIRING, "firing")
    sent = t0 + timedelta(minutes=30)
    quiet = step(pending, True, (FIRING, sent, sent), t0 + timedelta(minutes=60))
    assert (quiet.state, quiet.send) == (FIRING, None)  # repeat not yet due
    again = step(pending, True, (FIRING, sent, sent), t0 + timedelta(minutes=90))
    assert again.send == "firing"  # 60 minutes after the last send
    over = step(pending, False, (FIRING, sent, sent), t0 + timedelta(minutes=95))
    assert (over.state, over.send) == (OK, "resolved")
    calm = step(pending, False, (OK, over.since, sent), t0 + timedelta(minutes=99))
    assert (calm.state, calm.send) == (OK, None)
    # a pending alert that clears never fired: nothing to resolve
    cleared = step(pending, False, (PENDING, t0, None), t0 + timedelta(minutes=10))
    assert (cleared.state, cleared.send) == (OK, None)
    at_once = parse_rule(rule())
    assert step(at_once, True, None, t0).send == "firing"
