"""Writing validated rows into a DuckDB file in one transaction: all of them or none.

Rows travel as registered pandas frames and are inserted with INSERT … SELECT and explicit
CASTs to the canonical types, so DuckDB converts whole columns natively. The canonical tables,
the import log and the `stocklens_meta` data version change together in one commit; on any
failure the transaction is rolled back and a file this import created is removed again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from canonical.model import ENTITIES, Entity, canonical_table
from data_connectors.database_checks import IMPORTS_TABLE
from data_connectors.meta import write_meta

IMPORTS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {IMPORTS_TABLE} "
    '(file_name VARCHAR, sha256 VARCHAR, "rows" BIGINT, imported_at TIMESTAMP)'
)


@dataclass(frozen=True)
class TableWrite:
    """The rows of one file to insert into its canonical table, and how to log the file."""

    entity: Entity
    frame: pd.DataFrame  # holds every canonical column of the entity (others are ignored)
    file_name: str
    sha256: str


def write_import(
    db_path: Path, writes: list[TableWrite], replace: bool, step: Callable[[str], None]
) -> str:
    """Insert `writes` (after emptying the canonical tables if `replace`); return the data version.

    `step` is told before each stage so a caller can show progress.
    """
    created = not db_path.exists()
    con = duckdb.connect(str(db_path))
    try:
        con.begin()
        create_tables(con)
        if replace:
            for name in (*ENTITIES, IMPORTS_TABLE):
                con.execute(f'DELETE FROM "{name}"')
        for write in writes:
            step(f"write {write.entity.name}")
            insert_frame(con, write.entity, write.frame)
        step("commit")
        _log_imports(con, writes)
        version = write_meta(con, source="import")
        con.commit()
    except BaseException:
        _abandon(con, db_path if created else None)
        raise
    con.close()
    return version


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create whatever canonical tables are missing, with the model's names and types."""
    for entity in ENTITIES.values():
        con.execute(
            str(sa.schema.CreateTable(canonical_table(entity), if_not_exists=True).compile())
        )
    con.execute(IMPORTS_DDL)


def insert_frame(con: duckdb.DuckDBPyConnection, entity: Entity, frame: pd.DataFrame) -> None:
    """Append a frame holding the entity's canonical columns (an import's file, an
    extract's chunk), cast to the canonical types."""
    view = f"incoming_{entity.name}"
    names = ", ".join(f'"{c.name}"' for c in entity.columns)
    casts = ", ".join(f'CAST("{c.name}" AS {c.sql_type().compile()})' for c in entity.columns)
    con.register(view, frame[list(entity.column_names)])
    try:
        con.execute(f'INSERT INTO "{entity.name}" ({names}) SELECT {casts} FROM "{view}"')
    finally:
        con.unregister(view)


def _log_imports(con: duckdb.DuckDBPyConnection, writes: list[TableWrite]) -> None:
    """Record each file's content hash, so appending the same fact file twice is caught."""
    now = datetime.now(UTC).replace(tzinfo=None)
    for write in writes:
        con.execute(
            f"INSERT INTO {IMPORTS_TABLE} VALUES (?, ?, ?, ?)",
            [write.file_name, write.sha256, len(write.frame), now],
        )


def _abandon(con: duckdb.DuckDBPyConnection, created: Path | None) -> None:
    """Roll back and close; delete the file (and its WAL) if this import created it."""
    with contextlib.suppress(duckdb.Error):  # no open transaction if begin itself failed
        con.rollback()
    con.close()
    if created is not None:
        for path in (created, created.with_name(created.name + ".wal")):
            path.unlink(missing_ok=True)
