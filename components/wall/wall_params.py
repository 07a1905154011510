"""The URL parameters of a wall screen (/wall), read forgivingly.

A wall is set up once by whoever mounts the screen and then nobody touches it, so a typo
must never blank it: every bad value falls back to its default (a number out of range to
the nearest bound) and is listed as a `Note`, which the wall shows small in a corner so
the installer can see what was ignored.

    board    a saved board id: its tiles become extra panels      (default: none)
    scope    region:<name> or location:<id>: filters every query  (default: everything)
    lang     zh | en                                 (default: cookie, then the browser)
    refresh  seconds between data refreshes, 10 … 3600                    (default 60)
    rotate   seconds per panel, 5 … 3600; 0 = stay on the first panel     (default 20)
    source   a configured source name                   (default: as on other pages)
    days     length of the period of flow metrics, 1 … 366, ending on the data's last
             day                                                          (default 30)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from i18n import normalise, resolve_language
from metrics.query import MetricQuery

REFRESH = (60, 10, 3600)  # (default, min, max) in seconds
ROTATE = (20, 5, 3600)
DAYS = (30, 1, 366)
SCOPE_KINDS = ("region", "location")


@dataclass(frozen=True)
class Scope:
    """The site a wall shows: one region or one location."""

    kind: str  # "region" | "location"
    value: str

    def where(self) -> dict[str, list[str]]:
        return {self.kind: [self.value]}

    def apply(self, query: MetricQuery) -> MetricQuery:
        """The query limited to this site. A query that already filters this dimension
        (a board tile's view) keeps the intersection: through the query's `scope`, which
        the compiler intersects with `where` — merging into `where` would turn an empty
        intersection into "no filter", i.e. every site."""
        if any(dim == self.kind for dim, _ in query.where):
            return replace(query, scope=((self.kind, (self.value,)),))
        where = {dim: list(values) for dim, values in query.where}
        return replace(query, where=tuple({**where, **self.where()}.items()))

    def to_param(self) -> str:
        return f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Note:
    """A parameter that was not used as given: `used` is what the wall uses instead
    (None: the default). `kind` is "invalid" or "clamped"."""

    param: str
    value: str
    used: str | None
    kind: str = "invalid"


@dataclass(frozen=True)
class WallParams:
    lang: str
    source: str | None  # None: the default source (as on the other pages)
    board: int | None
    scope: Scope | None
    refresh: int
    rotate: int  # 0: no rotation
    days: int
    notes: tuple[Note, ...] = ()

    def to_store(self) -> dict[str, Any]:
        """The JSON form kept in the page's config store (callbacks read it back)."""
        return {"lang": self.lang, "source": self.source, "board": self.board,
                "scope": self.scope.to_param() if self.scope else None,
                "refresh": self.refresh, "rotate": self.rotate, "days": self.days,
                "notes": [[n.param, n.value, n.used, n.kind] for n in self.notes]}

    @classmethod
    def from_store(cls, data: Mapping[str, Any]) -> WallParams:
        scope = parse_scope(data.get("scope"))
        return cls(data["lang"], data.get("source"), data.get("board"), scope,
                   int(data["refresh"]), int(data["rotate"]), int(data["days"]),
                   tuple(Note(*n) for n in data.get("notes") or ()))


def parse_scope(text: object) -> Scope | None:
    """"region:East" / "location:ST001" (a full-width colon too) → Scope, else None."""
    if not isinstance(text, str):
        return None
    kind, sep, value = text.replace("：", ":").partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if not sep or kind not in SCOPE_KINDS or not value:
        return None
    return Scope(kind, value)


def parse_seconds(param: str, text: object, limits: tuple[int, int, int],
                  zero_ok: bool = False) -> tuple[int, Note | None]:
    """A whole number within [min, max] (0 too when `zero_ok`); else the default, or the
    nearest bound for a number out of range — with a note saying so."""
    default, low, high = limits
    if text is None or str(text).strip() == "":
        return default, None
    raw = str(text).strip()
    try:
        value = int(raw)
    except ValueError:
        return default, Note(param, raw, str(default))
    if zero_ok and value == 0:
        return 0, None
    if value < low or value > high:
        bound = low if value < low else high
        return bound, Note(param, raw, str(bound), "clamped")
    return value, None


def parse_wall_params(params: Mapping[str, str],
                      known_sources: Collection[str] = ()) -> WallParams:
    """Everything a wall URL says, each bad value replaced by its default and noted."""
    notes: list[Note] = []

    def note(found: Note | None) -> None:
        if found is not None:
            notes.append(found)

    given_lang = params.get("lang")
    if given_lang and not normalise(given_lang):
        notes.append(Note("lang", given_lang, None))
    lang = resolve_language(given_lang)

    source = params.get("source") or None
    if source is not None and source not in known_sources:
        notes.append(Note("source", source, None))
        source = None

    board = None
    if params.get("board"):
        raw = str(params["board"]).strip()
        if raw.isdigit() and int(raw) > 0:
            board = int(raw)
        else:
            notes.append(Note("board", raw, None))

    scope = parse_scope(params.get("scope"))
    if params.get("scope") and scope is None:
        notes.append(Note("scope", str(params["scope"]), None))

    refresh, found = parse_seconds("refresh", params.get("refresh"), REFRESH)
    note(found)
    rotate, found = parse_seconds("rotate", params.get("rotate"), ROTATE, zero_ok=True)
    note(found)
    days, found = parse_seconds("days", params.get("days"), DAYS)
    note(found)
    return WallParams(lang, source, board, scope, refresh, rotate, days, tuple(notes))


def bound_to_token(wall: WallParams, binding: object | None) -> WallParams:
    """A wall opened with a token shows the token's board and site, whatever its URL says
    (its data is narrowed to the token's scope by the server in any case)."""
    if binding is None:
        return wall
    scope = getattr(binding, "scope", None) or {}
    site = None
    if len(scope) == 1:
        (kind, values), = scope.items()
        if kind in SCOPE_KINDS and len(values) == 1:
            site = Scope(kind, values[0])
    # a token for all data may still show the site its URL names (a narrowing, not a gain)
    return replace(wall, board=getattr(binding, "board_id", None),
                   scope=site if scope else wall.scope)
