"""Every table of the state database. Each module that keeps state declares its tables
on app_state.db.metadata when imported, so the whole schema is known once they all are
(Alembic's autogenerate, the schema tests). A module that declares a table must be listed
here, and the table needs a revision (app_state/migrations/versions/):
tests/integration/test_state_migrations.py fails on a table declared anywhere in the code
that a new database does not get."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

MODULES = ("app_state.users", "app_state.tokens", "app_state.sessions",
           "app_state.login_attempts", "app_state.audit_log", "app_state.server_secret",
           "app_state.thresholds", "app_state.views", "app_state.boards",
           "app_state.forecasts", "app_state.forecast_artifacts", "app_state.alerts",
           "app_state.extracts")


def full_metadata() -> MetaData:
    for name in MODULES:
        importlib.import_module(name)
    from app_state.db import metadata

    return metadata
