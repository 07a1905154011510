"""When rules run: each rule's cron expression in its own time zone (croniter), run
exactly once per due time across every worker process and server, catching up after
downtime without a burst.

- Due times come from croniter in the rule's zone (default the server's, e.g.
  Asia/Shanghai), so "0 8 * * *" is 08:00 where the reader lives whatever the server's
  clock zone is (superset#26962 is reports firing hours off for want of this).
- Once: before running a due time a process inserts a claim row (rule, due time) into the
  state database; the unique constraint lets exactly one insert succeed, whichever process
  or server tries (grafana#53990, metabase#45622 are replicas sending twice).
- Catch-up: after downtime only the most recent missed due time runs, and only when it is
  at most CATCH_UP old; older ones are skipped (logged), never sent as a burst.
- Survives restarts: claims and states are in the state database, not in memory.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from alerts.rules import AlertRule
from app_state import alerts as store

log = logging.getLogger("stocklens.alerts")
CATCH_UP = timedelta(hours=6)
TICK_S = 30.0
ALERTS_ENV = "STOCKLENS_ALERTS"  # "off": no scheduler thread in this process
TICK_ENV = "STOCKLENS_ALERTS_TICK_S"  # seconds between looks at the schedules


def due_time(rule: AlertRule, moment: datetime) -> datetime:
    """The rule's latest due time at or before `moment` (UTC), computed in its zone."""
    zone = ZoneInfo(rule.timezone)
    local = moment.astimezone(zone)
    # croniter's get_prev is strictly before its start: start a second later so a due time
    # equal to `moment` counts as due now
    previous = croniter(rule.schedule, local + timedelta(seconds=1)).get_prev(datetime)
    return previous.astimezone(UTC)


def next_time(rule: AlertRule, moment: datetime) -> datetime:
    zone = ZoneInfo(rule.timezone)
    return croniter(rule.schedule, moment.astimezone(zone)).get_next(datetime).astimezone(UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def due_rules(rules: list[AlertRule], moment: datetime,
              claimed_by: str) -> list[tuple[AlertRule, datetime]]:
    """The rules this process must run now, each with the due time it claimed."""
    found = []
    for rule in rules:
        if not rule.enabled:
            continue
        due = due_time(rule, moment)
        last = store.last_claimed(rule.key)
        if last is not None and due <= last:
            continue  # already run (here or elsewhere)
        if moment - due > CATCH_UP:
            log.info("alert %r: due %s missed by more than %s; waiting for %s", rule.name,
                     due.isoformat(), CATCH_UP, next_time(rule, moment).isoformat())
            continue
        if store.claim(rule.key, due, claimed_by):
            found.append((rule, due))
    return found


class AlertScheduler:
    """A daemon thread that runs due rules every TICK_S seconds (one per process; the
    claims make each due time run once however many there are)."""

    def __init__(self, rules: Callable[[], list[AlertRule]],
                 run: Callable[[AlertRule], object], tick_s: float = TICK_S) -> None:
        self.rules, self.run, self.tick_s = rules, run, tick_s
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="stocklens-alerts",
                                       daemon=True)
        self.name = worker_name()

    def start(self) -> AlertScheduler:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()

    def run_once(self, moment: datetime | None = None) -> int:
        """Run what is due now; how many rules ran."""
        ran = 0
        for rule, due in due_rules(self.rules(), moment or datetime.now(UTC), self.name):
            try:
                self.run(rule)
                ran += 1
            except Exception:  # one broken rule must not stop the others
                log.exception("alert %r (due %s) failed", rule.name, due.isoformat())
        return ran

    def _loop(self) -> None:
        self._tick()  # at start: catch up what came due while the server was down
        while not self.stop_event.wait(self.tick_s):
            self._tick()

    def _tick(self) -> None:
        try:
            self.run_once()
        except Exception:  # the state database is unreadable now: try next tick
            log.exception("alert scheduler tick failed")


def scheduler_enabled() -> bool:
    return os.environ.get(ALERTS_ENV, "on").strip().lower() not in ("off", "0", "no")


def make_scheduler(default_source: Callable[[], str]) -> AlertScheduler:
    """A scheduler (not started) whose rules and SMTP settings are read again at every
    tick, so a rule saved on the Alerts page or a changed config file takes effect without
    a restart."""
    from alerts.channels.config import ConfigError
    from alerts.config import load_alert_config
    from alerts.runner import run_rule
    from service.extract_jobs import RefreshJob, refresh_jobs

    current: dict[str, object] = {}

    def rules() -> list[AlertRule]:
        try:
            config = load_alert_config()
        except ConfigError as exc:
            log.error("alerts: the config cannot be used: %s", exc)
            return []
        current["smtp"] = config.smtp
        return list(config.rules)

    def due() -> list[AlertRule]:
        """The alert rules and the extract refreshes (service/extract_jobs.py), which
        are claimed and caught up exactly as rules are."""
        return [*rules(), *refresh_jobs()]  # type: ignore[list-item]

    def run(rule: AlertRule) -> None:
        if isinstance(rule, RefreshJob):
            rule.run()
            return
        run_rule(rule, rule.source or default_source(), current.get("smtp"))  # type: ignore[arg-type]

    tick = float(os.environ.get(TICK_ENV) or TICK_S)
    return AlertScheduler(due, run, tick_s=max(tick, 0.5))


def start_scheduler(default_source: Callable[[], str],
                    force: bool = False) -> AlertScheduler | None:
    """The process's scheduler thread: None when $STOCKLENS_ALERTS is off, unless `force`
    (`python app.py worker` runs it whatever the web tier's setting)."""
    if not (force or scheduler_enabled()):
        return None
    scheduler = make_scheduler(default_source).start()
    log.info("alert scheduler started (%s, every %.0f s)", scheduler.name, scheduler.tick_s)
    return scheduler
