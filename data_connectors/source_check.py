"""check-source: is a source usable, and if not, what exactly is wrong — by name.

It connects, finds each mapped table (or runs each mapped query), checks every canonical
column is there with a usable type, and reads a sample through the mapping to catch
values that will not parse (text dates in another format, text in number columns, empty
required values). Every finding names the entity, the column, what was expected and what
was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from canonical.model import ENTITIES, Column
from data_connectors.config import SourceConfig
from data_connectors.db_mapping import RAW_PREFIX, PartColumns, describe_part, part_select
from data_connectors.mapping import EntityPart, Mapping
from data_connectors.source import SourceError

ESSENTIAL = ("sku", "location", "sales", "inventory")  # receipts are optional
DEFAULTS = {("sales", "cost"): "qty × sku.unit_cost", ("sales", "channel"):
            "the location's channel", ("inventory", "on_hand_value"): "on_hand_qty × unit_cost",
            ("receipts", "cost"): "qty × sku.unit_cost"}


@dataclass(frozen=True)
class Finding:
    entity: str | None
    column: str | None
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = ".".join(p for p in (self.entity, self.column) if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class CheckReport:
    url: str
    findings: list[Finding] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.error]

    def render(self) -> str:
        lines = [f"source: {self.url}"]
        for entity in ENTITIES:
            bad = [f for f in self.findings if f.entity == entity and f.error]
            lines.append(f"{entity:<10} {'FAIL' if bad else 'ok  '}  "
                         + "; ".join(self.notes.get(entity, [])))
            lines += [f"  - {f}" for f in self.findings if f.entity == entity]
        lines += [f"  - {f}" for f in self.findings if f.entity is None]
        n = len(self.errors)
        warnings = len(self.findings) - n
        lines.append("no problems found" if not n else f"{n} problem{'s' * (n != 1)} found"
                     + (f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""))
        return "\n".join(lines)


def _type_finding(col: Column, part: EntityPart, found: sa.types.TypeEngine) -> Finding | None:
    text = isinstance(found, sa.types.String)
    numeric = isinstance(found, sa.types.Numeric | sa.types.Integer | sa.types.Float)
    dated = isinstance(found, sa.types.Date | sa.types.DateTime)
    source = part.source_column(col.name)
    if col.kind == "date" and not (dated or text or numeric):
        return Finding(part.entity, col.name, f"column {source!r} is {found}, expected a date "
                       "or text in a date format")
    if col.kind == "date" and numeric and part.formats_for(col.name) == ("ISO",):
        return Finding(part.entity, col.name, f"column {source!r} is a number ({found}); say "
                       "how to read it, e.g. date_format: YYYYMMDD or EXCEL")
    if col.kind == "number" and not numeric:
        if text:
            return Finding(part.entity, col.name, f"column {source!r} is text ({found}); its "
                           "values are cast to numbers", error=False)
        return Finding(part.entity, col.name, f"column {source!r} is {found}, expected a number")
    return None


def _sample_findings(engine: sa.Engine, part: EntityPart, cols: PartColumns,
                     sample: int) -> list[Finding]:
    """Read `sample` rows through the mapping; report required values that are empty or
    that do not parse, with an example of the raw text."""
    entity = ENTITIES[part.entity]
    query = part_select(entity, part, cols, with_raw=True).limit(sample)
    try:
        with engine.connect() as con:
            rows = [dict(r._mapping) for r in con.execute(query)]
    except sa.exc.DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0]
        return [Finding(part.entity, None, f"reading rows through the mapping fails: {detail}")]
    findings = []
    for col in entity.columns:
        if not col.required or col.name in part.constants or not rows:
            continue
        raw_key = RAW_PREFIX + col.name
        empty = [r for r in rows if r[col.name] is None and r.get(raw_key) in (None, "")]
        unparsed = [r[raw_key] for r in rows if r[col.name] is None
                    and r.get(raw_key) not in (None, "")]
        if unparsed:
            formats = ", ".join(part.formats_for(col.name))
            findings.append(Finding(part.entity, col.name,
                                    f"{len(unparsed)} of {len(rows)} sampled values do not "
                                    f"match the date format(s) {formats}, e.g. "
                                    f"{unparsed[0]!r}"))
        if empty:
            findings.append(Finding(part.entity, col.name,
                                    f"{len(empty)} of {len(rows)} sampled rows have no value"))
    return findings


def check_source(cfg: SourceConfig, sample: int = 200) -> CheckReport:
    from data_connectors.engines import create_source_engine, describe_db_error

    report = CheckReport(cfg.safe_url)
    try:
        engine = create_source_engine(cfg.url, read_only=True,
                                      statement_timeout_s=cfg.statement_timeout_s)
        with engine.connect():
            pass
    except (sa.exc.DBAPIError, sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        report.findings.append(Finding(None, None, describe_db_error(exc, cfg.url)))
        return report
    try:
        mapping = cfg.mapping or Mapping({})
        tables = {t.lower() for t in sa.inspect(engine).get_table_names()}
        for name, entity in ENTITIES.items():
            parts = mapping.parts(name)
            if not parts and name in tables:
                parts = (EntityPart(name, table=name),)
            if not parts:
                essential = name in ESSENTIAL
                report.findings.append(Finding(
                    name, None, f"no table named {name!r} and no mapping for it"
                    + ("" if essential else "; metrics that use receipts will see none"),
                    error=essential))
                continue
            for part in parts:
                _check_part(engine, entity.name, part, sample, report)
    finally:
        engine.dispose()
    return report


def _check_part(engine: sa.Engine, entity_name: str, part: EntityPart, sample: int,
                report: CheckReport) -> None:
    entity = ENTITIES[entity_name]
    where = f"table {part.table}" if part.table else "mapped SQL"
    try:
        cols = describe_part(engine, part)
    except SourceError as exc:
        report.findings.append(Finding(entity_name, None, str(exc).split(": ", 1)[-1]))
        return
    missing_required = False
    for col in entity.columns:
        if col.name in part.constants:
            continue
        source = part.source_column(col.name)
        if source.lower() not in cols.names:
            if col.required:
                missing_required = True
                found = ", ".join(cols.names.values()) or "no columns"
                report.findings.append(Finding(entity_name, col.name,
                                               f"column {source!r} not found in {where} "
                                               f"(it has: {found})"))
            elif (entity_name, col.name) in DEFAULTS:
                report.notes.setdefault(entity_name, []).append(
                    f"{col.name} defaults to {DEFAULTS[entity_name, col.name]}")
            continue
        found_type = cols.types.get(source.lower())
        if found_type is not None:
            finding = _type_finding(col, part, found_type)
            if finding:
                report.findings.append(finding)
    report.notes.setdefault(entity_name, []).insert(0, where)
    if not missing_required:
        report.findings += _sample_findings(engine, part, cols, sample)
