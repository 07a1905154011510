"""Shared by the API tests: the real app (create_app) on a registry, reached through
Flask's test client, and the registry put back in force before each test.

The app answers from the process-wide registry of service/sources.py, which any
create_app call replaces; `use` re-installs a module's registry so tests of different
modules (or a test that installs a down source) cannot answer from each other's data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from data_connectors.registry import SourceRegistry
from data_connectors.source import SourceError, open_duckdb
from service import sources

QUERY_URL = "/api/v1/query"


def demo_registry(path: Path) -> SourceRegistry:
    return SourceRegistry.of_source(open_duckdb(path))


def api_client(registry: SourceRegistry) -> FlaskClient:
    """A test client of the whole app (Dash pages and API) answering from `registry`."""
    return create_app(registry=registry).server.test_client()


def use(registry: SourceRegistry) -> None:
    """Make `registry` the one the app answers from (a no-op when it already is)."""
    try:
        current = sources.registry()
    except SourceError:
        current = None
    if current is not registry:
        sources.use_registry(registry)


def post_query(client: FlaskClient, body: Any, **params: str) -> TestResponse:
    return client.post(QUERY_URL, json=body, query_string=params)
