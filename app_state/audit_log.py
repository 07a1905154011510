"""The audit log: who did what, when, from where — logins, failed logins, logouts,
exports, token and account changes — in the app-state database.

Rows are only ever added. `detail` is a short text written by the caller (a failed
login's reason, what was exported); nothing secret goes in it — auth/audit.py is the one
writer and never passes a password or a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, insert, select

from app_state.db import metadata, state_engine
from app_state.dialect import NEVER_REUSED_IDS
from app_state.records import as_utc, now

MAX_DETAIL = 1000

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("user", String, nullable=True),  # None: nobody signed in (a failed login's
    Column("event", String, nullable=False),  # name tried is in `detail`)
    Column("detail", Text, nullable=False, default=""),
    Column("ip", String, nullable=True),  # None: the command line
    **NEVER_REUSED_IDS,
)
Index("audit_log_by_ts", audit_log.c.ts)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: datetime
    user: str | None
    event: str
    detail: str
    ip: str | None


def write_entry(event: str, detail: str, user: str | None, ip: str | None) -> None:
    text = " ".join(str(detail or "").split())[:MAX_DETAIL]
    with state_engine().begin() as conn:
        conn.execute(insert(audit_log).values(ts=now(), user=user, event=event, detail=text,
                                              ip=ip))


def last_entries(count: int = 50, event: str | None = None) -> list[AuditEntry]:
    """The latest `count` entries (of one event, if given), oldest first."""
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, count))
    if event is not None:
        stmt = stmt.where(audit_log.c.event == event)
    with state_engine().connect() as conn:
        rows = conn.execute(stmt).all()
    return [AuditEntry(r.id, as_utc(r.ts), r.user, r.event, r.detail, r.ip)
            for r in reversed(rows)]
