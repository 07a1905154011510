"""The canonical data model of DESIGN.md: five entities every source is mapped onto.

Connectors, the importer, the demo generator and the metric compiler all read the
entity definitions from here, so a column is named and typed in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, SQL type and whether a source must provide it."""

    name: str
    kind: str  # "text", "number" or "date"
    required: bool = False

    def sql_type(self) -> sa.types.TypeEngine:
        """The portable SQLAlchemy type used when the column is created or cast.

        Text is an unbounded VARCHAR everywhere except MySQL/MariaDB, whose CREATE TABLE
        needs a length: VARCHAR(255) there (ids, names and labels are short)."""
        text = sa.String().with_variant(sa.String(255), "mysql", "mariadb")
        return {"text": text, "number": sa.Double(), "date": sa.Date()}[self.kind]


@dataclass(frozen=True)
class Entity:
    """A canonical entity (table) and its columns, required ones first."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns that identify a row (dimension tables only)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, kind: str, required: bool = False) -> Column:
    return Column(name, kind, required)


SKU = Entity(
    "sku",
    (
        _c("sku_id", "text", True),
        _c("sku_name", "text"),
        _c("category", "text", True),
        _c("subcategory", "text"),
        _c("brand", "text"),
        _c("unit_cost", "number"),
        _c("unit_price", "number"),
    ),
    key=("sku_id",),
)
LOCATION = Entity(
    "location",
    (
        _c("location_id", "text", True),
        _c("location_name", "text"),
        _c("region", "text", True),
        _c("channel", "text"),
        _c("location_type", "text"),
    ),
    key=("location_id",),
)
SALES = Entity(
    "sales",
    (
        _c("date", "date", True),
        _c("sku_id", "text", True),
        _c("location_id", "text", True),
        _c("channel", "text"),
        _c("qty", "number", True),
        _c("revenue", "number", True),
        _c("cost", "number"),
    ),
)
RECEIPTS = Entity(
    "receipts",
    (
        _c("date", "date", True),
        _c("sku_id", "text", True),
        _c("location_id", "text", True),
        _c("qty", "number", True),
        _c("cost", "number"),
        _c("supplier", "text"),
        _c("order_date", "date"),
    ),
)
INVENTORY = Entity(
    "inventory",
    (
        _c("date", "date", True),
        _c("sku_id", "text", True),
        _c("location_id", "text", True),
        _c("on_hand_qty", "number", True),
        _c("on_hand_value", "number"),
    ),
)

ENTITIES: dict[str, Entity] = {e.name: e for e in (SKU, LOCATION, SALES, RECEIPTS, INVENTORY)}
FACTS = ("sales", "receipts", "inventory")
DEFAULT_CHANNEL = "default"


def canonical_table(entity: Entity, metadata: sa.MetaData | None = None) -> sa.Table:
    """A SQLAlchemy table with the entity's canonical name, columns and types."""
    return sa.Table(
        entity.name,
        metadata if metadata is not None else sa.MetaData(),
        *(sa.Column(c.name, c.sql_type(), nullable=not c.required) for c in entity.columns),
    )


def canonical_metadata() -> sa.MetaData:
    """Metadata holding all five canonical tables, used to create a canonical database."""
    md = sa.MetaData()
    for entity in ENTITIES.values():
        canonical_table(entity, md)
    return md
