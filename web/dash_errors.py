"""Dash's callback endpoint never answers 500 to a malformed request.

The access gate (auth/gate.py) checks a callback request's shape against the callback it
names before Dash runs it; what is left — values of a shape Dash's own dispatch cannot
unpack — makes Dash raise before any callback code runs. That is the client's fault, so
the answer is 400 with the JSON error shape, and the server logs it. Exceptions inside a
callback are the app's `on_error` business (logged; the page keeps what it shows).
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from web.json_errors import error_response

DASH_CALLBACK = "/_dash-update-component"
log = logging.getLogger("stocklens.requests")


def install_callback_errors(server: Flask) -> None:
    @server.errorhandler(Exception)
    def _failed(exc: Exception) -> Response | Exception:
        if isinstance(exc, HTTPException):
            return exc  # 4xx/405/413 …: as werkzeug says
        if request.path == DASH_CALLBACK:
            log.warning("malformed callback request refused: %s: %s",
                        type(exc).__name__, exc)
            return error_response(400, "the callback request is malformed")
        log.exception("request %s failed", request.path)
        return error_response(500, "internal error") if request.path.startswith(
            "/api/") else Response("internal error", status=500, mimetype="text/plain")
