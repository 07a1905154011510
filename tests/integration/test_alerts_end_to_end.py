"""Alerts end to end (issue 16): `python app.py alerts run --once` with a config file, a
real SMTP server (aiosmtpd) and local robots that verify DingTalk's and Feishu's
signatures as those services document them; the values in the messages equal the metrics
layer's; a manager recipient gets only her scope's numbers; two servers with their
schedulers send a due alert once."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.kit.formatting import format_value
from data_connectors.source import open_duckdb
from metrics.query import MetricQuery
from service import ALL_DATA, Principal
from tests.integration.live_server import add_account, cli, serve
from tests.integration.receivers.dingtalk import DingTalkReceiver
from tests.integration.receivers.feishu import FeishuReceiver
from tests.integration.receivers.smtp_server import SmtpReceiver
from tests.integration.receivers.webhook import WebhookReceiver
from tests.integration.receivers.wecom import WeComReceiver
from tests.service_support import run_query

DING_SECRET = "SEC0a1b2c3d4e5f60718293a4b5c6d7e8f9"
FEISHU_SECRET = "feishu-secret-2b7c"
HOOK_SECRET = "hook-secret-91"


@pytest.fixture(scope="module")
def facts(demo_db: Path) -> dict[str, Any]:
    """Regions, the last day, and revenue over the last 30 days per region and overall,
    computed by the metrics layer directly."""
    source = open_duckdb(demo_db)
    try:
        last = source.date_range()[1]
        regions = source.distinct_values("location", "region")
        start = last - timedelta(days=29)
        by_region = run_query(source, MetricQuery.create(["revenue"], start, last,
                                                         by=["region"]))
        total = run_query(source, MetricQuery.create(["revenue"], start, last))
        locations = {r: [] for r in regions}
        with source.engine.connect() as con:
            for loc, region in con.exec_driver_sql(
                    "select location_id, region from location").all():
                locations[region].append(loc)
    finally:
        source.dispose()
    return {"last": last, "regions": regions, "locations": locations,
            "revenue": dict(zip(by_region["region"], by_region["revenue"], strict=True)),
            "total": float(total.iloc[0]["revenue"])}


def _config(tmp_path: Path, demo_db: Path, smtp: SmtpReceiver, rules: list[dict]) -> Path:
    path = tmp_path / "stocklens.yaml"
    path.write_text(yaml.safe_dump({
        "sources": {"demo": {"url": f"duckdb:///{demo_db}"}},
        "timezone": "Asia/Shanghai", "smtp": smtp.smtp_settings(), "alerts": rules},
        allow_unicode=True), encoding="utf-8")
    return path


def test_alerts_run_once_sends_the_metrics_layers_value_everywhere(
        tmp_path: Path, demo_db: Path, state_db: Path, facts: dict[str, Any]) -> None:
    region = facts["regions"][0]
    with SmtpReceiver("plain", username="bi", password="pw-7") as smtp, \
            DingTalkReceiver(secret=DING_SECRET) as ding, \
            FeishuReceiver(secret=FEISHU_SECRET) as feishu, WeComReceiver() as wecom, \
            WebhookReceiver(secret=HOOK_SECRET) as hook:
        config = _config(tmp_path, demo_db, smtp, [
            {"name": "Revenue East", "metric": "revenue", "where": {"region": region},
             "period": "last_30_days", "condition": {"above": 1}, "lang": "en",
             "channels": [{"type": "email", "to": ["ops@example.com"]},
                          {"type": "dingtalk", "url": ding.url, "secret": DING_SECRET},
                          {"type": "feishu", "url": feishu.url, "secret": FEISHU_SECRET},
                          {"type": "wecom", "url": wecom.url},
                          {"type": "webhook", "url": hook.url, "secret": HOOK_SECRET}]},
            {"name": "Never", "metric": "revenue", "condition": {"above": 1e15},
             "channels": [{"type": "webhook", "url": hook.url}]}])
        done = cli(state_db, "alerts", "run", "--once", "--config", str(config))
        assert done.returncode == 0, done.stderr + done.stdout
        again = cli(state_db, "alerts", "run", "--once", "--config", str(config))
        assert again.returncode == 0, again.stderr
    expected = format_value("revenue", facts["revenue"][region], "en")
    lines = done.stdout.strip().splitlines()
    fired = next(line for line in lines if line.startswith("Revenue East"))
    assert f"| {format_value('revenue', facts['revenue'][region], 'en')} | firing |" in fired
    assert fired.count(" ok (") == 5  # five channels, each answered ok
    assert "| ok | nothing sent" in next(line for line in lines if line.startswith("Never"))
    # the mail
    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert expected in mail.message["Subject"] and expected in mail.body("plain")
    assert mail.message["To"] == "ops@example.com"
    # the robots: signed as documented (the receivers check), the same value
    for robot in (ding, feishu, wecom):
        assert len(robot.requests) == 1 and robot.requests[0].accepted
        assert expected in json.dumps(robot.requests[0].json, ensure_ascii=False)
    sent = hook.requests[0]
    assert sent.accepted and sent.json["data"]["value"] == pytest.approx(
        facts["revenue"][region], rel=1e-9)
    # the second run: still firing, within the repeat interval: nothing sent again
    assert "Revenue East |" in again.stdout and "nothing sent" in again.stdout.splitlines()[0]
    log = cli(state_db, "alerts", "log", "--rule", "Revenue East")
    assert log.returncode == 0 and "dingtalk" in log.stdout and DING_SECRET not in log.stdout


def test_a_manager_recipient_gets_only_her_scope(tmp_path: Path, demo_db: Path,
                                                 state_db: Path,
                                                 facts: dict[str, Any]) -> None:
    mine, other = facts["regions"][1], facts["regions"][0]
    add_account(state_db, "mei", "manager", f"region={mine}")
    assert cli(state_db, "users", "set-email", "mei", "mei@example.com").returncode == 0
    with SmtpReceiver("plain") as smtp, WebhookReceiver() as hook:
        config = _config(tmp_path, demo_db, smtp, [
            {"name": "All revenue", "metric": "revenue", "condition": {"above": 1},
             "recipients": ["mei"], "lang": "en",
             "channels": [{"type": "email"}, {"type": "webhook", "url": hook.url}]}])
        done = cli(state_db, "alerts", "run", "--once", "--config", str(config))
        assert done.returncode == 0, done.stderr + done.stdout
    hers = format_value("revenue", facts["revenue"][mine], "en")
    everyone = format_value("revenue", facts["total"], "en")
    assert hers != everyone
    assert len(smtp.received) == 1 and smtp.received[0].message["To"] == "mei@example.com"
    body = smtp.received[0].body("plain") + smtp.received[0].message["Subject"]
    assert hers in body and everyone not in body
    payload = hook.requests[0].json
    assert payload["data"]["value"] == pytest.approx(facts["revenue"][mine], rel=1e-9)
    assert payload["data"]["recipient"] == "mei"
    text = json.dumps(payload, ensure_ascii=False) + body
    assert other not in text and not any(loc in text for loc in facts["locations"][other])
    # and it equals what the service computes for her principal directly
    direct = run_query(open_duckdb(demo_db), MetricQuery.create(
        ["revenue"], facts["last"] - timedelta(days=29), facts["last"]),
        Principal.scoped("mei", "user", {"region": [mine]}))
    assert float(direct.iloc[0]["revenue"]) == pytest.approx(facts["revenue"][mine])


def test_bad_configuration_is_refused_naming_the_rule_and_field(tmp_path: Path, demo_db: Path,
                                                                state_db: Path) -> None:
    with SmtpReceiver("plain") as smtp:
        config = _config(tmp_path, demo_db, smtp, [
            {"name": "Typo", "metric": "revenue", "schedule": "every day at 8",
             "condition": {"above": 1}, "channels": [{"type": "wecom"}]}])
        done = cli(state_db, "alerts", "run", "--once", "--config", str(config))
    assert done.returncode == 2
    assert "rule 'Typo'" in done.stderr and ("schedule" in done.stderr or "url" in done.stderr)


def test_a_failing_channel_makes_the_run_exit_1(tmp_path: Path, demo_db: Path,
                                                state_db: Path) -> None:
    with SmtpReceiver("plain") as smtp, WebhookReceiver(always_fail=True) as hook:
        config = _config(tmp_path, demo_db, smtp, [
            {"name": "Broken hook", "metric": "revenue", "condition": {"above": 1},
             "channels": [{"type": "webhook", "url": hook.url}]}])
        done = cli(state_db, "alerts", "run", "--once", "--config", str(config))
    assert done.returncode == 1 and "FAILED" in done.stdout
    assert len(hook.requests) == 3  # retried with back-off before giving up


def test_two_servers_send_a_due_alert_once(tmp_path: Path, demo_db: Path, state_db: Path) -> None:
    """Two `app.py serve` processes, each with its scheduler ticking every second, share
    one state database: the rule due this minute is sent once."""
    with SmtpReceiver("plain") as smtp, WebhookReceiver() as hook:
        config = _config(tmp_path, demo_db, smtp, [
            {"name": "Every minute", "metric": "revenue", "condition": {"above": 1},
             "schedule": "* * * * *", "channels": [{"type": "webhook", "url": hook.url}]}])
        env = {"STOCKLENS_CONFIG": str(config), "STOCKLENS_ALERTS": "on",
               "STOCKLENS_ALERTS_TICK_S": "1"}
        servers = [serve(state_db, demo_db, tmp_path / f"server{i}.log", **env)
                   for i in range(2)]
        try:
            time.sleep(4)  # several ticks of both schedulers
        finally:
            for server in servers:
                server.stop()
        logs = [s.log_text() for s in servers]
    from app_state.alerts import claims_of

    claims = claims_of("config:Every minute")
    assert len(claims) >= 1, logs
    assert len({due for due, _ in claims}) == len(claims)  # each due time claimed once
    # it fired at the first due time; a later one (if the minute turned meanwhile) finds it
    # still firing within its repeat interval: one message in all, never two
    assert len(hook.requests) == 1 and hook.requests[0].accepted, logs


def test_the_service_refuses_a_rule_without_a_principal() -> None:
    from alerts.evaluate import read
    from alerts.rules import parse_rule
    from service import MissingPrincipal

    rule = parse_rule({"name": "x", "metric": "revenue", "condition": {"above": 1},
                       "channels": [{"type": "webhook", "url": "http://127.0.0.1:9/h"}]})
    with pytest.raises(MissingPrincipal):
        read(rule, None)  # type: ignore[arg-type]
    assert ALL_DATA.all_data
