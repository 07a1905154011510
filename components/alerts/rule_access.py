"""Who may see, edit and test which alert rule, and what a manager may send where.

A message that leaves StockLens (a robot's group chat, a webhook, an e-mail address typed
into the rule) reaches people whose scope nobody checks. So (issue 16 item 4) only an
editor who sees all data may address a rule to anyone; a manager's rules are addressed to
herself: `recipients` is exactly her own name (the rule is evaluated in her scope) and
every channel is e-mail without `to` (it goes to her own address). The page checks it on
the server when a rule is saved, whatever the browser sent.

What a scoped editor sees follows the same line: rules she made or that are addressed to
her, and the log lines of those — never another scope's values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from alerts.rules import AlertRule
from app_state.alerts import LogEntry


@dataclass(frozen=True)
class Editor:
    """The person on the page. `name` None: demo mode (no account; the rules made are the
    server's own and evaluated for all data, like the config file's)."""

    name: str | None
    all_data: bool

    def is_me(self, name: str | None) -> bool:
        return bool(self.name and name and name.casefold() == self.name.casefold())


def editor_of(user: object | None) -> Editor:
    """From auth's CurrentUser: an account (user_id set) owns what it saves; demo mode
    owns nothing. Nobody at all sees nothing."""
    if user is None:
        return Editor("", False)
    account = getattr(user, "user_id", None) is not None
    return Editor(getattr(user, "name", None) if account else None,
                  not getattr(user, "scope", None))


def may_see(editor: Editor, rule: AlertRule) -> bool:
    return editor.all_data or editor.is_me(rule.owner) or any(
        editor.is_me(r) for r in rule.recipients)


def may_edit(editor: Editor, rule: AlertRule) -> bool:
    """Stored rules only (the config file's are edited in the file)."""
    if rule.rule_id is None:
        return False
    return editor.all_data or editor.is_me(rule.owner)


def may_test(editor: Editor, rule: AlertRule) -> bool:
    """Send a test: a rule one may edit, or a config-file rule for someone who sees all
    of its data."""
    return may_edit(editor, rule) or (rule.rule_id is None and editor.all_data)


def visible_log(editor: Editor, entries: Iterable[LogEntry],
                rules: Iterable[AlertRule]) -> list[LogEntry]:
    """Log lines the editor may read: all of them with all data; else those addressed to
    her and the owner-evaluated lines of rules she made."""
    entries = list(entries)
    if editor.all_data:
        return entries
    own = {r.name.casefold() for r in rules if editor.is_me(r.owner)}
    return [e for e in entries if editor.is_me(e.recipient)
            or (e.recipient == "" and e.rule.casefold() in own)]


@dataclass(frozen=True)
class Refusal:
    """Why a rule may not be saved: an i18n key of strings_alerts_page and its values."""

    key: str
    values: dict[str, str]


def address_problem(editor: Editor, body: dict) -> Refusal | None:
    """None when the editor may address a rule like `body`, else why not: an editor who
    sees all data may send anywhere; a scoped one only to herself by e-mail."""
    if editor.all_data:
        return None
    recipients = [str(r) for r in body.get("recipients") or []]
    if len(recipients) != 1 or not editor.is_me(recipients[0]):
        return Refusal("alerts.refuse.recipients", {"name": editor.name or "-"})
    for channel in body.get("channels") or []:
        kind = str(channel.get("type", "")).lower() if isinstance(channel, dict) else ""
        if kind != "email":
            return Refusal("alerts.refuse.robot", {"type": kind or "?"})
        if channel.get("to"):
            return Refusal("alerts.refuse.to", {})
    return None


def unknown_recipients(body: dict, has_account: Callable[[str], bool]) -> Refusal | None:
    """Recipients are evaluated in their own scope, so each must be an enabled account."""
    unknown = [str(r) for r in body.get("recipients") or [] if not has_account(str(r))]
    if unknown:
        return Refusal("alerts.refuse.unknown", {"names": ", ".join(unknown)})
    return None
