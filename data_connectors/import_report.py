"""What an import did or why it was rejected: per-file counts, warnings and row-level problems.

Problems are kept as small DataFrames (file, line, column, value, reason) rather than one
object per bad cell, so a file where every one of a million rows is wrong is still cheap to
report; `Problem` objects are only built for the lines actually shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

PROBLEM_COLUMNS = ("file", "line", "column", "value", "reason")
_VALUE_SHOWN = 60  # longer values are cut in messages so one bad cell cannot flood a report


@dataclass(frozen=True)
class Problem:
    """One reason the import was rejected, located as precisely as the cause allows."""

    file: str | None
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def describe(self) -> str:
        """One line such as "sales.csv line 17, column date, value '2025-13-01': not a date"."""
        where = self.file or ""
        if self.line is not None:
            where += f" line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        if self.value is not None:
            shown = (
                self.value if len(self.value) <= _VALUE_SHOWN else self.value[:_VALUE_SHOWN] + "…"
            )
            where += f", value {shown!r}"
        where = where.lstrip(", ").strip()
        return f"{where}: {self.reason}" if where else self.reason


def problem_frame(
    file: str | None,
    lines: object,
    reason: str | pd.Series,
    column: str | None = None,
    values: object = None,
) -> pd.DataFrame:
    """Problems for many rows at once: `lines` and `values` are aligned array-likes (or None)."""
    line_array = pd.array([None] if lines is None else np.asarray(lines), dtype="Int64")
    count = len(line_array)
    frame = pd.DataFrame(
        {
            "file": pd.Series([file] * count, dtype=object),
            "line": line_array,
            "column": pd.Series([column] * count, dtype=object),
            "value": _as_objects(values, count),
            "reason": _as_objects(reason, count),
        }
    )
    return frame


def _as_objects(values: object, count: int) -> pd.Series:
    if values is None or isinstance(values, str):
        return pd.Series([values] * count, dtype=object)
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def no_problems() -> pd.DataFrame:
    """An empty problem table with the standard columns."""
    return problem_frame(None, [], "")


def combine_problems(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem tables, ordered by line (file-level ones first), stable otherwise."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return no_problems()
    combined = pd.concat(frames, ignore_index=True)
    return combined.sort_values("line", kind="stable", na_position="first").reset_index(drop=True)


def _problems_from(frame: pd.DataFrame) -> list[Problem]:
    return [
        Problem(
            file=row.file,
            line=None if pd.isna(row.line) else int(row.line),
            column=row.column,
            value=row.value,
            reason=row.reason,
        )
        for row in frame.itertuples(index=False)
    ]


@dataclass
class FileReport:
    """The outcome for one mapping part (usually one file): counts, warnings and problems.

    Two parts may read one file (e.g. stores taken from a purchases file); each gets its own
    FileReport with the same `file_name`, and the file's blank lines are counted once in the
    totals. `problem_table` holds what rejects the import; `rejected_table` what a part with
    skip_invalid_rows rejected row by row while the rest of its rows were imported.
    """

    file_name: str
    entity: str
    sha256: str = ""
    rows_read: int = 0
    rows_imported: int = 0
    blank_lines: int = 0
    warnings: list[str] = field(default_factory=list)
    problem_table: pd.DataFrame = field(default_factory=no_problems, repr=False)
    skip_invalid_rows: bool = False
    rejected_table: pd.DataFrame = field(default_factory=no_problems, repr=False)

    @property
    def problem_count(self) -> int:
        return len(self.problem_table)

    @property
    def rows_rejected(self) -> int:
        """Rows left out by skip_invalid_rows (a row with several bad cells counts once)."""
        return int(self.rejected_table["line"].nunique())

    def add_problems(self, *frames: pd.DataFrame) -> None:
        """Merge more problems into this file's table, keeping it ordered by line."""
        self.problem_table = combine_problems([self.problem_table, *frames])

    def add_rejected(self, *frames: pd.DataFrame) -> None:
        """Record why rows were rejected (skip_invalid_rows), keeping the table ordered by line."""
        self.rejected_table = combine_problems([self.rejected_table, *frames])


@dataclass
class ImportReport:
    """The whole import: one FileReport per part plus problems that belong to no single file.

    The upload page reads it directly: `accepted`, the counts, `problems()` as Problem
    objects or `problem_rows()` / `rejected_rows()` as DataFrames (file, line, column,
    value, reason), `summary()` for one line and `render()` for the text report.
    """

    folder: Path  # what was imported: a folder or a workbook
    db_path: Path
    mode: str
    files: list[FileReport] = field(default_factory=list)
    general_problems: pd.DataFrame = field(default_factory=no_problems, repr=False)
    warnings: list[str] = field(default_factory=list)
    data_version: str | None = None
    mapping_name: str | None = None  # the mapping file, when one was given

    @property
    def source(self) -> Path:
        return self.folder

    def add_general_problem(self, reason: str) -> None:
        """Record a problem with the folder, the database or the options rather than a file."""
        self.general_problems = combine_problems(
            [self.general_problems, problem_frame(None, None, reason)]
        )

    @property
    def problem_count(self) -> int:
        return len(self.general_problems) + sum(f.problem_count for f in self.files)

    @property
    def accepted(self) -> bool:
        return self.problem_count == 0

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_imported(self) -> int:
        return sum(f.rows_imported for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def blank_lines(self) -> int:
        """Blank lines of all files, each file counted once even when several parts read it."""
        return sum({f.file_name: f.blank_lines for f in self.files}.values())

    def problem_rows(self) -> pd.DataFrame:
        """Every problem that rejects the import: general ones first, then by file and line."""
        return _concat([self.general_problems, *(f.problem_table for f in self.files)])

    def rejected_rows(self) -> pd.DataFrame:
        """Every reason a row was left out by skip_invalid_rows, by file and line."""
        return _concat([f.rejected_table for f in self.files])

    def problems(self, limit: int | None = None) -> list[Problem]:
        """Problems in report order (general first, then files in import order), up to `limit`."""
        table = self.problem_rows()
        return _problems_from(table if limit is None else table.head(limit))

    def summary(self) -> str:
        """One line for an exception message or a log: the count and the first problem."""
        if self.accepted:
            files = len({f.file_name for f in self.files})
            line = f"imported {self.rows_imported:,} rows from {files} file{_s(files)} into " \
                   f"{self.db_path}"  # fmt: skip
            if self.rows_rejected:
                parts = sum(1 for f in self.files if f.rows_rejected)
                line += (
                    f"; {self.rows_rejected:,} invalid row{_s(self.rows_rejected)} REJECTED in "
                    f"{parts} file{_s(parts)} (skip_invalid_rows) and not imported, each listed "
                    "in the report"
                )
            return line
        count = self.problem_count
        first = self.problems(limit=1)[0].describe()
        if count == 1:
            return f"import rejected: {first}"
        files_hit = len({f.file_name for f in self.files if f.problem_count})
        in_files = f" in {files_hit} file{_s(files_hit)}" if files_hit else ""
        return f"import rejected: {count:,} problems{in_files}; first: {first}"

    def render(self, limit: int | None = 50) -> str:
        """A plain-text report: files, warnings, then up to `limit` problems and rejected rows."""
        from data_connectors.report_rendering import render_report

        return render_report(self, limit)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else no_problems()


def _s(count: int) -> str:
    return "" if count == 1 else "s"


class ImportRejected(Exception):
    """The import was refused and nothing was written; `report` lists every problem found."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(report.summary())


def reject(report: ImportReport, reason: str) -> NoReturn:
    """Add a general problem and stop the import (nothing has been written)."""
    report.add_general_problem(reason)
    raise ImportRejected(report)
