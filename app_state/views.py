"""Saved views in the app-state database: a name and a spec, kept as plain JSON data.

The spec is the view's JSON form (ViewSpec.to_json() of components/boards/view_spec.py):
this module stores and returns it as a dict and never reads its meaning; turning it into a
ViewSpec, strictly, is components/boards/saved.py's business (app_state/ imports no UI code).

A view is what Explore builds and a board tile shows. Names are unique regardless of case
and trimmed (1–80 characters); problems raise InvalidName, which names the problem.

Deleting a view that tiles use is allowed: the tiles stay on their boards and say that
their view was deleted (the board's owner sees the hole and removes it, instead of the
view silently vanishing from boards). The foreign key of board_tiles.view_id (ON DELETE SET
NULL, app_state/boards.py) does that in the database itself; `delete_view` returns how many
tiles lost their view so the page can say so.

Every write bumps the "views" change counter in its transaction — first, so the upsert
opens the write transaction before anything is read (pysqlite only begins one at the first
write; on PostgreSQL the counter's row stays locked until the commit) and two processes
cannot interleave. `get_view`, which every board tile calls,
reads from a per-process copy of all views that is reloaded only when the counter moved:
a save in any server process is seen by the next tile drawn in every other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from app_state.db import bump_version, metadata, read_version, state_engine, state_key
from app_state.dialect import NEVER_REUSED_IDS, name_type
from app_state.records import (
    InvalidName,
    NotFound,
    as_utc,
    clean_name,
    free_name,
    name_taken,
    now,
)

AREA = "views"
WHAT = "view"

views = Table(
    "views", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", name_type(), nullable=False, unique=True),
    Column("spec", Text, nullable=False),  # the spec dict as JSON text (ViewSpec.to_json())
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    **NEVER_REUSED_IDS,  # a deleted view's id is never reused by a new one
)


class SavedView(NamedTuple):
    name: str
    spec: dict[str, Any]  # the view's JSON form, as stored


@dataclass(frozen=True)
class ViewInfo:
    """A row of the list of saved views."""

    id: int
    name: str
    spec: dict[str, Any] | None  # None: stored text that is not JSON (see `problem`)
    created_at: datetime
    updated_at: datetime
    problem: str | None = None


def spec_text(spec: Mapping[str, Any]) -> str:
    """The stored text of a spec (one text per spec: keys sorted)."""
    if not isinstance(spec, Mapping):
        raise TypeError(f"a view's spec is stored as its JSON form (a dict), not {spec!r}")
    return json.dumps(dict(spec), ensure_ascii=False, sort_keys=True)


def read_spec(text: str) -> dict[str, Any]:
    """The stored spec as data, as it is (ValueError when the text is not JSON). Only dicts
    are ever stored; what the data means is checked by the layer that reads it."""
    return json.loads(text)


@contextmanager
def writing() -> Iterator[Connection]:
    """A write transaction on views, counted once, begun by the count (see the module)."""
    with state_engine().begin() as conn:
        bump_version(conn, AREA)
        yield conn


def _insert(conn: Connection, name: str, spec: Mapping[str, Any]) -> int:
    if name_taken(conn, views.c.name, name):
        raise InvalidName(WHAT, "taken", name)
    moment = now()
    try:
        result = conn.execute(insert(views).values(name=name, spec=spec_text(spec),
                                                   created_at=moment, updated_at=moment))
    except IntegrityError as exc:  # taken by another process meanwhile
        raise InvalidName(WHAT, "taken", name) from exc
    return int(result.inserted_primary_key[0])


def insert_view(conn: Connection, name: str, spec: Mapping[str, Any]) -> int:
    """Insert inside the caller's transaction (board import); the caller bumps AREA."""
    return _insert(conn, clean_name(WHAT, name), spec)


def save_view(name: str, spec: Mapping[str, Any]) -> int:
    """Store a new view; its id. InvalidName when the name is empty, too long or taken."""
    name = clean_name(WHAT, name)
    with writing() as conn:
        return _insert(conn, name, spec)


def _row(conn: Connection, view_id: int):
    row = conn.execute(select(views).where(views.c.id == view_id)).first()
    if row is None:
        raise NotFound(WHAT, view_id)
    return row


def list_views() -> list[ViewInfo]:
    """Every saved view, by name. A view whose stored text is not JSON is listed with its
    problem (so it can still be renamed or deleted), never dropped."""
    with state_engine().connect() as conn:
        rows = conn.execute(select(views).order_by(func.lower(views.c.name))).all()
    out = []
    for row in rows:
        try:
            spec, problem = read_spec(row.spec), None
        except ValueError as exc:
            spec, problem = None, str(exc)
        out.append(ViewInfo(row.id, row.name, spec, as_utc(row.created_at),
                            as_utc(row.updated_at), problem))
    return out


_cache: dict[str, tuple[tuple[str, int], dict[int, tuple[str, str]]]] = {}


def _all_views() -> dict[int, tuple[str, str]]:
    """{id: (name, spec JSON)}, reloaded only when the change counter moved."""
    where = state_key()
    with state_engine().connect() as conn:
        key = (where, read_version(conn, AREA))
        cached = _cache.get("views")
        if cached is not None and cached[0] == key:
            return cached[1]
        loaded = {row.id: (row.name, row.spec)
                  for row in conn.execute(select(views.c.id, views.c.name, views.c.spec))}
    _cache["views"] = (key, loaded)  # one assignment: safe across server threads
    return loaded


def get_view(view_id: int) -> SavedView:
    """(name, spec: a fresh dict each call). NotFound when deleted; ValueError when the
    stored text is not JSON."""
    found = _all_views().get(int(view_id))
    if found is None:
        raise NotFound(WHAT, view_id)
    return SavedView(found[0], read_spec(found[1]))


def views_version() -> int:
    """The change counter of saved views (moves on every save, rename, delete…)."""
    with state_engine().connect() as conn:
        return read_version(conn, AREA)


def rename_view(view_id: int, name: str) -> str:
    """Rename; the stored name. InvalidName when empty, too long or another's."""
    name = clean_name(WHAT, name)
    with writing() as conn:
        _row(conn, view_id)
        if name_taken(conn, views.c.name, name, (views.c.id, view_id)):
            raise InvalidName(WHAT, "taken", name)
        conn.execute(update(views).where(views.c.id == view_id)
                     .values(name=name, updated_at=now()))
    return name


def update_view(view_id: int, spec: Mapping[str, Any]) -> None:
    """Replace what a view shows (Explore's "save" on an opened view); boards showing it
    follow on their next draw."""
    with writing() as conn:
        _row(conn, view_id)
        conn.execute(update(views).where(views.c.id == view_id)
                     .values(spec=spec_text(spec), updated_at=now()))


def duplicate_view(view_id: int) -> int:
    """A copy named "X (copy)", "X (copy 2)", …; its id."""
    with writing() as conn:
        row = _row(conn, view_id)
        name = free_name(conn, views.c.name, row.name, "copy")
        moment = now()
        result = conn.execute(insert(views).values(name=name, spec=row.spec,
                                                   created_at=moment, updated_at=moment))
        return int(result.inserted_primary_key[0])


def delete_view(view_id: int) -> int:
    """Delete a view; how many board tiles showed it (they stay and say it was deleted).
    NotFound when there is no such view."""
    from app_state import boards  # board_tiles: declared there, on the same metadata

    with writing() as conn:
        _row(conn, view_id)
        used = boards.count_tiles_of_view(conn, view_id)
        conn.execute(update(boards.board_tiles).where(boards.board_tiles.c.view_id == view_id)
                     .values(view_id=None))  # what ON DELETE SET NULL does, stated here too
        conn.execute(delete(views).where(views.c.id == view_id))
        bump_version(conn, boards.AREA)
    return used
