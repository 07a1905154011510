"""Importing a folder of canonical CSV files (sku.csv … inventory.csv) into a DuckDB file.

A thin wrapper kept for callers of the first importer: the work is done by
`data_connectors.file_import.import_files` with the implicit canonical mapping.
"""

from __future__ import annotations

from pathlib import Path

from data_connectors.file_import import MODES, ImportRejected, ImportReport, import_files
from data_connectors.import_plan import CANONICAL_FILES
from data_connectors.progress import Progress

__all__ = ["CANONICAL_FILES", "MODES", "ImportRejected", "ImportReport", "import_canonical_folder"]


def import_canonical_folder(
    folder: Path, db_path: Path, mode: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import sku/location/sales/receipts/inventory CSVs from `folder` into `db_path`.

    `mode` may be None only while the target holds no canonical rows; "append" adds rows and
    refuses anything that would silently duplicate or change existing rows; "replace" swaps the
    whole canonical content for the import. Raises ImportRejected (nothing written) when any
    problem is found; returns the report on success.
    """
    return import_files(Path(folder), Path(db_path), None, mode, progress)
