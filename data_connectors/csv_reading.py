"""Reading one CSV file into trimmed text cells, keeping each row's physical line number.

Everything is read as text so that validation, not the CSV reader, decides what a valid value
is and can name the exact line and value of every bad cell. Blank lines (no text in any field,
such as ",,,,") are dropped and counted, but the remaining rows keep their original line
numbers, so a problem report points at the line a user sees in an editor.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data_connectors.import_report import no_problems, problem_frame
from data_connectors.text_decoding import AUTO, decode

_SKIPPED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_NEWLINE = r"\r\n|\r|\n"


@dataclass(frozen=True)
class CsvFormat:
    """How bytes become cells: the encoding (see text_decoding), delimiter and quote."""

    encoding: str = AUTO  # UTF-8 with or without a byte-order mark, else GB18030
    delimiter: str = ","
    quotechar: str = '"'


DEFAULT_FORMAT = CsvFormat()


@dataclass
class RawTable:
    """A file's header and non-blank rows as trimmed strings, or the reason it is unreadable."""

    file_name: str
    sha256: str
    header: list[str] = field(default_factory=list)
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)  # columns 0..n-1 as in header
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    blank_lines: int = 0
    problems: pd.DataFrame = field(default_factory=no_problems)
    warnings: list[str] = field(default_factory=list)
    typed_dates: dict[int, np.ndarray] = field(default_factory=dict)  # workbook date cells

    @property
    def readable(self) -> bool:
        """False when the file could not be parsed at all (it then has no header or rows)."""
        return bool(self.header)


def read_csv_cells(
    path: Path, fmt: CsvFormat = DEFAULT_FORMAT, label: str | None = None
) -> RawTable:
    """Read `path` as text cells; decoding and CSV-structure errors become problems, not raises.

    `label` names the file in problems (default: its name).
    """
    data = path.read_bytes()
    table = RawTable(label or path.name, hashlib.sha256(data).hexdigest())
    decoded = decode(data, fmt.encoding)
    if decoded.text is None:
        return _unreadable(table, decoded.line, decoded.reason)
    text = decoded.text
    if decoded.note:
        table.warnings.append(decoded.note)
    if not text.strip():
        return _unreadable(table, None, "the file is empty; expected a header line")
    first_line = re.split(_NEWLINE, text, maxsplit=1)[0]
    if not first_line.replace(fmt.delimiter, "").strip():
        return _unreadable(table, 1, "line 1 must be the header with the column names")
    try:
        frame, skipped = _parse(text, fmt)
    except pd.errors.ParserError as err:
        return _unreadable(table, None, f"not readable as CSV: {err}")
    record_lines, kept = _record_lines(frame, skipped, quoted=fmt.quotechar in text)
    lines = record_lines[kept - 1]
    frame = frame.fillna("").astype(str)
    frame = pd.DataFrame({c: frame[c].str.strip() for c in frame.columns})
    table.header = frame.iloc[0].tolist()
    body = frame.iloc[1:].reset_index(drop=True)
    blank = (body == "").all(axis=1).to_numpy()
    table.blank_lines = int(blank.sum())
    table.cells = body[~blank].reset_index(drop=True)
    table.lines = lines[1:][~blank]
    table.problems = _skipped_problems(table.file_name, skipped, record_lines)
    return table


def _parse(text: str, fmt: CsvFormat) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse with the C engine; rows with too many fields are skipped and returned separately."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            on_bad_lines="warn",
            sep=fmt.delimiter,
            quotechar=fmt.quotechar,
            engine="c",
        )
    found = [
        (int(m[1]), int(m[2]), int(m[3]))
        for w in caught
        if issubclass(w.category, pd.errors.ParserWarning)
        for m in _SKIPPED.finditer(str(w.message))
    ]
    skipped = pd.DataFrame(found, columns=["record", "expected", "saw"], dtype="int64")
    return frame, skipped


def _record_lines(
    frame: pd.DataFrame, skipped: pd.DataFrame, quoted: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The physical line where each CSV record starts, and the record numbers that were kept.

    Rows are numbered as CSV records (the reader's count, skipped rows included); a quoted
    field spanning several lines shifts every later row by its extra line breaks. A skipped
    row's own embedded line breaks are unknown and assumed to be none.
    """
    total = len(frame) + len(skipped)
    kept = np.setdiff1d(np.arange(1, total + 1), skipped["record"].to_numpy())
    extra = np.zeros(total, dtype=np.int64)
    if quoted:
        breaks = sum(
            (frame[c].fillna("").astype(str).str.count(_NEWLINE) for c in frame.columns),
            start=pd.Series(0, index=frame.index),
        )
        extra[kept - 1] = breaks.to_numpy()
    before = np.concatenate([[0], np.cumsum(extra)[:-1]])
    return np.arange(1, total + 1) + before, kept


def _skipped_problems(
    file_name: str, skipped: pd.DataFrame, record_lines: np.ndarray
) -> pd.DataFrame:
    if skipped.empty:
        return no_problems()
    reasons = (
        "row has "
        + skipped["saw"].astype(str)
        + " fields but the header has "
        + skipped["expected"].astype(str)
        + " (check quoting and delimiters)"
    )
    return problem_frame(file_name, record_lines[skipped["record"].to_numpy() - 1], reasons)


def _unreadable(table: RawTable, line: int | None, reason: str) -> RawTable:
    table.problems = problem_frame(table.file_name, None if line is None else [line], reason)
    return table
