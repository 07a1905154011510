"""The rules the Alerts page works on (pages/alerts.py): those of the config file and of the
page, who is editing, and the choices the form offers — read on the server for the
signed-in person, so every callback sees the same list and the same scope.

A config file that does not load still leaves the page's own rules listed (and says why):
a typo in the file must not hide the rules people made on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

import service
from alerts.channels.config import ConfigError
from alerts.config import AlertConfig, load_alert_config, server_timezone
from alerts.rules import DEFAULT_TIMEZONE, AlertRule, Condition, check_schedule, parse_rule
from alerts.scheduler import next_time
from app_state import alerts as store
from app_state.users import get_user, list_users
from auth.identity import current_user
from auth.principal import request_principal
from components.alerts.rule_access import Editor, editor_of, may_edit, may_test
from components.alerts.rule_list import RuleRow
from components.alerts.rule_values import FormChoices
from data_connectors.source import SourceError

STORE_ERRORS = (SQLAlchemyError, OSError)


def editor() -> Editor:
    """Who is signed in, as the page's access rules see her."""
    return editor_of(current_user())


def zone() -> str:
    """The server's alert time zone (the default one when the config file is broken)."""
    try:
        return server_timezone()
    except ConfigError:
        return DEFAULT_TIMEZONE


def alert_config() -> tuple[AlertConfig, list[str]]:
    """Rules of the config file and of this page, and what could not be read."""
    try:
        config = load_alert_config()
        return config, list(config.problems)
    except ConfigError as exc:
        default_zone, rules, problems = zone(), [], [f"config file: {exc}"]
        for saved in store.list_rules():
            try:
                rules.append(parse_rule(saved.body, default_timezone=default_zone,
                                        owner=saved.owner, rule_id=saved.id))
            except ConfigError as bad:
                problems.append(f"stored rule #{saved.id}: {bad}")
        return AlertConfig(tuple(rules), None, default_zone), problems


def find_rule(key: str) -> tuple[AlertRule | None, AlertConfig]:
    """The rule of a row's key (None when it is gone), and the config it came from."""
    config, _ = alert_config()
    return next((r for r in config.rules if r.key == key), None), config


def config_names() -> set[str]:
    """The config file's rule names (casefolded): a page rule may not take one."""
    try:
        config, _ = alert_config()
    except STORE_ERRORS:
        return set()
    return {r.name.casefold() for r in config.rules if r.rule_id is None}


def has_account(name: str) -> bool:
    user = get_user(name)
    return user is not None and not user.disabled


def stored_id(key: str) -> int | None:
    """The app-state id of a page rule's row key ("db:12"); None for a config-file rule."""
    if isinstance(key, str) and key.startswith("db:") and key[3:].isdigit():
        return int(key[3:])
    return None


def form_choices(who: Editor) -> FormChoices:
    """The dimension values, people and zone the form offers, within the editor's scope."""
    principal = request_principal()
    problem = None
    try:
        dims = {"region": service.dimension_values(principal, "location", "region"),
                "channel": service.channel_values(principal),
                "category": service.dimension_values(principal, "sku", "category")}
    except SourceError as exc:
        dims, problem = {}, str(exc)
    if who.all_data:
        people = [u.name for u in list_users() if not u.disabled]
    else:
        people = [who.name] if who.name else []
    return FormChoices(dims, people, zone(), restricted=not who.all_data, problem=problem)


def _next_run(rule: AlertRule, moment: datetime) -> datetime | None:
    try:
        return next_time(rule, moment)
    except (ValueError, KeyError):
        return None


def _subject(rule: AlertRule) -> str | None:
    """A subscription's board or view by name (None when it is gone)."""
    from app_state.boards import get_board
    from app_state.records import NotFound
    from app_state.views import get_view

    try:
        if rule.board is not None:
            return get_board(rule.board).name
        if rule.view is not None:
            return get_view(rule.view).name
    except (NotFound, ValueError):
        return None
    return None


def rule_row(rule: AlertRule, who: Editor, moment: datetime) -> RuleRow:
    """A rule as the list shows it: what the editor may do, its state per recipient, when
    it runs next and (a subscription) what it sends."""
    states = tuple((label, store.get_state(rule.key, label))
                   for label in (rule.recipients or ("",)))
    return RuleRow(rule, may_edit(who, rule), may_test(who, rule), states,
                   _next_run(rule, moment), _subject(rule) if rule.is_subscription else None)


def next_times(cron: str, zone_name: str, count: int = 3) -> list[str]:
    """The next `count` due times of a schedule in its zone, as the form shows them
    (ConfigError naming the schedule when cron or zone is not valid)."""
    check_schedule(cron or "", zone_name or "", "schedule")
    probe = AlertRule("", "revenue", None, {}, "last_30_days", Condition("above", 0.0), (),
                      schedule=cron.strip(), timezone=zone_name)
    moment, times = datetime.now(UTC), []
    for _ in range(count):
        moment = next_time(probe, moment)
        times.append(f"{moment.astimezone(ZoneInfo(zone_name)):%Y-%m-%d %H:%M}")
    return times
