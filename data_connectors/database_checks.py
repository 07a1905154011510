"""Read-only questions an import asks the target DuckDB file before anything is written.

All of them run on a read-only connection, so that a rejected import leaves the file
byte-for-byte as it was. Incoming rows are registered as pandas frames and compared by joins
inside DuckDB, so checking a large file against a large database stays vectorized.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from canonical.model import ENTITIES
from data_connectors.import_report import no_problems, problem_frame
from data_connectors.row_validation import LINE, SNAPSHOT_KEY, ValidatedTable

IMPORTS_TABLE = "stocklens_imports"  # one row per imported file: name, sha256, rows, time


@dataclass
class DatabaseState:
    """What the target holds: canonical tables with their columns, and whether any has rows."""

    tables: dict[str, set[str]] = field(default_factory=dict)
    not_tables: list[str] = field(default_factory=list)  # canonical names used by views
    holds_data: bool = False
    has_import_log: bool = False


def inspect_database(con: duckdb.DuckDBPyConnection | None) -> DatabaseState:
    """Describe the target; a missing file (no connection) is an empty state."""
    state = DatabaseState()
    if con is None:
        return state
    names = [*ENTITIES, IMPORTS_TABLE]
    rows = con.execute(
        "SELECT t.table_name, t.table_type, c.column_name FROM information_schema.tables t "
        "JOIN information_schema.columns c USING (table_catalog, table_schema, table_name) "
        "WHERE t.table_schema = 'main' AND t.table_catalog = current_database() "
        "AND t.table_name IN (SELECT unnest(?::VARCHAR[]))",
        [names],
    ).fetchall()
    for table, kind, column in rows:
        if table == IMPORTS_TABLE:
            state.has_import_log = True
        elif kind != "BASE TABLE":
            if table not in state.not_tables:
                state.not_tables.append(table)
        else:
            state.tables.setdefault(table, set()).add(column)
    for table in state.tables:
        if con.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]:
            state.holds_data = True
    return state


def schema_problems(state: DatabaseState, db_name: str) -> list[str]:
    """Reasons the existing canonical tables cannot receive canonical rows."""
    reasons = [
        f"{db_name}: {name} is a view, not a table; cannot import into it"
        for name in state.not_tables
    ]
    for name, columns in state.tables.items():
        missing = [c for c in ENTITIES[name].column_names if c not in columns]
        if missing:
            reasons.append(
                f"{db_name}: table {name} lacks column(s) {', '.join(missing)}; "
                "cannot import into it"
            )
    return reasons


def existing_ids(con: Any, table: str, column: str, candidates: set[str]) -> set[str]:
    """Which of `candidates` already exist as `column` in `table` of the target."""
    if not candidates:
        return set()
    con.register("incoming_ids", pd.DataFrame({"id": sorted(candidates)}, dtype=object))
    try:
        rows = con.execute(
            f'SELECT DISTINCT i.id FROM incoming_ids i JOIN "{table}" t ON t."{column}" = i.id'
        ).fetchall()
    finally:
        con.unregister("incoming_ids")
    return {r[0] for r in rows}


def dimension_overlap(con: Any, table: ValidatedTable) -> tuple[pd.DataFrame, pd.Series]:
    """Rows whose key is already in the target: conflicting cells, and which rows exist.

    Only columns the file provides are compared: an absent optional column makes no claim.
    Returns the problems (one per differing cell) and a boolean mask of the rows already
    present with identical values, which an append skips instead of duplicating.
    """
    entity, key = table.entity, table.entity.key[0]
    frame = table.frame
    compared = [c for c in table.present if c != key]
    incoming = frame.loc[frame[key].notna(), [LINE, *table.present]]
    con.register("incoming_dim", incoming)
    try:
        present_lines = con.execute(
            f'SELECT DISTINCT f."{LINE}" FROM incoming_dim f '
            f'JOIN "{entity.name}" d ON d."{key}" = f."{key}"'
        ).df()
        differences = [
            f'SELECT f."{LINE}" AS line, \'{c}\' AS col, f."{key}" AS id, '
            f'CAST(f."{c}" AS VARCHAR) AS value, CAST(d."{c}" AS VARCHAR) AS db_value '
            f'FROM incoming_dim f JOIN "{entity.name}" d ON d."{key}" = f."{key}" '
            f'WHERE CAST(f."{c}" AS {_sql_type(entity.name, c)}) IS DISTINCT FROM d."{c}"'
            for c in compared
        ]
        diff = (
            con.execute(" UNION ALL ".join(differences) + " ORDER BY line, col").df()
            if differences
            else pd.DataFrame(columns=["line", "col", "id", "value", "db_value"])
        )
    finally:
        con.unregister("incoming_dim")
    already = frame[LINE].isin(present_lines.iloc[:, 0]) & ~frame[LINE].isin(diff["line"])
    if diff.empty:
        return no_problems(), already
    db_value = ("'" + diff["db_value"].astype(object).fillna("").astype(str) + "'").where(
        diff["db_value"].notna(), "no value"
    )
    reasons = (
        f"{key} '"
        + diff["id"].astype(str)
        + "' is already in the database with "
        + diff["col"]
        + " "
        + db_value
        + f"; append cannot change an existing {entity.name} (use --mode replace)"
    )
    problems = [
        problem_frame(
            table.file_name,
            part["line"].to_numpy(),
            reasons[part.index],
            col,
            part["value"].to_numpy(),
        )
        for col, part in diff.groupby("col", sort=False)
    ]
    return pd.concat(problems, ignore_index=True), already


def existing_snapshot_problems(con: Any, table: ValidatedTable) -> pd.DataFrame:
    """Inventory rows whose (date, sku_id, location_id) the target already has a figure for."""
    key = list(SNAPSHOT_KEY)
    incoming = table.frame.loc[table.frame[key].notna().all(axis=1), [LINE, *key]]
    con.register("incoming_snapshot", incoming)
    try:
        found = con.execute(
            f"SELECT f.\"{LINE}\" AS line, f.date || ', ' || f.sku_id || ', ' || f.location_id "
            "AS shown FROM incoming_snapshot f JOIN inventory i ON i.date = CAST(f.date AS DATE) "
            "AND i.sku_id = f.sku_id AND i.location_id = f.location_id ORDER BY line"
        ).df()
    finally:
        con.unregister("incoming_snapshot")
    if found.empty:
        return no_problems()
    reason = "the database already has an inventory figure for this date, sku_id and location_id"
    return problem_frame(
        table.file_name, found["line"].to_numpy(), reason, ", ".join(key), found["shown"].to_numpy()
    )


def previous_import(con: Any, state: DatabaseState, sha256: str) -> str | None:
    """When identical file content was imported before, a sentence saying when and as what."""
    if not state.has_import_log:
        return None
    rows = con.execute(
        f"SELECT file_name, imported_at FROM {IMPORTS_TABLE} WHERE sha256 = ? "
        "ORDER BY imported_at LIMIT 1",
        [sha256],
    ).fetchall()  # fetchall: DuckDB refuses new work while a result is only partly fetched
    if not rows:
        return None
    row = rows[0]
    return (
        f"identical content was already imported as {row[0]} on {row[1]:%Y-%m-%d %H:%M} UTC; "
        "appending it again would duplicate its rows"
    )


def _sql_type(entity: str, column: str) -> str:
    return str(ENTITIES[entity].column(column).sql_type().compile())
