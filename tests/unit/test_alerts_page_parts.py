"""The Alerts page's pure parts: the rule body the form builds (and parse_rule accepts),
stored credentials kept when a field is left empty, which field an error names, and who
may address a rule to whom."""

from __future__ import annotations

from alerts.rules import parse_rule
from app_state.alerts import LogEntry
from components.alerts.field_errors import field_error
from components.alerts.rule_access import (
    Editor,
    address_problem,
    editor_of,
    may_edit,
    may_see,
    may_test,
    unknown_recipients,
    visible_log,
)
from components.alerts.rule_body import build_body, channel_of, condition_of, stored_channel
from components.alerts.rule_values import channel_row_of, values_from_body

DING = "https://oapi.dingtalk.com/robot/send?access_token=tok-123"


def body(**overrides):
    made = build_body(name=" Dairy days ", watch="metric", metric="turnover_days",
                      list_kind=None, where={"region": ["East"], "channel": None,
                                             "category": []},
                      period="last_30_days", condition=condition_of("metric", "above", 45.0,
                                                                    None),
                      channels=[{"type": "webhook", "url": "http://127.0.0.1:9/h"}],
                      recipients=None, schedule=" 0 8 * * 1-5 ", timezone="Asia/Shanghai",
                      for_minutes=30.0, repeat_minutes=None, lang="en")
    return {**made, **overrides}


def test_the_form_builds_a_body_parse_rule_accepts_and_reads_back() -> None:
    made = body()
    assert made == {"name": "Dairy days", "metric": "turnover_days",
                    "where": {"region": ["East"]}, "period": "last_30_days",
                    "condition": {"above": 45}, "channels": [{"type": "webhook",
                                                              "url": "http://127.0.0.1:9/h"}],
                    "schedule": "0 8 * * 1-5", "timezone": "Asia/Shanghai",
                    "for_minutes": 30, "repeat_minutes": 1440, "enabled": True, "lang": "en"}
    rule = parse_rule(made)
    assert rule.condition.value == 45.0 and rule.for_minutes == 30 and rule.lang == "en"
    back = values_from_body(made, "UTC")
    assert (back.name, back.metric, back.condition, back.value, back.where) == \
        ("Dairy days", "turnover_days", "above", 45, {"region": ["East"]})
    listed = build_body(name="Out", watch="list", metric="revenue", list_kind="stockouts",
                        where={}, period="last_7_days",
                        condition=condition_of("list", "above", 3, None),
                        channels=[{"type": "email", "to": ["a@example.com"]}],
                        recipients=[], schedule="0 8 * * *", timezone="UTC", for_minutes=0,
                        repeat_minutes=60)
    assert "metric" not in listed and listed["condition"] == {"not_empty": True}
    assert parse_rule(listed).list_kind == "stockouts"


def test_credentials_stay_on_the_server_and_empty_fields_keep_them() -> None:
    stored = [{"type": "dingtalk", "url": DING, "secret": "SEC-1"}]
    row = channel_row_of(0, stored[0])
    assert row.url == "" and row.url_hint.endswith("access_token=****") and row.has_secret
    assert "tok-123" not in repr(row) and "SEC-1" not in repr(row)
    kept = channel_of("dingtalk", "", "", None, stored_channel("s0", stored))
    assert kept == {"type": "dingtalk", "url": DING, "secret": "SEC-1"}
    # another type, or a new row, never inherits a stored credential
    assert channel_of("feishu", "", "", None, stored_channel("s0", stored)) == {"type": "feishu"}
    assert stored_channel("n1a2b3c4", stored) is None and stored_channel("s7", stored) is None
    assert channel_of("email", "x", "y", "a@example.com; b@example.com", None) == \
        {"type": "email", "to": ["a@example.com", "b@example.com"]}
    plain = channel_row_of(1, {"type": "webhook", "url": "http://127.0.0.1:9/h"})
    assert plain.url == "http://127.0.0.1:9/h"  # nothing secret in it: shown as it is


def test_an_error_names_its_field() -> None:
    cases = {
        "rule 'X'.period: one of …": ("period", None, None),
        "rule 'X' channels[1].url: a webhook channel needs a url": ("channel", 1, "url"),
        "rule 'X' channels[0]: unknown key(s) foo": ("channel", 0, "type"),
        "rule 'X'.condition.above: a number, not None": ("condition", None, None),
        "rule 'X'.where.region: give a value": ("where.region", None, None),
        "rule 'X'.metric: unknown metric 'y'": ("watch", None, None),
        "alerts[0].name: every rule needs a name": ("name", None, None),
        "rule 'X'.schedule: not a cron expression": ("schedule", None, None),
    }
    for message, (name, channel, part) in cases.items():
        found = field_error(message, "X")
        assert (found.field, found.channel, found.part) == (name, channel, part), message
    assert field_error("rule 'X'.period: one of a, b", "X").detail == "one of a, b"


class _User:
    def __init__(self, name, scope, user_id=1):
        self.name, self.scope, self.user_id = name, scope, user_id


def test_a_manager_addresses_rules_to_herself_only() -> None:
    wang = editor_of(_User("wang", {"region": ["East"]}))
    assert wang == Editor("wang", False)
    assert editor_of(_User("demo", None, None)) == Editor(None, True)  # demo: no account
    mine = {"recipients": ["wang"], "channels": [{"type": "email"}]}
    assert address_problem(wang, mine) is None
    assert address_problem(wang, {**mine, "recipients": ["li"]}).key == \
        "alerts.refuse.recipients"
    assert address_problem(wang, {**mine, "recipients": ["wang", "li"]}).key == \
        "alerts.refuse.recipients"
    assert address_problem(wang, {**mine, "recipients": []}).key == "alerts.refuse.recipients"
    assert address_problem(wang, {**mine, "channels": [{"type": "wecom", "url": "u"}]}).key \
        == "alerts.refuse.robot"
    assert address_problem(wang, {**mine, "channels": [{"type": "email", "to": ["x@y.z"]}]}) \
        .key == "alerts.refuse.to"
    boss = Editor("ada", True)
    assert address_problem(boss, {"channels": [{"type": "webhook", "url": "u"}]}) is None
    assert unknown_recipients({"recipients": ["wang", "ghost"]},
                              lambda n: n == "wang").values == {"names": "ghost"}


def test_who_sees_edits_and_tests_which_rule_and_log_line() -> None:
    config_rule = parse_rule(body(name="From file"))
    hers = parse_rule(body(recipients=["wang"], channels=[{"type": "email"}]), owner="wang",
                      rule_id=1)
    admins = parse_rule(body(name="Ops"), owner="ada", rule_id=2)
    wang, ada = Editor("wang", False), Editor("ada", True)
    assert [may_see(wang, r) for r in (config_rule, hers, admins)] == [False, True, False]
    assert [may_edit(wang, r) for r in (config_rule, hers, admins)] == [False, True, False]
    assert [may_edit(ada, r) for r in (config_rule, hers, admins)] == [False, True, True]
    assert [may_test(ada, r) for r in (config_rule, hers, admins)] == [True, True, True]
    assert [may_test(wang, r) for r in (config_rule, hers, admins)] == [False, True, False]
    lines = [LogEntry(None, "Dairy days", "wang", "test", "1", None, None, ""),
             LogEntry(None, "Ops", "", "firing", "9", None, None, ""),
             LogEntry(None, "Dairy days", "li", "ok", "5", None, None, "")]
    assert visible_log(wang, lines, [hers, admins]) == lines[:1]
    assert visible_log(ada, lines, []) == lines
