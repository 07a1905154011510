"""Alerts' state in the app-state database: rules made on the Alerts page, each rule's
state per recipient, the claims that make a due time run once across every process and
server, the execution log, and users' e-mail addresses.

Plain data in and out (dicts, dataclasses of this module): the alert logic lives in
alerts/. The tables are part of the state database's schema (app_state/migrations/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state.db import bump_version, metadata, read_version, state_engine
from app_state.dialect import name_type
from app_state.records import as_utc, now
from app_state.users import users

AREA = "alerts"

alert_rules = Table(
    "alert_rules", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", name_type(), nullable=False, unique=True),
    Column("owner", String, nullable=True),  # the account that made it
    Column("body", Text, nullable=False),  # the rule's config form as JSON
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

alert_state = Table(
    "alert_state", metadata,
    Column("rule_key", String, primary_key=True),
    Column("recipient", String, primary_key=True),  # a user name, or "" (the rule's owner)
    Column("state", String, nullable=False),  # ok, pending, firing
    Column("since", DateTime(timezone=True), nullable=False),
    Column("last_sent", DateTime(timezone=True), nullable=True),
    Column("value", Float, nullable=True),
)

alert_claims = Table(
    "alert_claims", metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_key", String, nullable=False),
    Column("due", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String, nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("rule_key", "due", name="alert_claims_once"),
)

alert_log = Table(
    "alert_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("rule", String, nullable=False),
    Column("recipient", String, nullable=False),
    Column("state", String, nullable=False),
    Column("value", Text, nullable=True),  # as shown
    Column("channel", String, nullable=True),  # None: an evaluation without a send
    Column("ok", Boolean, nullable=True),
    Column("detail", Text, nullable=False, default=""),
)
Index("alert_log_by_channel", alert_log.c.channel, alert_log.c.ts)

user_contacts = Table(
    "user_contacts", metadata,
    Column("user_id", Integer, ForeignKey(users.c.id, ondelete="CASCADE"), primary_key=True),
    Column("email", String, nullable=False),
)


@dataclass(frozen=True)
class StoredRule:
    id: int
    name: str
    owner: str | None
    body: dict
    enabled: bool
    updated_at: datetime


@dataclass(frozen=True)
class RuleState:
    state: str
    since: datetime
    last_sent: datetime | None
    value: float | None


@dataclass(frozen=True)
class LogEntry:
    ts: datetime
    rule: str
    recipient: str
    state: str
    value: str | None
    channel: str | None
    ok: bool | None
    detail: str


class RuleNameTaken(ValueError):
    """Another rule has this name."""


# ---- rules made on the Alerts page -------------------------------------------------------
def _stored(row: object) -> StoredRule:
    return StoredRule(row.id, row.name, row.owner, json.loads(row.body),  # type: ignore
                      bool(row.enabled), as_utc(row.updated_at))  # type: ignore[attr-defined]


def list_rules() -> list[StoredRule]:
    with state_engine().connect() as conn:
        rows = conn.execute(select(alert_rules).order_by(alert_rules.c.name)).all()
    return [_stored(r) for r in rows]


def get_rule(rule_id: int) -> StoredRule | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(alert_rules).where(alert_rules.c.id == rule_id)).first()
    return _stored(row) if row is not None else None


def save_rule(body: dict, owner: str | None, rule_id: int | None = None) -> int:
    """Insert (rule_id None) or replace a rule's body; the body's name is the rule's name."""
    moment = now()
    values = {"name": body["name"], "owner": owner, "body": json.dumps(body),
              "enabled": bool(body.get("enabled", True)), "updated_at": moment}
    try:
        with state_engine().begin() as conn:
            if rule_id is None:
                rule_id = conn.execute(insert(alert_rules).values(
                    **values, created_at=moment)).inserted_primary_key[0]
            else:
                conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id)
                             .values(**values))
            bump_version(conn, AREA)
    except IntegrityError:
        raise RuleNameTaken(f"a rule named {body['name']!r} exists already") from None
    return int(rule_id)  # type: ignore[arg-type]


def set_enabled(rule_id: int, enabled: bool) -> None:
    with state_engine().begin() as conn:
        row = conn.execute(select(alert_rules.c.body).where(alert_rules.c.id == rule_id)).first()
        if row is None:
            return
        body = {**json.loads(row.body), "enabled": enabled}
        conn.execute(update(alert_rules).where(alert_rules.c.id == rule_id).values(
            enabled=enabled, body=json.dumps(body), updated_at=now()))
        bump_version(conn, AREA)


def delete_rule(rule_id: int) -> None:
    with state_engine().begin() as conn:
        conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
        bump_version(conn, AREA)


def rules_version() -> int:
    with state_engine().connect() as conn:
        return read_version(conn, AREA)


# ---- state per rule and recipient --------------------------------------------------------
def get_state(rule_key: str, recipient: str) -> RuleState | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(alert_state).where(
            (alert_state.c.rule_key == rule_key) & (alert_state.c.recipient == recipient))
        ).first()
    if row is None:
        return None
    return RuleState(row.state, as_utc(row.since),
                     as_utc(row.last_sent) if row.last_sent else None, row.value)


def put_state(rule_key: str, recipient: str, state: RuleState) -> None:
    values = {"state": state.state, "since": state.since, "last_sent": state.last_sent,
              "value": state.value}
    with state_engine().begin() as conn:
        done = conn.execute(update(alert_state).where(
            (alert_state.c.rule_key == rule_key) & (alert_state.c.recipient == recipient))
            .values(**values))
        if done.rowcount == 0:
            conn.execute(insert(alert_state).values(rule_key=rule_key, recipient=recipient,
                                                    **values))


# ---- claims: one evaluation per due time, across processes ------------------------------
def claim(rule_key: str, due: datetime, claimed_by: str) -> bool:
    """True for exactly one caller per (rule, due time), whichever process or server it
    is: the unique constraint decides, inside the database."""
    try:
        with state_engine().begin() as conn:
            conn.execute(insert(alert_claims).values(rule_key=rule_key, due=due,
                                                     claimed_by=claimed_by,
                                                     claimed_at=now()))
    except IntegrityError:
        return False
    return True


def last_claimed(rule_key: str) -> datetime | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(alert_claims.c.due).where(alert_claims.c.rule_key == rule_key)
                           .order_by(alert_claims.c.due.desc()).limit(1)).first()
    return as_utc(row.due) if row is not None else None


def claims_of(rule_key: str) -> list[tuple[datetime, str]]:
    with state_engine().connect() as conn:
        rows = conn.execute(select(alert_claims.c.due, alert_claims.c.claimed_by)
                            .where(alert_claims.c.rule_key == rule_key)
                            .order_by(alert_claims.c.due)).all()
    return [(as_utc(r.due), r.claimed_by) for r in rows]


# ---- the execution log ---------------------------------------------------------------------
def log_entry(rule: str, recipient: str, state: str, value: str | None,
              channel: str | None = None, ok: bool | None = None, detail: str = "") -> None:
    with state_engine().begin() as conn:
        conn.execute(insert(alert_log).values(ts=now(), rule=rule, recipient=recipient,
                                              state=state, value=value, channel=channel,
                                              ok=ok, detail=detail[:2000]))


def last_log(limit: int = 100, rule: str | None = None) -> list[LogEntry]:
    query = select(alert_log).order_by(alert_log.c.id.desc()).limit(limit)
    if rule is not None:
        query = query.where(alert_log.c.rule == rule)
    with state_engine().connect() as conn:
        rows = conn.execute(query).all()
    return [LogEntry(as_utc(r.ts), r.rule, r.recipient, r.state, r.value, r.channel,
                     r.ok, r.detail) for r in rows]


def sends_since(channel: str, since: datetime) -> int:
    """Messages sent to a channel (its masked name) since `since`: its rate limit."""
    with state_engine().connect() as conn:
        rows = conn.execute(select(alert_log.c.id).where(
            (alert_log.c.channel == channel) & (alert_log.c.ts >= since)
            & (alert_log.c.ok.is_(True)))).all()
    return len(rows)


def failing_channels(window: int = 5) -> dict[str, str]:
    """Channels whose last `window` sends all failed: name → the last error."""
    with state_engine().connect() as conn:
        rows = conn.execute(select(alert_log.c.channel, alert_log.c.ok, alert_log.c.detail)
                            .where(alert_log.c.channel.is_not(None))
                            .order_by(alert_log.c.id.desc()).limit(2000)).all()
    recent: dict[str, list[tuple[bool, str]]] = {}
    for channel, ok, detail in rows:
        if len(recent.setdefault(channel, [])) < window:
            recent[channel].append((bool(ok), detail))
    return {c: sends[0][1] for c, sends in recent.items()
            if len(sends) == window and not any(ok for ok, _ in sends)}


# ---- users' e-mail addresses ---------------------------------------------------------------
def set_email(user_id: int, email: str | None) -> None:
    with state_engine().begin() as conn:
        conn.execute(delete(user_contacts).where(user_contacts.c.user_id == user_id))
        if email:
            conn.execute(insert(user_contacts).values(user_id=user_id, email=email))


def email_of(user_id: int) -> str | None:
    with state_engine().connect() as conn:
        row = conn.execute(select(user_contacts.c.email)
                           .where(user_contacts.c.user_id == user_id)).first()
    return row.email if row is not None else None
