"""Build small canonical databases from Python rows, for tests with hand-computed answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from canonical.model import ENTITIES, canonical_metadata
from data_connectors.open_source import open_url
from data_connectors.source import Source, open_duckdb

Row = Mapping[str, Any]


def d(text: str) -> date:
    return date.fromisoformat(text)


def write_canonical(engine: sa.Engine, **tables: Iterable[Row]) -> None:
    """Create the five canonical tables on `engine` and insert the given rows.

    Rows may leave out optional columns; they are stored as NULL."""
    md = canonical_metadata()
    md.drop_all(engine)
    md.create_all(engine)
    with engine.begin() as con:
        for name, rows in tables.items():
            rows = [dict(r) for r in rows]
            if not rows:
                continue
            cols = ENTITIES[name].column_names
            con.execute(md.tables[name].insert(), [{c: r.get(c) for c in cols} for r in rows])


def duckdb_source(path: Path, **tables: Iterable[Row]) -> Source:
    engine = sa.create_engine(f"duckdb:///{path}")
    write_canonical(engine, **tables)
    engine.dispose()
    return open_duckdb(path)


def sqlite_source(path: Path, **tables: Iterable[Row]) -> Source:
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    write_canonical(engine, **tables)
    engine.dispose()
    return open_url(url)


EMBEDDED_BUILDERS = {"duckdb": duckdb_source, "sqlite": sqlite_source}
