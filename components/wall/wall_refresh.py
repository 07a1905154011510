"""Refreshing a wall without flicker, and saying when its numbers are stale.

Every refresh recomputes a part's content on the server, but sends only what changed:
each output's fingerprint is kept in the part's memo store, and an output whose new
fingerprint equals the stored one is `no_update` — the browser keeps the very same DOM
(no redraw of an unchanged chart, no restarted ticker). With the query cache in front of
the source, most refreshes change nothing at all.

Rendering is the dear part of a refresh (two hundred screens ask every ten seconds), so
parts are built through the render memo (components/kit/render_memo.py `rendered`), which
also hands back the fingerprints compared here: screens showing the same site share one
rendering per data version (bench/wall_load.py measures the load).

A part's health store tells the page whether what it shows is current: the query cache
hands back the last good frame with attrs["stale_since"] when the source fails, and
`sources.source_status` says whether the source is in an incident. The page's stale
notice (clientside) combines the health of every part.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import dash
import pandas as pd

from components.kit.render_memo import fingerprint
from data_connectors.source import SourceError
from metrics.errors import QueryError
from service import sources

HEALTHY: dict[str, Any] = {"ok": True}
log = logging.getLogger("stocklens.wall")
F = TypeVar("F", bound=Callable[..., Any])


def only_changed(new: Mapping[str, object], memo: Mapping[str, str] | None,
                 fresh: Mapping[str, str] | None = None) -> tuple[list[object], object]:
    """(each value of `new` in order, or no_update when unchanged since the memo; the
    new memo, or no_update when nothing changed). `fresh`: the values' fingerprints when
    already known (see components/kit/render_memo.py `rendered`)."""
    memo = dict(memo or {})
    if fresh is None:
        fresh = {key: fingerprint(value) for key, value in new.items()}
    values = [dash.no_update if memo.get(key) == fresh[key] else value
              for key, value in new.items()]
    changed = any(memo.get(key) != digest for key, digest in fresh.items())
    return values, ({**memo, **fresh} if changed else dash.no_update)


def _status(source: str) -> object | None:
    """The source's incident status; None when it cannot be told."""
    try:
        return sources.source_status(source)
    except Exception:  # a status that cannot be told is not a reason to blank a wall
        return None


def _iso(moment: object) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


def health(frames: Iterable[pd.DataFrame], source: str) -> dict[str, Any]:
    """{"ok": True}, or {"ok": False, "since": ISO time the shown values were read (or the
    incident began), "message": why} when any frame is a stale copy or the source is down."""
    stale = [f.attrs["stale_since"] for f in frames
             if isinstance(f.attrs.get("stale_since"), datetime)]
    status = _status(source)
    down = status is not None and not getattr(status, "ok", True)
    if not stale and not down:
        return HEALTHY
    since = min(stale) if stale else getattr(status, "since", None)
    message = getattr(status, "message", None) if down else None
    return {"ok": False, "since": _iso(since), "message": message}


def outage(error: Exception, source: str) -> dict[str, Any]:
    """Health of a part that could read nothing (no cached copy either). It keeps what it
    shows, which the browser read when it last saw the part healthy — so the page dates
    the notice from then ("since" is left empty here), or, having never seen data, says
    only that the source is not answering."""
    status = _status(source)
    message = getattr(status, "message", None) if status is not None else None
    return {"ok": False, "since": None, "message": message or str(error)}


def keep(memo_health: object, new_health: dict[str, Any]) -> object:
    """The health to send: no_update when it is what the store already holds."""
    return dash.no_update if memo_health == new_health else new_health


WALL_BUGS = (QueryError, ValueError, KeyError, TypeError)


def wall_part(outputs: int,
              on_bug: Callable[..., tuple] | None = None) -> Callable[[F], F]:
    """Decorate a wall part's refresh callback, whose last three arguments are the wall's
    config, the part's memo and its health store, and whose last output is its health:

    - the source fails (SourceError, no cached copy either): everything shown stays, and
      the part's health says the source is not answering (the stale notice);
    - a bug or an unusable saved view (QueryError, ValueError, …): logged, and the screen
      keeps what it shows — or `on_bug(error, *args)` says what to show instead.
    A wall never goes blank."""

    def decorate(refresh: F) -> F:
        @functools.wraps(refresh)
        def answered(*args: Any) -> Any:
            config, shown = args[-3], args[-1]
            try:
                return refresh(*args)
            except SourceError as exc:
                return (*([dash.no_update] * (outputs - 1)),
                        keep(shown, outage(exc, config["source"])))
            except WALL_BUGS as exc:
                if on_bug is not None:
                    return on_bug(exc, *args)
                log.exception("wall: %s failed: %s", refresh.__name__, exc)
                return (dash.no_update,) * outputs

        return answered  # type: ignore[return-value]

    return decorate
