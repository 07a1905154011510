"""The API's one error shape, {"error": message, "field": name-or-null}, and the status
each kind of failure gets.

400 the request is wrong (the field says where), 404/405 no such endpoint or method,
413 the body is too large, 415 the body is not JSON, 503 the data source cannot answer,
500 a bug (logged with its traceback; the client only learns that it happened).
"""

from __future__ import annotations

from web.json_errors import MAX_FIELD, MAX_MESSAGE, error_response, json_response

# The response helpers live in web/json_errors.py (the access gate answers in the same shape
# and may not import api/); re-exported for the API's handlers.
__all__ = ["MAX_FIELD", "MAX_MESSAGE", "ApiError", "error_response", "json_response"]


class ApiError(Exception):
    """A request the API refuses before it becomes a query (size, media type, JSON, …)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
