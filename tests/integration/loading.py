"""Loading canonical tables into any engine (DuckDB, SQLite, PostgreSQL, MariaDB, …).

Tables are created by tests/builders.write_canonical (the canonical schema, one place) and
filled with executemany in batches, which every driver turns into few round trips
(PostgreSQL's insertmanyvalues, PyMySQL's multi-row VALUES), so a few thousand rows load
in well under a second even over a network socket.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from canonical.model import ENTITIES, canonical_metadata
from tests.builders import Row, write_canonical

BATCH_ROWS = 2000


def _plain(value: Any) -> Any:
    """A driver-friendly Python value: None for missing, float for numpy numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date | str):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def rows_of(table: pd.DataFrame | Iterable[Row], entity: str) -> list[dict[str, Any]]:
    """Rows of a frame or of mappings, with every canonical column (missing = None)."""
    records = table.to_dict("records") if isinstance(table, pd.DataFrame) else table
    cols = ENTITIES[entity].column_names
    return [{c: _plain(r.get(c)) for c in cols} for r in records]


def load_canonical(engine: sa.Engine,
                   tables: Mapping[str, pd.DataFrame | Iterable[Row]]) -> dict[str, int]:
    """(Re)create the five canonical tables on `engine` and insert `tables`; returns the
    row count written per entity."""
    write_canonical(engine)  # drop + create the canonical schema, no rows
    md = canonical_metadata()
    counts: dict[str, int] = {}
    with engine.begin() as con:
        for name, table in tables.items():
            rows = rows_of(table, name)
            for start in range(0, len(rows), BATCH_ROWS):
                con.execute(md.tables[name].insert(), rows[start:start + BATCH_ROWS])
            counts[name] = len(rows)
    return counts
