"""The alert part of the config file (`--config` / $STOCKLENS_CONFIG) and the rules
stored by the Alerts page, read together.

    timezone: Asia/Shanghai        # the server's zone for schedules (default Asia/Shanghai)
    smtp: {host: smtp.example.com, port: 587, from: bi@example.com, starttls: true,
           username: bi, password: ${SMTP_PASSWORD}}
    alerts: [ … rules, see alerts/rules.py … ]

${ENV} references in the smtp and channel settings are replaced as everywhere in the
file; secrets are masked whenever a rule or a channel is shown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alerts.channels.config import ConfigError, SmtpConfig, parse_smtp
from alerts.rules import DEFAULT_TIMEZONE, AlertRule, check_schedule, parse_rule
from app_state import alerts as store
from data_connectors.config import CONFIG_ENV, read_config_file
from data_connectors.config import ConfigError as SourcesConfigError

TIMEZONE_ENV = "STOCKLENS_TIMEZONE"


@dataclass(frozen=True)
class AlertConfig:
    rules: tuple[AlertRule, ...] = ()
    smtp: SmtpConfig | None = None
    timezone: str = DEFAULT_TIMEZONE
    problems: tuple[str, ...] = field(default=())  # stored rules that no longer parse


def config_path(explicit: Path | None = None) -> Path | None:
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else None


def server_timezone(raw: dict[str, Any] | None = None) -> str:
    zone = (raw or {}).get("timezone") or os.environ.get(TIMEZONE_ENV) or DEFAULT_TIMEZONE
    check_schedule("0 8 * * *", str(zone), "timezone")
    return str(zone)


def load_alert_config(path: Path | None = None, *, stored: bool = True) -> AlertConfig:
    """Rules of the config file (if any) and, with `stored`, of the Alerts page."""
    path = config_path(path)
    try:
        raw: dict[str, Any] = read_config_file(path) if path is not None else {}
    except SourcesConfigError as exc:
        raise ConfigError(str(exc)) from None
    zone = server_timezone(raw)
    # ${ENV} in the smtp and channel settings is replaced by their parsers
    smtp = parse_smtp(raw["smtp"], "smtp", path.resolve().parent if path else None) \
        if raw.get("smtp") else None
    listed = raw.get("alerts") or []
    if not isinstance(listed, list):
        raise ConfigError("alerts: expected a list of rules")
    rules = [parse_rule(r, i, default_timezone=zone) for i, r in enumerate(listed)]
    names = [r.name.lower() for r in rules]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ConfigError(f"alerts: rule names must differ; twice: {', '.join(twice)}")
    problems = []
    if stored:
        for saved in store.list_rules():
            try:
                rules.append(parse_rule(saved.body, default_timezone=zone, owner=saved.owner,
                                        rule_id=saved.id))
            except ConfigError as exc:
                problems.append(f"stored rule #{saved.id}: {exc}")
    return AlertConfig(tuple(rules), smtp, zone, tuple(problems))
