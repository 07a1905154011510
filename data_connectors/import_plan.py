"""Which file (and sheet) each mapping part reads: the plan of an import, made before reading.

`--from` is a folder (a mapping's `file:` paths are relative to it) or one .xlsx workbook.
Without a mapping a folder holds canonical CSVs named after the entities and a workbook holds
sheets named after them. Everything wrong with the plan — a missing file, a missing sheet, a
`table:` part that only a database can answer — is reported at once, by name, before any data
is read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

from canonical.model import ENTITIES
from data_connectors.import_report import ImportReport, reject
from data_connectors.mapping import EntityPart, Mapping, canonical_files_mapping
from data_connectors.row_validation import unique_key
from data_connectors.xlsx_reading import WORKBOOK_SUFFIXES, WorkbookError, sheet_names

CANONICAL_FILES = {name: f"{name}.csv" for name in ENTITIES}
WORKBOOK_DATES = ("ISO", "EXCEL")  # numbers in a workbook's date column are Excel serials


@dataclass(frozen=True)
class PartSource:
    """One part of the mapping and where its rows are: a CSV file or a workbook's sheet."""

    part: EntityPart
    path: Path
    sheet: str | None  # None for CSV
    label: str  # how reports name it: "sales.csv", "book.xlsx[sales]"


def plan_import(source: Path, mapping: Mapping | None, report: ImportReport) -> list[PartSource]:
    """The parts to read, in entity order; unusable ones become problems in `report`."""
    workbook = source.is_file() and source.suffix.lower() in WORKBOOK_SUFFIXES
    if mapping is None:
        return _workbook_sheets(source, report) if workbook else _canonical_folder(source, report)
    if not workbook and not source.is_dir():
        what = "does not exist" if not source.exists() else "is neither a folder nor a .xlsx file"
        reject(report, f"{source} {what}")
    if not any(mapping.parts(e) for e in ENTITIES):
        reject(report, "the mapping maps no entity")
    plan = []
    for entity in ENTITIES:
        for i, part in enumerate(mapping.parts(entity)):
            where = f"mapping {entity}" + (f"[{i}]" if len(mapping.parts(entity)) > 1 else "")
            found = _locate(source, workbook, part, where, report)
            if found is not None:
                plan.append(found)
    return plan


def _locate(
    source: Path, workbook: bool, part: EntityPart, where: str, report: ImportReport
) -> PartSource | None:
    if part.table or part.sql:
        report.add_general_problem(f"{where}: `table:` and `sql:` name database tables; a file "
                                   "import reads files (give `file:`)")  # fmt: skip
        return None
    if part.distinct and not unique_key(ENTITIES[part.entity]):
        report.add_general_problem(f"{where}: `distinct: true` needs a key, and {part.entity} "
                                   "rows have none (identical lines can be real)")  # fmt: skip
        return None
    if part.file is None and not workbook:
        report.add_general_problem(f"{where}: give the `file:` to read (relative to {source})")
        return None
    base = source.parent if workbook else source
    path = source if part.file is None else base / part.file
    name = part.file or source.name
    if part.file is not None and not _inside(part.file):
        report.add_general_problem(f"{where}: file {name} is outside {base}; files are named "
                                   "relative to the folder imported from")  # fmt: skip
        return None
    if not path.is_file():
        report.add_general_problem(f"{where}: file {name} not found in {base}")
        return None
    if part.file is not None and not resolves_inside(path, base):
        report.add_general_problem(f"{where}: file {name} is a link to a file outside {base}; "
                                   "copy the file into the folder instead")  # fmt: skip
        return None
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        if path.suffix.lower() == ".xls":
            report.add_general_problem(f"{where}: {name} is an old .xls workbook; save it as "
                                       ".xlsx or CSV")  # fmt: skip
            return None
        if part.sheet is not None:
            report.add_general_problem(f"{where}: `sheet:` given but {name} is not a workbook")
            return None
        return PartSource(part, path, None, name)
    sheet = _pick_sheet(path, part, where, report)
    if sheet is None:
        return None
    if not part.date_formats:
        part = replace(part, date_formats={"*": WORKBOOK_DATES})
    return PartSource(part, path, sheet, f"{name}[{sheet}]")


def _inside(file: str) -> bool:
    """Whether a mapping's relative path stays inside its folder (so an uploaded mapping
    cannot read other files of the server)."""
    normal = posixpath.normpath(file.replace("\\", "/"))
    return not (PurePosixPath(normal).is_absolute() or normal == ".." or normal.startswith("../")
                or PureWindowsPath(file).drive)  # fmt: skip


def resolves_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with every symbolic link followed, is still inside `folder`: a link
    in the imported folder must not read other files of the server."""
    return path.resolve().is_relative_to(folder.resolve())


def _pick_sheet(path: Path, part: EntityPart, where: str, report: ImportReport) -> str | None:
    """The named sheet, a 1-based sheet number, the entity's sheet, or a workbook's only one."""
    try:
        sheets = sheet_names(path)
    except WorkbookError as err:
        report.add_general_problem(f"{where}: {path.name}: {err}")
        return None
    listed = ", ".join(sheets)
    if isinstance(part.sheet, int):
        if 1 <= part.sheet <= len(sheets):
            return sheets[part.sheet - 1]
        report.add_general_problem(f"{where}: {path.name} has no sheet number {part.sheet} "
                                   f"(its sheets: {listed})")  # fmt: skip
        return None
    wanted = part.sheet if part.sheet is not None else part.entity
    by_name = {s.strip().lower(): s for s in sheets}
    if str(wanted).strip().lower() in by_name:
        return by_name[str(wanted).strip().lower()]
    if part.sheet is None and len(sheets) == 1:
        return sheets[0]
    report.add_general_problem(f"{where}: {path.name} has no sheet {wanted!r} "
                               f"(its sheets: {listed})")  # fmt: skip
    return None


def _canonical_folder(folder: Path, report: ImportReport) -> list[PartSource]:
    """sku.csv … inventory.csv, matched case-insensitively, in the model's entity order."""
    if not folder.is_dir():
        reject(report, f"{folder} is not a folder")
    by_name: dict[str, list[Path]] = {}
    others = []
    for path in sorted(folder.iterdir()):
        if path.name.lower() in CANONICAL_FILES.values() and path.is_file():
            if not resolves_inside(path, folder):
                report.add_general_problem(f"{path.name} is a link to a file outside {folder}; "
                                           "copy the file into the folder instead")
                continue
            by_name.setdefault(path.name.lower(), []).append(path)
        elif path.suffix.lower() == ".csv":
            others.append(path.name)
    for found in by_name.values():
        if len(found) > 1:
            names = " and ".join(p.name for p in found)
            report.add_general_problem(f"{folder} holds both {names}; keep one")
    if not by_name:
        expected = ", ".join(CANONICAL_FILES.values())
        reject(report, f"{folder} holds none of the canonical files {expected}")
    if others:
        report.warnings.append(
            f"files not named after a canonical entity ignored: {', '.join(others)}"
        )
    parts = canonical_files_mapping()
    return [
        PartSource(parts.parts(e)[0], by_name[f][0], None, by_name[f][0].name)
        for e, f in CANONICAL_FILES.items()
        if f in by_name
    ]


def _workbook_sheets(book: Path, report: ImportReport) -> list[PartSource]:
    """A workbook without a mapping: one sheet per entity, named after it."""
    try:
        sheets = sheet_names(book)
    except WorkbookError as err:
        reject(report, f"{book.name}: {err}")
    by_name = {s.strip().lower(): s for s in sheets}
    found = [e for e in ENTITIES if e in by_name]
    if not found:
        reject(report, f"{book.name} has no sheet named after an entity "
                       f"({', '.join(ENTITIES)}); its sheets: {', '.join(sheets)}")  # fmt: skip
    others = [s for s in sheets if s.strip().lower() not in ENTITIES]
    if others:
        report.warnings.append(f"sheets not named after an entity ignored: {', '.join(others)}")
    return [
        PartSource(
            EntityPart(e, sheet=by_name[e], date_formats={"*": WORKBOOK_DATES}),
            book,
            by_name[e],
            f"{book.name}[{by_name[e]}]",
        )
        for e in found
    ]
