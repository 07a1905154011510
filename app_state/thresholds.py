"""Threshold overrides in the app-state database, and the provider the metrics layer asks.

A row is one metric's (good, bad) for all categories (stored with category '', which no
category is called: a key column every database accepts; None in this module's API) or
for one category,
on the stored scale (ratios as fractions, annualized metrics per year). Every save or
reset bumps the "thresholds" change counter in the same transaction; `current_threshold_set`
reads that counter on each call and reloads the rows only when it moved, so a save in one
server process is seen by the next request in every other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Float,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import ColumnElement

from app_state.db import bump_version, metadata, read_version, state_engine, state_key
from metrics.registry import Thresholds
from metrics.thresholds import NO_OVERRIDES, ThresholdSet, set_threshold_provider, validate

AREA = "thresholds"
log = logging.getLogger(__name__)

thresholds = Table(
    "thresholds", metadata,
    Column("metric_id", String, primary_key=True),
    Column("category", String, primary_key=True),  # ALL_CATEGORIES: every category
    Column("good", Float, nullable=False),
    Column("bad", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
ALL_CATEGORIES = ""  # the stored category of an override for all categories (API: None)


class InvalidThresholds(ValueError):
    """Raised with every problem found; nothing was saved."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class AllScopes(Enum):
    """`reset(category=ALL_SCOPES)`: global and every category (unlike None: global)."""

    ALL = "all"


ALL_SCOPES = AllScopes.ALL


@dataclass(frozen=True)
class ThresholdChange:
    """One override to store: category None means all categories."""

    metric_id: str
    category: str | None
    good: float
    bad: float


def _checked_category(category: str | None) -> str | None:
    if category is not None and not category.strip():
        raise ValueError("a category override needs a category name (None: all categories)")
    return category


def _stored(category: str | None) -> str:
    return ALL_CATEGORIES if category is None else category


def _in_scope(category: str | None) -> ColumnElement[bool]:
    return thresholds.c.category == _stored(category)


def _load(conn: Connection) -> ThresholdSet:
    overall: dict[str, Thresholds] = {}
    by_category: dict[str, dict[str, Thresholds]] = {}
    for row in conn.execute(select(thresholds)):
        limits = Thresholds(good=row.good, bad=row.bad)
        if row.category == ALL_CATEGORIES:
            overall[row.metric_id] = limits
        else:
            by_category.setdefault(row.category, {})[row.metric_id] = limits
    return ThresholdSet(overall, by_category)


def load_threshold_set() -> ThresholdSet:
    """Every stored override, read now (no cache)."""
    with state_engine().connect() as conn:
        return _load(conn)


def save_thresholds(changes: Iterable[ThresholdChange], lang: str = "en") -> None:
    """Store overrides all or nothing: every change is validated first and the first
    problem anywhere stores none of them (InvalidThresholds lists them all)."""
    changes = list(changes)
    problems = [p for c in changes for p in validate(c.metric_id, c.good, c.bad, lang)]
    if problems:
        raise InvalidThresholds(problems)
    now = datetime.now(UTC)
    with state_engine().begin() as conn:
        for change in changes:
            category = _checked_category(change.category)
            conn.execute(delete(thresholds).where(thresholds.c.metric_id == change.metric_id,
                                                  _in_scope(category)))
            conn.execute(insert(thresholds).values(
                metric_id=change.metric_id, category=_stored(category), good=float(change.good),
                bad=float(change.bad), updated_at=now))
        bump_version(conn, AREA)


def save_threshold(metric_id: str, category: str | None, good: float, bad: float,
                   lang: str = "en") -> None:
    """Store one override (validated first; InvalidThresholds when not acceptable)."""
    save_thresholds([ThresholdChange(metric_id, category, good, bad)], lang)


def reset(metric_id: str | None = None,
          category: str | AllScopes | None = ALL_SCOPES) -> int:
    """Delete overrides, so defaults (or the global override) apply again; returns how
    many. reset(): all; reset("m"): metric m everywhere; reset(category="c"): everything
    of category c; reset(category=None): the global overrides; reset("m", "c"): one."""
    stmt = delete(thresholds)
    if metric_id is not None:
        stmt = stmt.where(thresholds.c.metric_id == metric_id)
    if not isinstance(category, AllScopes):
        stmt = stmt.where(_in_scope(_checked_category(category)))
    with state_engine().begin() as conn:
        removed = conn.execute(stmt).rowcount
        bump_version(conn, AREA)
    return int(removed)


_cache: dict[str, tuple[tuple[str, int], ThresholdSet]] = {}
_reported: set[str] = set()


def current_threshold_set() -> ThresholdSet:
    """The overrides now, reloaded only when the change counter moved (one tiny read per
    call). If the state database cannot be read, the last set read from that same database (or
    none) applies, so the board keeps working; the error is logged once."""
    where = state_key()
    cached = _cache.get("set")
    try:
        with state_engine().connect() as conn:
            key = (where, read_version(conn, AREA))
            if cached is not None and cached[0] == key:
                return cached[1]
            loaded = _load(conn)
    except (SQLAlchemyError, OSError) as exc:
        if str(exc) not in _reported:
            _reported.add(str(exc))
            log.warning("threshold overrides unavailable, using the last known: %s", exc)
        return cached[1] if cached is not None and cached[0][0] == where else NO_OVERRIDES
    _cache["set"] = (key, loaded)  # one assignment: safe across server threads
    return loaded


def install() -> None:
    """Make the metrics layer's `status` use the stored overrides (called by create_app)."""
    set_threshold_provider(current_threshold_set)
