"""Mappings: how a company's tables or files become the canonical entities.

One format serves database sources (`table:` or `sql:`) and file imports (`file:`), so a
mapping written for an export also documents the database it came from. A mapping is
YAML; every error names the key path (e.g. `sales[0].columns.qty`) and what is wrong.

    sales:
      table: erp.sales_lines          # or  sql: "select ... from ..."   or  file: sales.csv
      columns: {date: sold_on, sku_id: item_code, location_id: store_no, qty: quantity,
                revenue: net_amount}
      constants: {channel: store}     # a source without channels
      date_format: DD-MM-YYYY         # or a list tried in order; ISO and EXCEL also known
      values: {channel: {"1": store, "2": online}}   # recode source values
    location:                         # an entity may be assembled from several parts
      - {file: stores.csv, columns: {location_id: Store, location_name: City}}
      - {file: purchases.csv, columns: {location_id: Store}}
    ...
Canonical columns the mapping does not name are read from a source column of the same
name when there is one (so a canonical-named table needs no mapping at all).
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from canonical.model import ENTITIES
from data_connectors.date_formats import SPECIAL_FORMATS, format_problem

PART_KEYS = {"file", "sheet", "encoding", "table", "sql", "columns", "constants", "date_format",
             "values", "skip_invalid_rows", "distinct", "thousands", "watermark"}
FACTS = ("sales", "receipts", "inventory")


class MappingError(ValueError):
    """A mapping that cannot be used; the message names the key path and the problem."""


def check_date_format(fmt: str, where: str) -> str:
    """Accept ISO, EXCEL (serial day numbers) or a pattern of YYYY, MM/M, DD/D and
    separators, e.g. DD-MM-YYYY, M/D/YYYY, YYYYMMDD (data_connectors/date_formats.py)."""
    fmt = str(fmt).strip()
    if fmt.upper() in SPECIAL_FORMATS:
        return fmt.upper()
    problem = format_problem(fmt)
    if problem is not None:
        raise MappingError(f"{where}: date format {fmt!r} is not one of ISO, EXCEL or a "
                           f"usable pattern: {problem}")
    return fmt


@dataclass(frozen=True)
class EntityPart:
    """One source of rows for a canonical entity."""

    entity: str
    file: str | None = None
    sheet: str | int | None = None
    encoding: str = "auto"
    table: str | None = None
    sql: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # canonical → source column
    constants: dict[str, Any] = field(default_factory=dict)  # canonical → fixed value
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column → formats
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column → recoding
    skip_invalid_rows: bool = False  # import good rows, report (never drop silently) the rest
    distinct: bool = False  # keep the first row per key (dimension rows taken from facts)
    thousands: str = ","
    # extract mode: the canonical column an incremental refresh pulls new rows by ("date";
    # sales and receipts by default, inventory snapshots only when named)
    watermark: str | None = None

    def source_column(self, canonical: str) -> str:
        """The source column that feeds a canonical column (its own name by default)."""
        return self.columns.get(canonical, canonical)

    def formats_for(self, canonical: str) -> tuple[str, ...]:
        return self.date_formats.get(canonical) or self.date_formats.get("*") or ("ISO",)


@dataclass(frozen=True)
class Mapping:
    entities: dict[str, tuple[EntityPart, ...]]

    def parts(self, entity: str) -> tuple[EntityPart, ...]:
        return self.entities.get(entity, ())

    def files(self) -> list[str]:
        return [p.file for parts in self.entities.values() for p in parts if p.file]


def _as_dict(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, MappingABC):
        raise MappingError(f"{where}: expected a mapping of keys to values, "
                           f"found {type(value).__name__}")
    return dict(value)


def _parse_part(entity: str, raw: Any, where: str) -> EntityPart:
    spec = _as_dict(raw, where)
    unknown = set(spec) - PART_KEYS
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                           f"allowed: {', '.join(sorted(PART_KEYS))}")
    origins = [k for k in ("file", "table", "sql") if spec.get(k)]
    if len(origins) > 1:
        raise MappingError(f"{where}: give one of file, table or sql, not {' and '.join(origins)}")
    known = set(ENTITIES[entity].column_names)
    columns = {str(k): str(v) for k, v in _as_dict(spec.get("columns"), f"{where}.columns").items()}
    constants = _as_dict(spec.get("constants"), f"{where}.constants")
    values = {str(k): {str(a): str(b) for a, b in _as_dict(v, f"{where}.values.{k}").items()}
              for k, v in _as_dict(spec.get("values"), f"{where}.values").items()}
    for key, names in (("columns", columns), ("constants", constants), ("values", values)):
        for name in names:
            if name not in known:
                raise MappingError(f"{where}.{key}.{name}: {entity} has no column {name!r}; "
                                   f"its columns: {', '.join(ENTITIES[entity].column_names)}")
    raw_formats = spec.get("date_format")
    if isinstance(raw_formats, MappingABC):
        date_formats = {}
        for col, fmts in raw_formats.items():
            if col != "*" and col not in known:
                raise MappingError(f"{where}.date_format.{col}: {entity} has no column {col!r}")
            fmts = [fmts] if isinstance(fmts, str) else list(fmts)
            date_formats[str(col)] = tuple(check_date_format(f, f"{where}.date_format.{col}")
                                           for f in fmts)
    elif raw_formats is None:
        date_formats = {}
    else:
        fmts = [raw_formats] if isinstance(raw_formats, str) else list(raw_formats)
        date_formats = {"*": tuple(check_date_format(f, f"{where}.date_format") for f in fmts)}
    watermark = spec.get("watermark")
    if watermark is not None and (entity not in FACTS or watermark != "date"):
        raise MappingError(f"{where}.watermark: only the facts ({', '.join(FACTS)}) have "
                           f"one, and it is their canonical date column: watermark: date")
    return EntityPart(
        watermark=watermark, entity=entity, file=spec.get("file"), sheet=spec.get("sheet"),
        encoding=str(spec.get("encoding", "auto")), table=spec.get("table"),
        sql=spec.get("sql"), columns=columns, constants=constants, date_formats=date_formats,
        values=values, skip_invalid_rows=bool(spec.get("skip_invalid_rows", False)),
        distinct=bool(spec.get("distinct", False)), thousands=str(spec.get("thousands", ",")),
    )


def parse_mapping(raw: Any, where: str = "mapping") -> Mapping:
    """A Mapping from the parsed YAML (a dict of entity → part or list of parts)."""
    spec = _as_dict(raw, where)
    entities: dict[str, tuple[EntityPart, ...]] = {}
    for name, value in spec.items():
        if name == "description":  # free text for the people maintaining the mapping
            continue
        if name not in ENTITIES:
            raise MappingError(f"{where}.{name}: not an entity; entities are "
                               f"{', '.join(ENTITIES)}")
        items = value if isinstance(value, list) else [value]
        if not items:
            raise MappingError(f"{where}.{name}: an empty list maps nothing")
        entities[name] = tuple(
            _parse_part(name, item, f"{where}.{name}" + (f"[{i}]" if isinstance(value, list)
                                                         else ""))
            for i, item in enumerate(items))
    return Mapping(entities)


def load_mapping(path: Path | str) -> Mapping:
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"mapping file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML ({exc})") from None
    return parse_mapping(raw, where=path.name)


def canonical_files_mapping() -> Mapping:
    """The implicit mapping of a canonical folder: <entity>.csv with canonical headers."""
    return Mapping({name: (EntityPart(name, file=f"{name}.csv"),) for name in ENTITIES})
