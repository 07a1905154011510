"""The one place SQL for the product's numbers is executed, and database errors mapped.

Every statement the query service runs goes through `fetch`: it opens a connection from
the source's pool, reads the (small, aggregated) result, logs how long it took, and turns
a driver error into a SourceError with one clear line (data_connectors/db_errors.py) —
written once here instead of at every place that used to run SQL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import sqlalchemy as sa

from data_connectors.db_errors import describe_db_error
from data_connectors.source import Source, SourceError

log = logging.getLogger("stocklens.queries")
SLOW_S = 2.0  # statements slower than this are logged at INFO, the rest at DEBUG


@contextmanager
def mapped_errors(source: Source) -> Iterator[None]:
    """Driver errors inside become SourceError naming the failure (password masked)."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise SourceError(describe_db_error(exc, source.engine.url)) from exc


def fetch_rows(source: Source, statement: sa.Executable,
               what: str = "query") -> tuple[list[str], list[tuple]]:
    """The statement's column names and rows, as the driver returns them."""
    began = time.perf_counter()
    with mapped_errors(source), source.engine.connect() as con:
        result = con.execute(statement)
        columns, rows = list(result.keys()), [tuple(r) for r in result]
    took = time.perf_counter() - began
    log.log(logging.INFO if took >= SLOW_S else logging.DEBUG, "%s on %s: %d rows in %.3f s",
            what, source.name, len(rows), took)
    return columns, rows


def fetch(source: Source, statement: sa.Executable, what: str = "query") -> pd.DataFrame:
    """The statement's rows as a frame with the statement's column names."""
    columns, rows = fetch_rows(source, statement, what)
    return pd.DataFrame(rows, columns=columns)
