"""The API's one error shape, {"error": message, "field": name-or-null}, and the status
each kind of failure gets.

400 the request is wrong (the field says where), 404/405 no such endpoint or method,
413 the body is too large, 415 the body is not JSON, 503 the data source cannot answer,
500 a bug (logged with its traceback; the client only learns that it happened).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

# Messages echo pieces of the request (unknown keys, values); keep an error short even
# when the request was not.
MAX_MESSAGE = 1000
MAX_FIELD = 200


class ApiError(Exception):
    """A request the API refuses before it becomes a query (size, media type, JSON, …)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def json_response(payload: Any, status: int = 200) -> Response:
    """Strict JSON (no NaN/Infinity, which JSON does not have), UTF-8, unescaped CJK."""
    body = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


def error_response(status: int, message: str, field: str | None = None) -> Response:
    """The error body every non-2xx API answer carries: one line, bounded length."""
    line = " ".join(str(message).split())
    if len(line) > MAX_MESSAGE:
        line = line[:MAX_MESSAGE - 1] + "…"
    if field is not None and len(field) > MAX_FIELD:
        field = field[:MAX_FIELD - 1] + "…"
    return json_response({"error": line, "field": field}, status)
