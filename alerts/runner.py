"""Running a rule: once per recipient scope, through the query service, moving each
recipient's state on, sending what is due to every channel and logging it all.

Who a rule is evaluated for:
- no `recipients`: its owner — all data for a rule of the config file (written by whoever
  runs the server), the owner's own scope for a rule made on the Alerts page;
- `recipients: [wang, li]`: each user in their own scope, so a manager's message holds
  her region's numbers only. E-mail goes to each recipient's own address (`python app.py
  users set-email`); a robot or webhook gets one message per recipient, naming them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from alerts.alert_message import alert_message
from alerts.channels.config import ChannelConfig, SmtpConfig
from alerts.delivery import channel_name, send_all, with_recipients
from alerts.evaluate import Reading, read, step
from alerts.message import Message
from alerts.rules import AlertRule
from app_state import alerts as store
from app_state.users import get_user
from service.principal import ALL_DATA, Principal

log = logging.getLogger("stocklens.alerts")


@dataclass(frozen=True)
class Target:
    """One evaluation of a rule: for whom, in which scope, to which channels."""

    label: str  # the recipient's user name, or "" for the rule's owner
    principal: Principal
    channels: tuple[ChannelConfig, ...]
    problem: str | None = None  # why this target cannot be served (logged, not sent)


@dataclass(frozen=True)
class Outcome:
    """One line of `alerts run`: a rule for one recipient, and each channel's result."""

    rule: str
    recipient: str
    state: str
    value: str
    sends: tuple[tuple[str, bool, str], ...]  # (channel name, ok, detail)
    problem: str | None = None

    @property
    def failed(self) -> bool:
        return self.problem is not None or any(not ok for _, ok, _ in self.sends)


def _principal_of(name: str) -> tuple[Principal | None, int | None, str | None]:
    user = get_user(name)
    if user is None or user.disabled:
        return None, None, f"no enabled account named {name!r}"
    return Principal.scoped(user.name, "user", user.scope or None), user.id, None


def targets(rule: AlertRule) -> list[Target]:
    """Who the rule is evaluated for (see the module)."""
    if not rule.recipients:
        if rule.owner is None:
            return [Target("", ALL_DATA, rule.channels)]
        principal, _, problem = _principal_of(rule.owner)
        return [Target("", principal or ALL_DATA, rule.channels, problem)]
    found = []
    for name in rule.recipients:
        principal, user_id, problem = _principal_of(name)
        channels = []
        for channel in rule.channels:
            if channel.type != "email":
                channels.append(channel)
                continue
            address = store.email_of(user_id) if user_id is not None else None
            if address is None and problem is None:
                problem = (f"{name} has no e-mail address (python app.py users set-email "
                           f"{name} ADDRESS)")
            channels.append(with_recipients(channel, (address,) if address else ()))
        found.append(Target(name, principal or ALL_DATA, tuple(channels), problem))
    return found


def _shown(rule: AlertRule, reading: Reading) -> str:
    from components.kit.formatting import format_value

    if rule.metric is not None:
        return format_value(rule.metric, reading.value, "en")
    return f"{int(reading.value or 0)} rows"


def _send(rule: AlertRule, target: Target, message: Message, state: str, shown: str,
          smtp: SmtpConfig | None) -> tuple[tuple[str, bool, str], ...]:
    results = []
    for channel, result in send_all(target.channels, message, smtp):
        name, detail = channel_name(channel), result.error or result.detail
        store.log_entry(rule.name, target.label, state, shown, name, result.ok, detail)
        results.append((name, result.ok, detail))
        if not result.ok:
            log.warning("alert %r to %s failed: %s", rule.name, name, detail)
    return tuple(results)


def _subscription(rule: AlertRule, target: Target, source: str | None,
                  smtp: SmtpConfig | None, state: str) -> Outcome:
    """Send the rule's board or view, built for the target's principal."""
    from alerts.subscription_message import build_board_message, build_view_message

    if rule.board is not None:
        message = build_board_message(target.principal, rule.board, source, rule.lang)
    else:
        assert rule.view is not None
        message = build_view_message(target.principal, rule.view, source, rule.lang)
    shown = str(message.data.get("period", ""))
    if rule.skip_if_empty and message.data.get("empty"):
        store.log_entry(rule.name, target.label, "skipped", shown,
                        detail="nothing to report (skip_if_empty)")
        return Outcome(rule.name, target.label, "skipped", shown, ())
    return Outcome(rule.name, target.label, state, shown,
                   _send(rule, target, message, state, shown, smtp))


def _unserved(rule: AlertRule, target: Target) -> Outcome:
    store.log_entry(rule.name, target.label, "error", None, detail=target.problem or "")
    return Outcome(rule.name, target.label, "error", "—", (), target.problem)


def _each_target(rule: AlertRule, source: str | None, smtp: SmtpConfig | None, kind: str,
                 alert: Callable[[Target], Outcome]) -> list[Outcome]:
    """Every target of the rule: unserved ones logged, a subscription's board or view
    sent, an alert handled by `alert`."""
    outcomes = []
    for target in targets(rule):
        if target.problem is not None:
            outcomes.append(_unserved(rule, target))
        elif rule.is_subscription:
            outcomes.append(_subscription(rule, target, source, smtp, kind))
        else:
            outcomes.append(alert(target))
    return outcomes


def run_rule(rule: AlertRule, source: str | None, smtp: SmtpConfig | None,
             moment: datetime | None = None) -> list[Outcome]:
    """Evaluate the rule for each target now, move its state on and send what is due (a
    subscription: send its board or view)."""
    moment = moment or datetime.now(UTC)

    def evaluate(target: Target) -> Outcome:
        reading = read(rule, target.principal, source)
        shown = _shown(rule, reading)
        known = store.get_state(rule.key, target.label)
        previous = (known.state, known.since, known.last_sent) if known else None
        moved = step(rule, reading.holds, previous, moment)
        sends: tuple[tuple[str, bool, str], ...] = ()
        if moved.send is not None:
            message = alert_message(rule, reading, moved.send, rule.lang, target.label or None)
            sends = _send(rule, target, message, moved.state, shown, smtp)
        sent = moment if moved.send is not None else (known.last_sent if known else None)
        store.put_state(rule.key, target.label,
                        store.RuleState(moved.state, moved.since, sent, reading.value))
        store.log_entry(rule.name, target.label, moved.state, shown,
                        detail=f"evaluated {reading.start}..{reading.end}")
        return Outcome(rule.name, target.label, moved.state, shown, sends)

    return _each_target(rule, source, smtp, "sent", evaluate)


def test_rule(rule: AlertRule, source: str | None,
              smtp: SmtpConfig | None) -> list[Outcome]:
    """Send a test message of the current value to every target, whatever the condition
    says; the rule's state is left as it is."""

    def send_test(target: Target) -> Outcome:
        reading = read(rule, target.principal, source)
        shown = _shown(rule, reading)
        message = alert_message(rule, reading, "test", rule.lang, target.label or None)
        return Outcome(rule.name, target.label, "test", shown,
                       _send(rule, target, message, "test", shown, smtp))

    return _each_target(rule, source, smtp, "test", send_test)
