"""Evaluating a rule for one principal: the value (or list), whether the condition holds,
and the state it moves to — Grafana's states: ok → pending (for `for_minutes`) → firing,
repeated every `repeat_minutes` while firing, and a recovery message when it resolves.

Every number comes from the query service with the principal of the recipient, so a
manager's alert is computed on her scope only; this module runs no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

import service
from alerts.rules import AlertRule
from metrics import watch_lists
from metrics.periods import previous_period
from metrics.query import MetricQuery
from metrics.thresholds import status
from service.principal import Principal

LIST_LIMIT = 20
PERIOD_DAYS = {"last_7_days": 7, "last_30_days": 30, "last_90_days": 90}
OK, PENDING, FIRING = "ok", "pending", "firing"


@dataclass(frozen=True)
class Reading:
    """What a rule saw for one principal: the period, the value (a metric) or the rows (a
    list), the previous period's value, the threshold status, and whether it fires."""

    start: date
    end: date
    value: float | None
    previous: float | None
    status: str | None
    rows: pd.DataFrame | None
    holds: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_of(rule: AlertRule, last: date) -> tuple[date, date]:
    """The rule's period ending on the data's last day."""
    if rule.period == "month_to_date":
        return last.replace(day=1), last
    return last - timedelta(days=PERIOD_DAYS[rule.period] - 1), last


def _number(frame: pd.DataFrame, metric: str) -> float | None:
    if frame.empty:
        return None
    value = frame.iloc[0][metric]
    return None if value is None or pd.isna(value) else float(value)


def _change_pct(value: float | None, previous: float | None) -> float | None:
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) / abs(previous) * 100


def _list_rows(rule: AlertRule, principal: Principal, source: str | None, start: date,
               end: date) -> pd.DataFrame:
    if rule.list_kind == "stockouts":
        query = watch_lists.stockout_query(start, end, rule.where, LIST_LIMIT)
    elif rule.list_kind == "new_dead_stock":
        query = watch_lists.new_dead_query(start, end, rule.where, limit=LIST_LIMIT)
    else:
        from metrics.replenishment import Policy
        from service.replenishment import current_plan

        plan = current_plan(principal, source or service.sources.registry().default,
                            rule.where or None, Policy())
        if plan is None:  # no stored forecast yet: nothing is known to be below
            return pd.DataFrame(columns=["sku", "location"])
        rows = plan.frame[(plan.frame["status"] != "good") & (plan.frame["on_hand"] > 0)]
        return rows.sort_values("days_to_stockout", na_position="last").head(LIST_LIMIT + 1)
    return service.run(principal, query, source)


def read(rule: AlertRule, principal: Principal, source: str | None = None) -> Reading:
    """Evaluate the rule's condition for the principal now."""
    last = service.data_range(principal, source)[1]
    if last is None:
        return Reading(date.today(), date.today(), None, None, None, None, False)
    start, end = period_of(rule, last)
    if rule.list_kind is not None:
        rows = _list_rows(rule, principal, source, start, end)
        return Reading(start, end, float(len(rows)), None, None, rows, len(rows) > 0)
    assert rule.metric is not None
    query = MetricQuery.create([rule.metric], start, end, where=rule.where)
    value = _number(service.run(principal, query, source), rule.metric)
    previous = None
    if rule.condition.kind == "change_above_pct":
        prev_start, prev_end = previous_period(start, end)
        previous = _number(service.run(principal, query.with_period(prev_start, prev_end),
                                       source), rule.metric)
    days = (end - start).days + 1
    level = status(rule.metric, value, days) if value is not None else None
    return Reading(start, end, value, previous, level, None,
                   holds(rule, value, previous, level))


def holds(rule: AlertRule, value: float | None, previous: float | None,
          level: str | None) -> bool:
    """Whether the condition holds. An undefined value (no data, a zero denominator)
    never fires: it is not a breach, and "—" is not a number to compare."""
    kind, limit = rule.condition.kind, rule.condition.value
    if kind == "status":
        return level == "bad" or (limit == "warn" and level == "warn")
    if value is None:
        return False
    if kind == "above":
        return value > float(limit)
    if kind == "below":
        return value < float(limit)
    if kind == "change_above_pct":
        change = _change_pct(value, previous)
        return change is not None and abs(change) > float(limit)
    return False


@dataclass(frozen=True)
class Step:
    """The state after an evaluation and what to send: None, "firing" (it started or the
    repeat interval passed) or "resolved"."""

    state: str
    since: datetime
    send: str | None


def step(rule: AlertRule, fires: bool, previous: tuple[str, datetime, datetime | None] | None,
         moment: datetime) -> Step:
    """Move the state machine one evaluation on. `previous` is (state, since, last sent)."""
    state, since, last_sent = previous if previous is not None else (OK, moment, None)
    if not fires:
        if state == FIRING:
            return Step(OK, moment, "resolved")
        return Step(OK, since if state == OK else moment, None)
    if state == OK:
        if rule.for_minutes > 0:
            return Step(PENDING, moment, None)
        return Step(FIRING, moment, "firing")
    if state == PENDING:
        if moment - since >= timedelta(minutes=rule.for_minutes):
            return Step(FIRING, moment, "firing")
        return Step(PENDING, since, None)
    repeat_due = last_sent is None or moment - last_sent >= timedelta(minutes=rule.repeat_minutes)
    return Step(FIRING, since, "firing" if repeat_due else None)
