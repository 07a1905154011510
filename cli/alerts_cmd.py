"""`app.py alerts list|run|test|log`: the alert rules of the config file and the Alerts page.

    python app.py alerts list --config stocklens.yaml
    python app.py alerts run --once --config stocklens.yaml [--source erp]
    python app.py alerts test "Dairy turnover days, East" --config stocklens.yaml
    python app.py alerts log [--rule NAME] [--limit 50]

`run --once` evaluates every enabled rule now (whatever its schedule), sends what fires,
prints one line per rule and recipient — name, value, state, each channel's result — and
exits 0, or 1 if any send failed. The server's scheduler runs the same rules on their
cron schedules (README, "Alerts and subscriptions").
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.args import UsageError
from cli.source_args import add_source_arguments, registry_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="list, run, test alert rules; read their log",
                       description="Alert rules (预警): the config file's `alerts:` and "
                                   "the rules made on the Alerts page.")
    commands = p.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    listed = commands.add_parser("list", help="every rule: what it watches, when, where to")
    _common(listed, sources=False)
    listed.set_defaults(handler=list_rules)
    run = commands.add_parser("run", help="evaluate every enabled rule now and send what "
                                          "fires (exit 1 if a send failed)")
    run.add_argument("--once", action="store_true", required=True,
                     help="evaluate once and exit (the server schedules them itself)")
    _common(run)
    run.set_defaults(handler=run_rules)
    test = commands.add_parser("test", help="send a test message of a rule's current value")
    test.add_argument("name", help="the rule's name")
    _common(test)
    test.set_defaults(handler=test_rule)
    log = commands.add_parser("log", help="the latest evaluations and sends")
    log.add_argument("--rule", help="only this rule")
    log.add_argument("--limit", type=int, default=50)
    log.set_defaults(handler=show_log)


def _common(parser: argparse.ArgumentParser, sources: bool = True) -> None:
    if sources:
        add_source_arguments(parser)
    else:
        parser.add_argument("--config", type=Path, help="the config file (default: "
                                                       "$STOCKLENS_CONFIG)")


def _config(args: argparse.Namespace):
    from alerts.channels.config import ConfigError
    from alerts.config import load_alert_config

    try:
        return load_alert_config(getattr(args, "config", None))
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _serve_sources(args: argparse.Namespace) -> str | None:
    """The sources named on the command line (or the demo's), served to the service."""
    from app import demo_registry
    from service import sources

    registry = registry_from_args(args) or demo_registry()
    sources.use_registry(registry)
    return registry.default


def list_rules(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from alerts.delivery import channel_name
    from alerts.scheduler import next_time

    config = _config(args)
    for rule in config.rules:
        targets = ", ".join(rule.recipients) or ("all data" if rule.owner is None
                                                 else f"owner {rule.owner}")
        print(f"{rule.name}: {rule.watched} {rule.condition.text()} over {rule.period}; "
              f"{rule.schedule} {rule.timezone} (next "
              f"{next_time(rule, datetime.now(UTC)).isoformat()}); for {targets}; to "
              f"{', '.join(channel_name(c) for c in rule.channels)}"
              f"{'' if rule.enabled else ' [disabled]'}")
    for problem in config.problems:
        print(f"error: {problem}")
    return 1 if config.problems else 0


def _print(outcomes: list) -> bool:
    failed = False
    for o in outcomes:
        sends = "; ".join(f"{name} {'ok' if ok else 'FAILED'} ({detail})"
                          for name, ok, detail in o.sends) or "nothing sent"
        who = o.recipient or "-"
        print(f"{o.rule} | {who} | {o.value} | {o.state} | "
              f"{o.problem if o.problem else sends}")
        failed = failed or o.failed
    return failed


def run_rules(args: argparse.Namespace) -> int:
    from alerts.runner import run_rule

    config = _config(args)
    source = _serve_sources(args)
    failed = False
    for rule in config.rules:
        if rule.enabled:
            failed = _print(run_rule(rule, rule.source or source, config.smtp)) or failed
    return 1 if failed else 0


def test_rule(args: argparse.Namespace) -> int:
    from alerts.runner import test_rule as send_test

    config = _config(args)
    rule = next((r for r in config.rules if r.name.lower() == args.name.lower()), None)
    if rule is None:
        raise UsageError(f"no rule named {args.name!r}; rules: "
                         f"{', '.join(r.name for r in config.rules) or 'none'}")
    source = _serve_sources(args)
    return 1 if _print(send_test(rule, rule.source or source, config.smtp)) else 0


def show_log(args: argparse.Namespace) -> int:
    from app_state.alerts import last_log

    for e in reversed(last_log(args.limit, args.rule)):
        sent = "" if e.channel is None else f" → {e.channel} {'ok' if e.ok else 'FAILED'}"
        print(f"{e.ts:%Y-%m-%d %H:%M:%S} {e.rule} | {e.recipient or '-'} | {e.state} | "
              f"{e.value or '—'}{sent} {e.detail}")
    return 0
