"""Importing files (CSV, .xlsx) into a DuckDB file through a mapping, atomically.

This is the public entry point for `app.py import` and the upload page:

    report = import_files(Path("exports"), Path("shop.duckdb"), load_mapping("m.yaml"),
                          mode="append")            # raises ImportRejected, nothing written

Every part is read and checked completely before anything is written, and the target is only
opened read-only until then, so a rejected import leaves the target byte-for-byte unchanged
(or not created). An accepted import is written in a single DuckDB transaction. Re-importing
needs an explicit mode: "append" refuses anything that would duplicate rows silently,
"replace" swaps the whole canonical content.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from canonical.model import ENTITIES, FACTS
from data_connectors.database_checks import (
    DatabaseState,
    dimension_overlap,
    existing_ids,
    existing_snapshot_problems,
    inspect_database,
    previous_import,
    schema_problems,
)
from data_connectors.duckdb_writing import TableWrite, write_import
from data_connectors.entity_checks import key_problems, reference_problems, wanted_ids
from data_connectors.import_plan import PartSource, plan_import
from data_connectors.import_report import (
    FileReport,
    ImportRejected,
    ImportReport,
    problem_frame,
    reject,
)
from data_connectors.imported_part import ImportedPart, PartReader, loose_lines
from data_connectors.mapping import Mapping, MappingError
from data_connectors.progress import Progress, no_progress
from data_connectors.row_validation import LINE, validate_part

__all__ = ["MODES", "ImportRejected", "ImportReport", "MappingError", "import_files"]

MODES = ("append", "replace")


class _Ticker:
    """Counts finished stages and forwards each new stage to the caller's Progress."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, step: str) -> None:
        self.progress(step, self.done, self.total)
        self.done += 1


def import_files(
    source: Path,
    db_path: Path,
    mapping: Mapping | None = None,
    mode: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `source` (a folder, or one .xlsx workbook) into `db_path` as `mapping` says.

    Without a mapping a folder holds canonical CSVs (sku.csv … inventory.csv) and a workbook
    holds sheets named after the entities. `mode` may be None only while the target holds no
    canonical rows. Raises ImportRejected (nothing written) when any problem is found; returns
    the report on success — which lists the rows a skip_invalid_rows part rejected.
    """
    source, db_path = Path(source), Path(db_path)
    report = ImportReport(source, db_path, mode or "create")
    if mode is not None and mode not in MODES:
        reject(report, f"unknown mode {mode!r}; choose --mode append or --mode replace")
    plan = plan_import(source, mapping, report)
    if not db_path.parent.is_dir():
        reject(report, f"the folder {db_path.parent} for {db_path.name} does not exist")
    tick = _Ticker(progress or no_progress, 3 * len(plan) + 2)
    con = _open_read_only(db_path, report)
    try:
        state = inspect_database(con)
        if state.holds_data and mode is None:
            reject(report, f"{db_path} already holds data; choose --mode append or --mode replace")
        for reason in schema_problems(state, db_path.name):
            report.add_general_problem(reason)
        reader = PartReader()
        parts = [_read_and_validate(s, reader, report, tick) for s in plan]
        tick("check references and database")
        _check_keys(parts)
        use_db = con is not None and mode != "replace"
        _check_references(parts, _dimension_files(plan, mapping), con if use_db else None,
                          state, mode == "replace")  # fmt: skip
        if use_db and mode == "append":
            _check_append(parts, con, state)
        for part in parts:
            part.check_something_left()
    except duckdb.Error as err:
        reject(report, f"cannot check the import against {db_path}: {err}")
    finally:
        if con is not None:
            con.close()
    if not report.accepted:
        raise ImportRejected(report)
    writes = [
        TableWrite(p.table.entity, p.rows_to_write(), p.report.file_name, p.report.sha256)
        for p in parts
    ]
    try:
        report.data_version = write_import(db_path, writes, mode == "replace", tick)
    except duckdb.Error as err:
        reject(report, f"writing {db_path} failed, nothing was written: {err}")
    for part, write in zip(parts, writes, strict=True):
        part.report.rows_imported = len(write.frame)
    tick.progress("done", tick.total, tick.total)
    return report


def _open_read_only(db_path: Path, report: ImportReport) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to an existing target (None if there is no file yet)."""
    if not db_path.exists():
        return None
    try:
        return duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as err:
        reject(report, f"cannot open {db_path} as a DuckDB database: {err}")


def _read_and_validate(
    source: PartSource, reader: PartReader, report: ImportReport, tick: _Ticker
) -> ImportedPart:
    tick(f"read {source.label}")
    raw, _ = reader.read(source)
    tick(f"validate {source.label}")
    table = validate_part(ENTITIES[source.part.entity], source.part, raw)
    file_report = FileReport(
        source.label, source.part.entity, raw.sha256, len(raw.cells), 0, raw.blank_lines,
        table.warnings, skip_invalid_rows=source.part.skip_invalid_rows,
    )  # fmt: skip
    report.files.append(file_report)
    part = ImportedPart(table, file_report, loose_lines(raw))
    part.record(table.problems)
    return part


def _dimension_files(plan: Sequence[PartSource], mapping: Mapping | None) -> dict[str, str]:
    """Where each dimension comes from, for "unknown sku: not in …" messages."""
    named = {}
    for dim in ("sku", "location"):
        labels = list(dict.fromkeys(s.label for s in plan if s.part.entity == dim))
        if mapping is None and not labels:
            labels = [f"{dim}.csv"]
        named[dim] = " or ".join(labels) if labels else f"the imported {dim} rows"
    return named


def _check_keys(parts: Sequence[ImportedPart]) -> None:
    for entity in ENTITIES:
        mine = [p for p in parts if p.table.entity.name == entity]
        for part, problems in zip(mine, key_problems([p.table for p in mine]), strict=True):
            part.record(problems)


def _check_references(
    parts: Sequence[ImportedPart],
    dimension_files: dict[str, str],
    con: duckdb.DuckDBPyConnection | None,
    state: DatabaseState,
    replace: bool,
) -> None:
    """Every fact row must name a sku and a location known to this import or to the target."""
    tables = [p.table for p in parts]
    in_database = None
    if con is not None:
        in_database = {
            dim: existing_ids(con, dim, column, wanted_ids(tables, dim, column))
            for dim, column in (("sku", "sku_id"), ("location", "location_id"))
            if dim in state.tables
        }
    found = reference_problems(tables, dimension_files, in_database, replace)
    for part, problems in zip(parts, found, strict=True):
        part.record(problems)


def _check_append(
    parts: Sequence[ImportedPart], con: duckdb.DuckDBPyConnection, state: DatabaseState
) -> None:
    """Refuse what an append would silently duplicate or change; skip identical dimension rows."""
    for part in parts:
        table, name = part.table, part.table.entity.name
        if name in FACTS:
            earlier = previous_import(con, state, part.report.sha256)
            if earlier:
                part.record(problem_frame(table.file_name, None, earlier))
        if name == "inventory" and name in state.tables:
            part.record(existing_snapshot_problems(con, table))
        if name in state.tables and table.entity.key and table.entity.key[0] in table.present:
            problems, already = dimension_overlap(con, table)
            part.already_in_db = set(table.frame.loc[already.to_numpy(), LINE].tolist())
            part.record(problems)
            if part.already_in_db:
                part.report.warnings.append(
                    f"{len(part.already_in_db):,} rows already in the database with the same "
                    "values; not imported again"
                )
