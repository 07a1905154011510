"""The /api/v1 routes on the Flask server, and how each failure becomes a JSON error.

Handlers are thin: read, delegate (query_service, catalog, openapi), answer. `_answering`
is the one place exceptions are turned into statuses, so no error path returns HTML or a
traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from api.catalog import dimensions_listing, metrics_listing
from api.errors import ApiError, error_response, json_response
from api.limits import API_PREFIX
from api.openapi import openapi_document
from api.query_service import answer_query
from api.request_body import read_json_body
from data_connectors.source import SourceError
from metrics.errors import QueryError
from service import sources

log = logging.getLogger(__name__)
blueprint = Blueprint("api_v1", __name__, url_prefix=API_PREFIX)


def _answering(view: Callable[[], Any]) -> Callable[[], Response]:
    """Run a view and answer JSON: its value with 200, or the error's status."""

    @wraps(view)
    def wrapper() -> Response:
        try:
            return json_response(view())
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.field)
        except QueryError as exc:
            return error_response(400, str(exc), exc.field)
        except SourceError as exc:
            # SourceError messages are written for users, with passwords masked.
            return error_response(503, f"the data source cannot answer: {exc}")
        except Exception:
            log.exception("API %s %s failed", request.method, request.path)
            return error_response(500, "internal error; the server log has the details")

    return wrapper


@blueprint.post("/query")
@_answering
def query() -> dict[str, Any]:
    return answer_query(read_json_body(request), request.args)


@blueprint.get("/metrics")
@_answering
def metrics() -> dict[str, Any]:
    return metrics_listing()


@blueprint.get("/dimensions")
@_answering
def dimensions() -> dict[str, Any]:
    return dimensions_listing()


@blueprint.get("/openapi.json")
@_answering
def openapi() -> dict[str, Any]:
    try:
        names = sources.registry().names()
    except SourceError:  # no source configured yet: the document still describes the API
        names = []
    return openapi_document(names)


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ALLOWED = {"/query": "POST", "/metrics": "GET", "/dimensions": "GET", "/openapi.json": "GET"}


def _wrong_method() -> Response:
    """405 for an endpoint's other methods. Without it, GET /api/v1/query would fall
    through to Dash's page route and answer HTML."""
    allowed = ALLOWED[request.path.removeprefix(API_PREFIX)]
    response = error_response(405, f"{request.method} is not allowed here; use {allowed}")
    response.headers["Allow"] = allowed if allowed == "POST" else "GET, HEAD"
    return response


for _path, _method in ALLOWED.items():
    blueprint.add_url_rule(_path, "wrong_method_" + _path.strip("/").replace(".", "_"),
                           _wrong_method,
                           methods=[m for m in METHODS if m != _method])


@blueprint.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(rest: str) -> Response:
    """An unknown /api/v1 path is a JSON 404, not Dash's page shell."""
    return error_response(404, f"no API endpoint {API_PREFIX}/{rest[:100]}")


def _http_error(exc: HTTPException) -> HTTPException | Response:
    """404, 405, … under /api/ as JSON errors (keeping headers such as Allow); every other
    path keeps Flask's and Dash's own pages."""
    if not request.path.startswith(API_PREFIX + "/") or exc.code is None:
        return exc
    response = exc.get_response()
    body = error_response(exc.code, exc.description or exc.name)
    response.set_data(body.get_data())
    response.content_type = body.content_type
    return response


def register_api(server: Flask) -> None:
    """Add the API to the Dash app's Flask server (called once by app.create_app)."""
    server.register_blueprint(blueprint)
    server.register_error_handler(HTTPException, _http_error)
