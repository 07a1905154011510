"""The plain-text import report: what the CLI prints and writes with --report.

The table has one row per mapping part. It grows an `entity` column only when file names do
not already say the entity (a mapped import), and a `rejected` column only when some part
opted into skip_invalid_rows, so the report of a plain canonical import stays short. Rejected
rows get their own section: they were left out of an import that succeeded, and must be seen.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data_connectors.import_report import ImportReport


def render_report(report: ImportReport, limit: int | None = 50) -> str:
    """The report as text; `limit` caps each list of problems (None: everything)."""
    options = f"mode: {report.mode}"
    if report.mapping_name:
        options += f", mapping: {report.mapping_name}"
    lines = [f"Import of {report.folder} into {report.db_path} ({options})"]
    if report.accepted:
        version = f" (data version {report.data_version})" if report.data_version else ""
        lines.append(f"result: imported {report.rows_imported:,} rows{version}")
        if report.rows_rejected:
            hit = sum(1 for f in report.files if f.rows_rejected)
            lines.append(
                f"rejected: {report.rows_rejected:,} invalid row{_s(report.rows_rejected)} in "
                f"{hit} file{_s(hit)} NOT imported (skip_invalid_rows); each is listed below"
            )
    else:
        lines.append(
            f"result: REJECTED with {report.problem_count:,} problem"
            f"{_s(report.problem_count)}; nothing was written"
        )
    if report.files:
        lines += ["", *_file_table(report)]
    warnings = list(report.warnings)
    warnings += [f"{f.file_name}: {w}" for f in report.files for w in f.warnings]
    if warnings:
        lines += ["", "warnings:", *(f"  {w}" for w in warnings)]
    if not report.accepted:
        shown = report.problems(limit=limit)
        heading = f"problems ({len(shown):,} of {report.problem_count:,} shown):"
        lines += ["", heading, *(f"  {p.describe()}" for p in shown)]
    if report.rows_rejected:
        shown = rejected_row_lines(report, limit)
        heading = (
            f"rejected rows, not imported ({len(shown):,} of {report.rows_rejected:,} shown; "
            "skip_invalid_rows):"
        )
        lines += ["", heading, *(f"  {line}" for line in shown)]
    return "\n".join(lines)


def rejected_row_lines(report: ImportReport, limit: int | None = None) -> list[str]:
    """One line per rejected row, its reasons merged: "f.csv line 9, columns a, b: empty"."""
    table = report.rejected_rows()
    keys = table[["file", "line"]].drop_duplicates()
    keys = keys if limit is None else keys.head(limit)
    wanted = table.merge(keys, on=["file", "line"])
    described: dict[tuple[str, int], list[str]] = {}
    merged: dict[tuple[str, int, str], list[str]] = {}
    for row in wanted.itertuples(index=False):
        key = (row.file, int(row.line))
        if row.value is None and row.column is not None:
            columns = merged.setdefault((*key, row.reason), [])
            if not columns:
                described.setdefault(key, []).append(row.reason)  # its columns are filled in below
            columns.append(row.column)
        else:
            where = f"column {row.column}, " if row.column is not None else ""
            value = f"value {row.value!r}: " if row.value is not None else ""
            described.setdefault(key, []).append(f"{where}{value}{row.reason}")
    result = []
    for (file, line), reasons in described.items():
        texts = []
        for reason in reasons:
            columns = merged.get((file, line, reason))
            if columns:
                label = "column" if len(columns) == 1 else "columns"
                texts.append(f"{label} {', '.join(columns)}: {reason}")
            else:
                texts.append(reason)
        result.append(f"{file} line {line}, " + "; ".join(texts))
    return result


def _file_table(report: ImportReport) -> list[str]:
    with_entity = any(_stem(f.file_name) != f.entity for f in report.files)
    with_rejected = any(f.skip_invalid_rows or f.rows_rejected for f in report.files)
    header = ["file", *(["entity"] if with_entity else []), "rows read", "imported",
              *(["rejected"] if with_rejected else []), "blank lines", "problems"]  # fmt: skip
    rows = []
    for f in report.files:
        rows.append([f.file_name, *([f.entity] if with_entity else []), f"{f.rows_read:,}",
                     f"{f.rows_imported:,}", *([f"{f.rows_rejected:,}"] if with_rejected else []),
                     f"{f.blank_lines:,}", f"{f.problem_count:,}"])  # fmt: skip
    rows.append(["total", *([""] if with_entity else []), f"{report.rows_read:,}",
                 f"{report.rows_imported:,}",
                 *([f"{report.rows_rejected:,}"] if with_rejected else []),
                 f"{report.blank_lines:,}", f"{report.problem_count:,}"])  # fmt: skip
    cells = [header, *rows]
    text_columns = 2 if with_entity else 1
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        "  ".join(
            v.ljust(widths[i]) if i < text_columns else v.rjust(widths[i])
            for i, v in enumerate(row)
        ).rstrip()
        for row in cells
    ]


def _stem(file_name: str) -> str:
    return PurePosixPath(file_name).stem.lower()


def _s(count: int) -> str:
    return "" if count == 1 else "s"
