"""Reading a request body as JSON, strictly: the media type, the size, the syntax and the
text and numbers inside are checked before the query parser sees the data.

Each check exists because its absence would reach the database as a server error rather
than a client one: NaN and huge integers break float() and integer parameters, unpaired
UTF-16 surrogates cannot be encoded for a driver (nor for the JSON answer echoing them),
PostgreSQL refuses NUL in text, and deep nesting exhausts the recursion limit.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Request

from api.errors import ApiError
from api.limits import MAX_BODY_BYTES, MAX_SAFE_INTEGER

JSON_MEDIA_TYPE = "application/json"


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _body_bytes(request: Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, f"the body is larger than {MAX_BODY_BYTES} bytes", "body")
    data = request.stream.read(MAX_BODY_BYTES + 1)  # chunked bodies carry no length
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, f"the body is larger than {MAX_BODY_BYTES} bytes", "body")
    return data


def _field(path: tuple[str, ...]) -> str:
    """The field to name in an error: the object keys leading to the value, e.g.
    where.region (list positions are not named; "body" for the top level itself)."""
    return ".".join(path) if path else "body"


def _check_values(data: Any) -> None:
    """Walk the parsed body (iteratively: nesting depth is the client's choice)."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
            raise ApiError(400, f"{_field(path)}: integers must lie within ±{MAX_SAFE_INTEGER}",
                           _field(path))
        elif isinstance(value, float) and not math.isfinite(value):
            raise ApiError(400, f"{_field(path)}: numbers must be finite", _field(path))
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path)
                stack.append((item, (*path, key) if len(path) < 2 else path))
        elif isinstance(value, list):
            stack.extend((item, path) for item in value)


def _check_text(text: str, path: tuple[str, ...]) -> None:
    if "\x00" in text:
        raise ApiError(400, f"{_field(path)}: text must not contain NUL characters",
                       _field(path))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, f"{_field(path)}: text contains an unpaired surrogate "
                            "(invalid Unicode)", _field(path)) from None


def read_json_body(request: Request) -> Any:
    """The parsed body, or an ApiError: 415 unless the body is declared as JSON, 413 above
    MAX_BODY_BYTES, 400 when it is not strict, UTF-8 JSON of safe text and numbers."""
    if request.mimetype != JSON_MEDIA_TYPE:
        declared = request.mimetype or "none"
        raise ApiError(415, f"the body must be JSON sent as Content-Type: {JSON_MEDIA_TYPE} "
                            f"(got {declared})", "Content-Type")
    data = _body_bytes(request)
    try:
        parsed = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(400, "body is not valid JSON (UTF-8, RFC 8259)", "body") from None
    _check_values(parsed)
    return parsed
