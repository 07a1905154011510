"""The one JSON error shape, {"error": message, "field": name-or-null}, answered by the API
(api/) and by the access gate (auth/gate.py) for the API's and Dash's requests, and the
path under which the API lives.

Here, not in api/, because the gate runs before the API and must answer in its shape
without importing it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

API_PREFIX = "/api/v1"
# Messages echo pieces of the request (unknown keys, values); keep an error short even
# when the request was not.
MAX_MESSAGE = 1000
MAX_FIELD = 200


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
