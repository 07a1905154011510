"""Wall tokens stay out of access logs.

A wall screen is opened at /wall?token=sl_wall_…; the server exchanges the token for a
session and redirects to /wall without it (auth/gate.py), but the first request line has
been logged by then: werkzeug's server (`make run`, `app.py serve`) logs it on the
"werkzeug" logger, gunicorn (with --access-logfile) on "gunicorn.access". A filter on
both loggers masks the value of every `token=` (also URL-encoded, `token%3D`) and any
string shaped like a StockLens token (`sl_wall_…`, `sl_api_…`) before a handler writes
the line — the request line, the query string and the Referer alike.

Installed by the app's set-up (auth/setup.py), so gunicorn gets it too: its workers load
the app (`app:server`) and the filter sits on the logger object, which gunicorn's own
handler set-up does not replace.
"""

from __future__ import annotations

import logging
import re

LOGGERS = ("werkzeug", "gunicorn.access")
MASK = "[masked]"
# No word boundaries: inside a URL-encoded address ("next=%2Fwall%3Ftoken%3Dsl_wall_…")
# the name and the token follow letters. Masking a little more (csrf_token=) is harmless.
# The value ends at the next parameter, plain (&) or URL-encoded (%26).
_TOKEN_PARAM = re.compile(r"(?i)(token(?:=|%3D))(?:(?!%26)[^&\s\"'<>])+")
_TOKEN_SHAPE = re.compile(r"sl_(?:wall|api)_[A-Za-z0-9_-]+")


def mask_tokens(text: str) -> str:
    """`text` with every token value replaced by MASK."""
    return _TOKEN_SHAPE.sub(MASK, _TOKEN_PARAM.sub(lambda m: m.group(1) + MASK, text))


class TokenMaskFilter(logging.Filter):
    """Rewrites a record whose message holds a token: the message is rendered, masked
    and stored without its arguments (werkzeug and gunicorn pass the request line as an
    argument). Other records pass untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's error path
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install_token_masking() -> None:
    """Put the filter on werkzeug's and gunicorn's access loggers (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenMaskFilter) for f in logger.filters):
            logger.addFilter(TokenMaskFilter())
