"""Checking the rows one mapping part takes from a file against its entity, a column at a time.

Validation never stops at the first error: every bad cell, missing value and unknown
reference becomes a row in a problem table, so a user fixes a file in one pass (duplicate keys
are checked across the parts of an entity in entity_checks).
All checks are vectorized with pandas; nothing loops in Python per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from canonical.model import Entity
from data_connectors.csv_reading import RawTable
from data_connectors.import_report import combine_problems, no_problems, problem_frame
from data_connectors.mapping import EntityPart
from data_connectors.part_columns import part_cells
from data_connectors.value_parsing import parser_for

LINE = "_line"  # the frame column holding each row's physical line in the file
SNAPSHOT_KEY = ("date", "sku_id", "location_id")  # one inventory figure per day, SKU and place


def unique_key(entity: Entity) -> tuple[str, ...]:
    """Columns that must not repeat within a file: a dimension's key or the snapshot key."""
    if entity.key:
        return entity.key
    return SNAPSHOT_KEY if entity.name == "inventory" else ()


@dataclass
class ValidatedTable:
    """A part's rows as typed canonical columns, with every problem found in them."""

    entity: Entity
    file_name: str
    frame: pd.DataFrame  # LINE plus every canonical column; absent optional ones are NULL
    present: tuple[str, ...] = ()  # canonical columns the part provides (mapped or constant)
    problems: pd.DataFrame = field(default_factory=no_problems)
    warnings: list[str] = field(default_factory=list)
    part: EntityPart | None = None  # the mapping part the rows come from


def validate_part(entity: Entity, part: EntityPart, raw: RawTable) -> ValidatedTable:
    """Parse and check every cell `part` takes from `raw` as a row of `entity`.

    Collects all problems; key duplicates are checked later across all parts of the entity.
    """
    if not raw.readable:
        frame = pd.DataFrame({LINE: np.zeros(0, dtype=np.int64)})
        for col in entity.columns:
            frame[col.name] = _absent(col.kind, 0)
        return ValidatedTable(entity, raw.file_name, frame, problems=raw.problems, part=part)
    shaped = part_cells(entity, part, raw)
    found = [raw.problems, shaped.problems]
    columns: dict[str, object] = {LINE: shaped.lines}
    for col in entity.columns:
        if col.name not in shaped.cells:
            columns[col.name] = _absent(col.kind, len(shaped.lines))
            continue
        cells = shaped.cells[col.name]
        if col.required:
            empty = (cells == "").to_numpy()
            if empty.any():
                found.append(
                    problem_frame(
                        raw.file_name, shaped.lines[empty], "required value is empty", col.name
                    )
                )
        parsed = parser_for(col, part, shaped.typed_dates.get(col.name))(cells)
        bad = parsed.bad.to_numpy()
        if bad.any():
            found.append(
                problem_frame(
                    raw.file_name, shaped.lines[bad], parsed.reasons[bad], col.name, cells[bad]
                )
            )
        columns[col.name] = parsed.values.to_numpy()
    table = ValidatedTable(
        entity, raw.file_name, pd.DataFrame(columns), shaped.present, part=part,
        warnings=[*raw.warnings, *shaped.warnings],
    )  # fmt: skip
    table.problems = combine_problems(found)
    return table


def unknown_reference_problems(
    table: ValidatedTable, column: str, known: set[str], where: str
) -> pd.DataFrame:
    """Fact rows whose `column` (sku_id or location_id) names nothing in `known`."""
    if column not in table.present:
        return no_problems()
    values = table.frame[column]
    unknown = (values.notna() & ~values.isin(known)).to_numpy()
    if not unknown.any():
        return no_problems()
    return problem_frame(
        table.file_name,
        table.frame[LINE].to_numpy()[unknown],
        f"unknown {column.removesuffix('_id')}: not in {where}",
        column,
        values.to_numpy()[unknown],
    )


def _absent(kind: str, count: int) -> np.ndarray:
    """A NULL column for an optional canonical column the file does not provide."""
    if kind == "number":
        return np.full(count, np.nan)
    return np.full(count, None, dtype=object)
