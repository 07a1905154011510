"""Dialect-neutral SQL building blocks the metric compiler needs and SQLAlchemy lacks.

Every construct here compiles for DuckDB, PostgreSQL, MySQL/MariaDB, SQLite, Trino and
Spark SQL (PyHive's `hive` dialect on the Spark Thrift Server), so one metric definition
runs on any of them; anything dialect-specific lives only here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement


def as_float(expr: Any) -> ColumnElement:
    """Cast to double precision, so division never truncates (PostgreSQL integer division)
    nor rounds to a few decimals (MySQL's DECIMAL division)."""
    return sa.cast(expr, sa.Double())


def ratio(numerator: Any, denominator: Any) -> ColumnElement:
    """numerator / denominator, or NULL when the denominator is zero or NULL (DESIGN.md:
    an undefined ratio is None, never inf, NaN or 0). NULLIF keeps the SQL linear in size
    even when ratios nest (turnover days divides by turnover, which divides by an average).

    NULLIF is typed DOUBLE: untyped, SQLAlchemy casts a divisor to NUMERIC on dialects
    whose "/" may floor (PostgreSQL, Trino), and Trino's bare DECIMAL is DECIMAL(38, 0),
    which would round every divisor to a whole number (PostgreSQL's NUMERIC only costs
    precision: float8 → numeric keeps 15 digits)."""
    return as_float(numerator) / sa.func.nullif(as_float(denominator), 0, type_=sa.Double())


class date_value(FunctionElement):
    """A date parameter typed for the engine: CAST(:p AS DATE) where dates are a type
    (untyped parameters in a SELECT list are text to PostgreSQL), the bare ISO text on
    SQLite (where CAST(... AS DATE) would turn it into a number)."""

    type = sa.Date()
    inherit_cache = True
    name = "date_value"


@compiles(date_value)
def _date_value_default(element: date_value, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(next(iter(element.clauses)), **kw)} AS DATE)"


@compiles(date_value, "sqlite")
def _date_value_sqlite(element: date_value, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


def date_param(value: date) -> ColumnElement:
    """A date literal that compares correctly with date columns on every engine."""
    return date_value(sa.literal(value, sa.Date()))


def int_param(value: int) -> ColumnElement:
    return sa.cast(sa.literal(value, sa.Integer()), sa.Integer())


def text_param(value: str | None) -> ColumnElement:
    return sa.cast(sa.literal(value, sa.String()), sa.String())


class days_between(FunctionElement):
    """Whole days from `earlier` to `later` (later − earlier) for DATE values."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_between_default(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    # DuckDB and PostgreSQL: DATE - DATE is an integer number of days.
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "mysql")
@compiles(days_between, "mariadb")
def _days_between_mysql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"DATEDIFF({compiler.process(later, **kw)}, {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )


@compiles(days_between, "trino")
def _days_between_trino(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"date_diff('day', {compiler.process(earlier, **kw)}, {compiler.process(later, **kw)})"


@compiles(days_between, "hive")
def _days_between_spark(element: days_between, compiler: Any, **kw: Any) -> str:
    # Spark SQL: DATE - DATE is an INTERVAL DAY, not a number; datediff is whole days
    later, earlier = list(element.clauses)
    return f"datediff({compiler.process(later, **kw)}, {compiler.process(earlier, **kw)})"


def null_safe_equal(left: Any, right: Any) -> ColumnElement:
    """Join condition that matches NULL group keys (a SKU without a brand is still a group)."""
    return left.is_not_distinct_from(right)
