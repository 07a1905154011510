"""Canonical relations over a company's own tables, built from a mapping.

Each mapped entity becomes a SELECT over the user's table or SQL that renames columns to
the canonical names, casts them to the canonical types, adds constants, recodes values
and parses text dates. The metrics compiler then treats it like any canonical table, and
the database still does all the work.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.expression import ColumnElement

from canonical.model import ENTITIES, Column, Entity
from data_connectors.mapping import EntityPart, Mapping
from data_connectors.source import SourceError, relations_for_engine
from data_connectors.sql_dates import date_from_text


@dataclass(frozen=True)
class PartColumns:
    """What a mapped table or query offers: its column names and SQL types (lower-cased)."""

    names: dict[str, str]  # lower-case name → name as the database spells it
    types: dict[str, sa.types.TypeEngine]


def split_table_name(name: str) -> tuple[str | None, str]:
    schema, _, table = name.rpartition(".")
    return (schema or None), table


def describe_part(engine: sa.Engine, part: EntityPart) -> PartColumns:
    """Columns of the part's table (from the catalogue) or query (from a 0-row run)."""
    if part.table:
        schema, table = split_table_name(part.table)
        inspector = sa.inspect(engine)
        if not inspector.has_table(table, schema=schema):
            raise SourceError(f"{part.entity}: table {part.table!r} does not exist")
        cols = inspector.get_columns(table, schema=schema)
        return PartColumns({c["name"].lower(): c["name"] for c in cols},
                           {c["name"].lower(): c["type"] for c in cols})
    if part.sql:
        probe = sa.select(sa.text("*")).select_from(sa.text(f"({part.sql}) AS probe")).limit(0)
        try:
            with engine.connect() as con:
                keys = list(con.execute(probe).keys())
        except sa.exc.DBAPIError as exc:
            detail = str(exc.orig).strip().splitlines()[0]
            raise SourceError(f"{part.entity}: the mapped SQL fails: {detail}") from exc
        return PartColumns({k.lower(): k for k in keys}, {})
    raise SourceError(f"{part.entity}: a database mapping needs `table:` or `sql:`")


def _from_clause(part: EntityPart, cols: PartColumns) -> sa.FromClause:
    columns = [sa.column(name) for name in cols.names.values()]
    if part.table:
        schema, table = split_table_name(part.table)
        return sa.table(table, *columns, schema=schema)
    return sa.text(part.sql).columns(*columns).subquery(f"{part.entity}_sql")


def _typed(col: Column, expr: ColumnElement, part: EntityPart,
           source_type: sa.types.TypeEngine | None) -> ColumnElement:
    """Cast to the canonical type; text dates are parsed with the part's formats."""
    if col.kind == "date":
        if isinstance(source_type, sa.types.Date | sa.types.DateTime):
            return sa.cast(expr, sa.Date())
        return date_from_text(expr, part.formats_for(col.name))
    return sa.cast(expr, sa.Double() if col.kind == "number" else sa.String())


def _recode(expr: ColumnElement, recoding: dict[str, str]) -> ColumnElement:
    text = sa.cast(expr, sa.String())
    return sa.case(*[(text == src, dst) for src, dst in recoding.items()], else_=text)


RAW_PREFIX = "raw__"


def part_select(entity: Entity, part: EntityPart, cols: PartColumns,
                with_raw: bool = False) -> sa.Select:
    """SELECT <canonical columns> FROM the part, or a SourceError naming what is missing.
    `with_raw` adds each mapped source column as raw__<canonical> (for check-source)."""
    src = _from_clause(part, cols)
    exprs, missing, raws = [], [], []
    for col in entity.columns:
        if col.name in part.constants:
            expr = sa.cast(sa.literal(part.constants[col.name]), col.sql_type())
        elif part.source_column(col.name).lower() in cols.names:
            name = cols.names[part.source_column(col.name).lower()]
            raw: ColumnElement = src.c[name]
            raws.append(sa.cast(raw, sa.String()).label(RAW_PREFIX + col.name))
            if col.name in part.values:
                raw = _recode(raw, part.values[col.name])
            expr = _typed(col, raw, part, cols.types.get(name.lower()))
        else:
            if col.required:
                missing.append(f"{col.name} (expected source column "
                               f"{part.source_column(col.name)!r})")
            expr = sa.cast(sa.null(), col.sql_type())
        exprs.append(expr.label(col.name))
    if missing:
        where = part.table or "the mapped SQL"
        raise SourceError(f"{entity.name}: {where} lacks required column(s): "
                          f"{'; '.join(missing)}")
    return sa.select(*exprs, *(raws if with_raw else [])).select_from(src)


def _distinct_on_key(entity: Entity, query: sa.Select) -> sa.Select:
    """One row per key (the largest value of each other column), for dimension rows
    assembled from several parts."""
    sub = query.subquery()
    keys = [sub.c[k] for k in entity.key]
    others = [sa.func.max(sub.c[c]).label(c) for c in entity.column_names if c not in entity.key]
    return sa.select(*keys, *others).group_by(*keys)


def mapped_relations(engine: sa.Engine, mapping: Mapping) -> tuple[dict[str, sa.FromClause],
                                                                     dict[str, tuple[str, ...]]]:
    """Relations for every entity: mapped ones from their parts, the rest from tables of
    the canonical name if present (else empty)."""
    relations, missing = relations_for_engine(engine, only=set(ENTITIES) - set(mapping.entities))
    for name, parts in mapping.entities.items():
        entity = ENTITIES[name]
        selects = [part_select(entity, p, describe_part(engine, p)) for p in parts]
        query = selects[0] if len(selects) == 1 else sa.union_all(*selects)
        if any(p.distinct for p in parts) and entity.key:
            query = _distinct_on_key(entity, query if isinstance(query, sa.Select)
                                     else sa.select(query.subquery()))
        relations[name] = query.subquery(name)
        missing[name] = ()
    return relations, missing

