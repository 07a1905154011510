"""Which cells of a file feed each canonical column, as one mapping part says.

This is where a user's column names become canonical ones: a mapped source column, else a
column already named like the canonical one (case and surrounding spaces ignored), else a
constant. Recoding (`values:`) happens here too, on the trimmed text, before any parsing, so
"1" can become "Spirits". Nothing is dropped quietly: unknown columns of an unmapped file,
values a recoding does not list and key-less rows of a `distinct` part all become warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from canonical.model import Entity
from data_connectors.csv_reading import RawTable
from data_connectors.import_report import combine_problems, problem_frame
from data_connectors.mapping import EntityPart

_SHOWN = 5  # example values quoted in a warning


@dataclass
class PartCells:
    """The part's rows as trimmed text per canonical column it provides."""

    cells: dict[str, pd.Series]  # canonical column → text cells (recoded)
    lines: np.ndarray
    typed_dates: dict[str, np.ndarray] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=lambda: combine_problems([]))
    warnings: list[str] = field(default_factory=list)

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(self.cells)


def part_cells(entity: Entity, part: EntityPart, raw: RawTable) -> PartCells:
    """Pick, rename, fill and recode the columns of `raw` that feed `entity`."""
    file = raw.file_name
    positions: dict[str, list[int]] = {}
    for pos, name in enumerate(raw.header):
        positions.setdefault(name.strip().lower(), []).append(pos)
    count = len(raw.cells)
    cells: dict[str, pd.Series] = {}
    typed: dict[str, np.ndarray] = {}
    problems: list[pd.DataFrame] = []
    used: set[int] = set()
    for col in entity.columns:
        name = col.name
        if name in part.constants:
            if name in part.columns:
                problems.append(problem_frame(file, [1], "the mapping gives both a source column "
                                              "and a constant; keep one", name))  # fmt: skip
            cells[name] = pd.Series([constant_text(part.constants[name])] * count, dtype=object)
            continue
        source = part.source_column(name)
        found = positions.get(source.strip().lower(), [])
        if not found:
            if name in part.columns or col.required:
                problems.append(problem_frame(file, [1], _missing(part, name, raw.header), name))
            continue
        if len(found) > 1:
            fields = " and ".join(str(p + 1) for p in found)
            what = "column" if source == name else f"source column {source!r}"
            reason = f"{what} appears twice in the header (fields {fields})"
            problems.append(problem_frame(file, [1], reason, name))
        used.add(found[0])
        cells[name] = raw.cells[found[0]].reset_index(drop=True)
        if found[0] in raw.typed_dates:
            typed[name] = raw.typed_dates[found[0]]
    shaped = PartCells(cells, raw.lines, typed, combine_problems(problems))
    _recode(part, shaped)
    _warn_unused(part, raw, used, shaped)
    if part.distinct and entity.key and entity.key[0] in cells:
        _drop_keyless_rows(entity, shaped)
    return shaped


def constant_text(value: object) -> str:
    """A constant from YAML as cell text (YAML may give a number, a date or a boolean)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _missing(part: EntityPart, name: str, header: list[str]) -> str:
    if not part.columns:
        return "required column is missing from the header"
    shown = ", ".join(repr(h) for h in header[:12] if h) + (", …" if len(header) > 12 else "")
    if name in part.columns:
        return f"the mapping reads {name} from column {part.columns[name]!r}, which is not in " \
               f"the header ({shown})"  # fmt: skip
    return (f"required column is missing: the mapping names no source column for it and the "
            f"header has no column {name!r} (header: {shown})")  # fmt: skip


def _recode(part: EntityPart, shaped: PartCells) -> None:
    """Apply `values:`; values it does not list are kept as written, and said so."""
    for name, table in part.values.items():
        if name not in shaped.cells:
            continue
        cells = shaped.cells[name].astype(object)
        recoded = cells.map({k.strip(): v for k, v in table.items()})
        unlisted = cells[(cells != "") & recoded.isna()]
        shaped.cells[name] = recoded.where(recoded.notna(), cells)
        if len(unlisted):
            examples = ", ".join(repr(v) for v in unlisted.drop_duplicates().head(_SHOWN))
            shaped.warnings.append(
                f"{name}: {len(unlisted):,} cell(s) with values not listed under `values` kept "
                f"as written ({examples})"
            )


def _warn_unused(part: EntityPart, raw: RawTable, used: set[int], shaped: PartCells) -> None:
    """Without a mapping an unused column is likely a misspelt canonical name: say so.

    With one, the user chose the columns; the others are expected and not listed.
    """
    if part.columns:
        return
    unused = [n for p, n in enumerate(raw.header) if n and p not in used]
    unused += [
        f"(unnamed field {pos + 1})"
        for pos, name in enumerate(raw.header)
        if not name and (raw.cells[pos] != "").any()
    ]
    if unused:
        shaped.warnings.append(f"unknown columns ignored: {', '.join(unused)}")


def _drop_keyless_rows(entity: Entity, shaped: PartCells) -> None:
    """A `distinct` part collects the keys rows name; a row naming none is skipped, and said so."""
    key = entity.key[0]
    keep = (shaped.cells[key] != "").to_numpy()
    if keep.all():
        return
    shaped.cells = {n: c[keep].reset_index(drop=True) for n, c in shaped.cells.items()}
    shaped.typed_dates = {n: m[keep] for n, m in shaped.typed_dates.items()}
    shaped.lines = shaped.lines[keep]
    shaped.warnings.append(
        f"{int((~keep).sum()):,} rows without a {key} skipped (a distinct part only collects "
        f"the {key} values its rows name)"
    )
