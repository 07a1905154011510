"""The one place where a callback that could not get its numbers says so.

A source that is down (SourceError) or a question that cannot be answered (QueryError)
must never blank a page or become a 500: the section shows the reason instead — a
message in the chart's place, an alert above the cards. Callbacks do not catch these
themselves; they are decorated:

    @callback(Output("trend", "figure"), Output("hint", "children"), Input(...), ...)
    @shows_failure(lambda error, *args: (message_figure(str(error)), ""))
    def update_trend(state, metric, lang):
        frame = service.run(request_principal(), trend_query(state, metric), state["source"])
        return trend_figure(frame, metric, lang), hint(lang)

`fallback` gets the error and the callback's own arguments, so it can answer in the
page's language.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from data_connectors.source import SourceError
from metrics.errors import QueryError

FAILURES = (SourceError, QueryError)
log = logging.getLogger("stocklens.pages")
F = TypeVar("F", bound=Callable[..., Any])


def shows_failure(fallback: Callable[..., Any]) -> Callable[[F], F]:
    """Decorate a callback: SourceError/QueryError from its body become fallback(error,
    *args, **kwargs) — what the section shows instead of numbers."""

    def decorate(callback: F) -> F:
        @functools.wraps(callback)
        def answered(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except FAILURES as error:
                log.info("%s: %s", callback.__qualname__, error)
                return fallback(error, *args, **kwargs)

        return answered  # type: ignore[return-value]

    return decorate
