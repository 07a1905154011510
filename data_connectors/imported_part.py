"""One mapping part on its way into the database: its rows, its report, and what it rejects.

Every check of an import hands its problems to `ImportedPart.record`. By default a problem
rejects the whole import; a part with `skip_invalid_rows: true` instead drops the rows a
row-level problem names and lists each of them in its report as rejected — never silently.
Problems that are not about one row (a missing column, an unreadable file, a file imported
before) still reject the import, as does a skip_invalid_rows part with no valid row left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data_connectors.csv_reading import CsvFormat, RawTable, read_csv_cells
from data_connectors.import_plan import PartSource
from data_connectors.import_report import FileReport, problem_frame
from data_connectors.row_validation import LINE, ValidatedTable
from data_connectors.xlsx_reading import read_xlsx_cells


@dataclass
class ImportedPart:
    """A validated part, the report row it fills, and the rows an append leaves out."""

    table: ValidatedTable
    report: FileReport
    loose_lines: set[int] = field(default_factory=set)  # rows the CSV reader could not split
    already_in_db: set[int] = field(default_factory=set)  # lines of rows an append skips

    @property
    def skips_invalid_rows(self) -> bool:
        return bool(self.table.part and self.table.part.skip_invalid_rows)

    def record(self, problems: pd.DataFrame) -> None:
        """Add problems found in this part's rows; see the module docstring for who they reject."""
        if problems.empty:
            return
        if not self.skips_invalid_rows:
            self.report.add_problems(problems)
            return
        lines = set(self.table.frame[LINE].tolist()) | self.loose_lines
        row_level = problems["line"].isin(lines).fillna(False).to_numpy(dtype=bool)
        self.report.add_rejected(problems[row_level])
        self.report.add_problems(problems[~row_level])
        dropped = self.table.frame[LINE].isin(problems.loc[row_level, "line"].astype("int64"))
        if dropped.any():
            self.table.frame = self.table.frame[~dropped.to_numpy()].reset_index(drop=True)

    def check_something_left(self) -> None:
        """A skip_invalid_rows part whose every row was rejected has nothing usable: an error."""
        if self.skips_invalid_rows and self.report.rows_rejected and self.table.frame.empty:
            self.report.add_problems(problem_frame(
                self.table.file_name, None,
                f"all {self.report.rows_read:,} rows are invalid, so nothing is usable "
                "(skip_invalid_rows imports the valid rows only)",
            ))  # fmt: skip

    def rows_to_write(self) -> pd.DataFrame:
        """The rows to insert: all that survived the checks, less those already in the target."""
        frame = self.table.frame
        if not self.already_in_db:
            return frame
        return frame[~frame[LINE].isin(self.already_in_db).to_numpy()]


class PartReader:
    """Reads each file (or sheet) once, however many parts take rows from it."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Path, str | None, str], RawTable] = {}

    def read(self, source: PartSource) -> tuple[RawTable, bool]:
        """The file's cells, and whether this is the first part to read them."""
        key = (source.path, source.sheet, source.part.encoding)
        if key in self._cache:
            return self._cache[key], False
        if source.sheet is not None:
            raw = read_xlsx_cells(source.path, source.sheet, source.label)
        else:
            raw = read_csv_cells(source.path, CsvFormat(encoding=source.part.encoding),
                                 source.label)  # fmt: skip
        self._cache[key] = raw
        return raw, True


def loose_lines(raw: RawTable) -> set[int]:
    """Lines of rows the CSV reader skipped (wrong field count): row-level, not file-level."""
    if not raw.readable or raw.problems.empty:
        return set()
    return {int(v) for v in raw.problems["line"].dropna()}
