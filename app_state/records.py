"""What saved views and boards share: a name people type (trimmed, 1–80 characters,
unique regardless of case), free names for copies ("X (copy 2)") and imports, and the
errors a page can translate (they carry what went wrong, not only an English sentence).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, select

MAX_NAME = 80


class InvalidName(ValueError):
    """A name that cannot be stored; `problem` is "empty", "too_long" or "taken"."""

    def __init__(self, what: str, problem: str, name: str) -> None:
        texts = {"empty": f"a {what} name must not be empty",
                 "too_long": f"a {what} name has at most {MAX_NAME} characters "
                             f"({len(name)} given)",
                 "taken": f"there is already a {what} named {name!r}"}
        super().__init__(texts[problem])
        self.what, self.problem, self.name = what, problem, name


class NotFound(LookupError):
    """No saved `what` has this id (deleted meanwhile, or a stale link)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"there is no {what} #{ident}")
        self.what, self.ident = what, ident


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clean_name(what: str, name: object) -> str:
    """The name as stored: trimmed; empty or longer than MAX_NAME is refused."""
    text = str(name or "").strip()
    if not text:
        raise InvalidName(what, "empty", text)
    if len(text) > MAX_NAME:
        raise InvalidName(what, "too_long", text)
    return text


def name_taken(conn: Connection, column: Column, name: str,
               except_id: tuple[Column, int] | None = None) -> bool:
    """Whether another row has this name; the column's NOCASE collation makes "Stock"
    and "stock" the same name."""
    stmt = select(column).where(column == name)
    if except_id is not None:
        stmt = stmt.where(except_id[0] != except_id[1])
    return conn.execute(stmt.limit(1)).first() is not None


def _suffixed(base: str, label: str, n: int) -> str:
    suffix = f" ({label})" if n == 1 else f" ({label} {n})"
    return base[:MAX_NAME - len(suffix)].rstrip() + suffix


def free_name(conn: Connection, column: Column, name: str, label: str) -> str:
    """`name` when free, else "name (label)", "name (label 2)", … — the first one free.
    A name that already ends in "(label N)" counts on from its base, so copying
    "X (copy)" gives "X (copy 2)", not "X (copy) (copy)"."""
    if not name_taken(conn, column, name):
        return name
    base = re.sub(rf" \({re.escape(label)}(?: \d+)?\)$", "", name) or name
    n = 1
    while name_taken(conn, column, _suffixed(base, label, n)):
        n += 1
    return _suffixed(base, label, n)
