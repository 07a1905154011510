"""An alert rule: what to watch, when, for whom, and where to say it.

The config file's `alerts:` list and the Alerts page make the same rules; both go through
`parse_rule`, which names the rule and the field of every problem:

    alerts:
      - name: Dairy turnover days, East
        metric: turnover_days
        where: {region: East, category: Dairy}
        period: last_30_days    # last_7_days | last_30_days | last_90_days | month_to_date
        condition: {above: 45}  # above: N | below: N | status: warn|bad | change_above_pct: N
        channels:
          - {type: email, to: [ops@example.com]}
          - {type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=…",
             secret: SEC…}
        recipients: [wang]              # optional: evaluated in each user's own scope
        schedule: "0 8 * * *"           # cron, in `timezone` (default: the server's zone)
        timezone: Asia/Shanghai
        for_minutes: 0                  # pending this long before firing
        repeat_minutes: 1440            # while firing, say it again after this long

A rule may watch a list StockLens computes instead of a metric — `list: stockouts`,
`list: new_dead_stock` or `list: below_reorder_point` with `condition: {not_empty: true}`.

A subscription is a rule that sends a saved board or view on its schedule instead of
watching a condition — `board: 3` (or `view: 12`), optionally `skip_if_empty: true`:

      - name: Monday board
        board: 1
        schedule: "0 9 * * 1"
        channels: [{type: email, to: [ceo@example.com]}]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from alerts.channels.config import ChannelConfig, ConfigError, parse_channel
from metrics.dimensions import FILTERABLE
from metrics.registry import METRICS

PERIODS = ("last_7_days", "last_30_days", "last_90_days", "month_to_date")
CONDITIONS = ("above", "below", "status", "change_above_pct", "not_empty")
LISTS = ("stockouts", "new_dead_stock", "below_reorder_point")
STATUSES = ("warn", "bad")
DEFAULT_SCHEDULE = "0 8 * * *"
DEFAULT_TIMEZONE = "Asia/Shanghai"
KEYS = {"name", "metric", "list", "where", "period", "condition", "channels", "recipients",
        "schedule", "timezone", "for_minutes", "repeat_minutes", "enabled", "source",
        "board", "view", "skip_if_empty", "lang"}


@dataclass(frozen=True)
class Condition:
    kind: str  # one of CONDITIONS
    value: float | str | bool

    def text(self) -> str:
        return f"{self.kind} {self.value}"


@dataclass(frozen=True)
class AlertRule:
    """One rule. `owner` None: the config file (trusted: evaluated for all data when it
    has no recipients); else the account that made it on the Alerts page."""

    name: str
    metric: str | None
    list_kind: str | None
    where: dict[str, list[str]]
    period: str
    condition: Condition
    channels: tuple[ChannelConfig, ...]
    recipients: tuple[str, ...] = ()
    schedule: str = DEFAULT_SCHEDULE
    timezone: str = DEFAULT_TIMEZONE
    for_minutes: int = 0
    repeat_minutes: int = 1440
    enabled: bool = True
    source: str | None = None
    owner: str | None = None
    rule_id: int | None = field(default=None, compare=False)  # stored rules (Alerts page)
    board: int | None = None  # a subscription: send this saved board …
    view: int | None = None  # … or this saved view
    skip_if_empty: bool = False
    lang: str = "zh"

    @property
    def is_subscription(self) -> bool:
        return self.board is not None or self.view is not None

    @property
    def key(self) -> str:
        """Names the rule in claims and state: stored rules by id, config rules by name."""
        return f"db:{self.rule_id}" if self.rule_id is not None else f"config:{self.name}"

    @property
    def watched(self) -> str:
        if self.board is not None:
            return f"board:{self.board}"
        if self.view is not None:
            return f"view:{self.view}"
        return self.metric or f"list:{self.list_kind}"


def _fail(where: str, message: str) -> ConfigError:
    return ConfigError(f"{where}: {message}")


def _where(raw: Any, where: str) -> dict[str, list[str]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(f"{where}.where", "expected dimension: value (or a list of values)")
    out = {}
    for dim, values in raw.items():
        if dim not in FILTERABLE:
            raise _fail(f"{where}.where.{dim}", f"unknown dimension; known: "
                                                f"{', '.join(sorted(FILTERABLE))}")
        listed = values if isinstance(values, list) else [values]
        if not listed or not all(isinstance(v, str | int) for v in listed):
            raise _fail(f"{where}.where.{dim}", "give a value or a list of values")
        out[str(dim)] = [str(v) for v in listed]
    return out


def _condition(raw: Any, where: str, is_list: bool) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _fail(f"{where}.condition", f"give exactly one of {', '.join(CONDITIONS)}")
    kind, value = next(iter(raw.items()))
    if kind not in CONDITIONS:
        raise _fail(f"{where}.condition", f"unknown condition {kind!r}; known: "
                                          f"{', '.join(CONDITIONS)}")
    if is_list != (kind == "not_empty"):
        raise _fail(f"{where}.condition", "a list rule takes not_empty: true; a metric rule "
                                          "takes above, below, status or change_above_pct")
    if kind == "status":
        if value not in STATUSES:
            raise _fail(f"{where}.condition.status", f"warn or bad, not {value!r}")
        return Condition(kind, value)
    if kind == "not_empty":
        return Condition(kind, True)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"{where}.condition.{kind}", f"a number, not {value!r}")
    return Condition(kind, float(value))


def _minutes(raw: Any, default: int, where: str) -> int:
    if raw is None:
        return default
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 7 * 24 * 60:
        raise _fail(where, "whole minutes from 0 to 10080")
    return raw


def _channel(raw: Any, where: str, to_recipients: bool) -> ChannelConfig:
    """A channel; with recipients an e-mail channel has no `to` of its own (each
    recipient's own address is used: alerts/runner.py)."""
    if to_recipients and isinstance(raw, dict) and str(raw.get("type", "")).lower() == "email":
        if raw.get("to"):
            raise _fail(f"{where}.to", "with recipients, e-mail goes to each recipient's "
                                       "own address: leave out `to`")
        unknown = set(raw) - {"type", "rate_limit"}
        if unknown:
            raise _fail(where, f"unknown key(s) for an e-mail channel: "
                               f"{', '.join(sorted(unknown))}")
        return ChannelConfig("email")
    return parse_channel(raw, where)


def check_schedule(schedule: str, timezone: str, where: str) -> None:
    if not isinstance(schedule, str) or not croniter.is_valid(schedule):
        raise _fail(f"{where}.schedule", f"not a cron expression: {schedule!r} "
                                         "(e.g. \"0 8 * * 1-5\": 08:00 on weekdays)")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _fail(f"{where}.timezone", f"unknown time zone {timezone!r} "
                                         "(e.g. Asia/Shanghai)") from None


def parse_rule(raw: Any, index: int = 0, *, default_timezone: str = DEFAULT_TIMEZONE,
               owner: str | None = None, rule_id: int | None = None) -> AlertRule:
    """A rule from its config (or Alerts page) form; ConfigError naming rule and field."""
    if not isinstance(raw, dict):
        raise ConfigError(f"alerts[{index}]: expected a rule (name, metric, condition, …)")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"alerts[{index}].name: every rule needs a name")
    where = f"rule {name.strip()!r}"
    unknown = set(raw) - KEYS
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(sorted(unknown))}; allowed: "
                           f"{', '.join(sorted(KEYS))}")
    metric, list_kind = raw.get("metric"), raw.get("list")
    board, view = _saved_id(raw, "board", where), _saved_id(raw, "view", where)
    if board is not None or view is not None:
        return _subscription(raw, where, board, view, default_timezone, owner, rule_id)
    if (metric is None) == (list_kind is None):
        raise _fail(f"{where}.metric", "give a metric (or a list: "
                                       f"{', '.join(LISTS)}), not both")
    if metric is not None and metric not in METRICS:
        raise _fail(f"{where}.metric", f"unknown metric {metric!r}")
    if list_kind is not None and list_kind not in LISTS:
        raise _fail(f"{where}.list", f"unknown list {list_kind!r}; known: {', '.join(LISTS)}")
    period = raw.get("period", "last_30_days")
    if period not in PERIODS:
        raise _fail(f"{where}.period", f"one of {', '.join(PERIODS)}, not {period!r}")
    channels, recipients, schedule, timezone = _delivery(raw, where, default_timezone)
    return AlertRule(
        name=name.strip(), metric=metric, list_kind=list_kind,
        where=_where(raw.get("where"), where), period=period,
        condition=_condition(raw.get("condition"), where, list_kind is not None),
        channels=channels, recipients=recipients, schedule=schedule,
        timezone=timezone,
        for_minutes=_minutes(raw.get("for_minutes"), 0, f"{where}.for_minutes"),
        repeat_minutes=_minutes(raw.get("repeat_minutes"), 1440, f"{where}.repeat_minutes"),
        enabled=bool(raw.get("enabled", True)), source=raw.get("source"), owner=owner,
        rule_id=rule_id, lang=_lang(raw, where))


def _delivery(raw: dict, where: str, default_timezone: str
              ) -> tuple[tuple[ChannelConfig, ...], tuple[str, ...], str, str]:
    """(channels, recipients, schedule, time zone): what alerts and subscriptions share."""
    channels_raw = raw.get("channels")
    if not isinstance(channels_raw, list) or not channels_raw:
        raise _fail(f"{where}.channels", "give at least one channel (email, wecom, dingtalk, "
                                         "feishu or webhook)")
    recipients = raw.get("recipients") or []
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise _fail(f"{where}.recipients", "a list of user names")
    channels = tuple(_channel(c, f"{where} channels[{i}]", bool(recipients))
                     for i, c in enumerate(channels_raw))
    schedule = raw.get("schedule", DEFAULT_SCHEDULE)
    timezone = raw.get("timezone", default_timezone)
    check_schedule(schedule, timezone, where)
    return channels, tuple(recipients), schedule, timezone


def _lang(raw: dict, where: str) -> str:
    lang = raw.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise _fail(f"{where}.lang", f"zh or en, not {lang!r}")
    return lang


def _saved_id(raw: dict, key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(f"{where}.{key}", f"the id of a saved {key} (a whole number), "
                                      f"not {value!r}")
    return value


def _subscription(raw: dict, where: str, board: int | None, view: int | None,
                  default_timezone: str, owner: str | None,
                  rule_id: int | None) -> AlertRule:
    """A rule that sends a saved board or view on its schedule."""
    if board is not None and view is not None:
        raise _fail(f"{where}.board", "a subscription sends a board or a view, not both")
    for key in ("metric", "list", "condition", "where", "period", "for_minutes",
                "repeat_minutes"):
        if key in raw:
            raise _fail(f"{where}.{key}", "a subscription sends its board or view as it is; "
                                          "leave out " + key)
    channels, recipients, schedule, timezone = _delivery(raw, where, default_timezone)
    return AlertRule(name=raw["name"].strip(), metric=None, list_kind=None, where={},
                     period="last_30_days", condition=Condition("subscription", True),
                     channels=channels, recipients=recipients, schedule=schedule,
                     timezone=timezone, enabled=bool(raw.get("enabled", True)),
                     source=raw.get("source"), owner=owner, rule_id=rule_id, board=board,
                     view=view, skip_if_empty=bool(raw.get("skip_if_empty", False)),
                     lang=_lang(raw, where))
