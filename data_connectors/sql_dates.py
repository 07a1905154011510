"""Turning a source's text dates into DATE values inside the database.

A mapping may say a column holds text like "31-12-2016" (`date_format: DD-MM-YYYY`), or
one of several formats tried in order. The parse is pushed down as SQL so the metrics
still aggregate in the database; each format becomes "if the text looks like this
pattern, parse it with this format", which every engine can do, and a text that matches
no format becomes NULL (check-source reports such rows).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

_TOKENS = re.compile(r"YYYY|MM|DD|M|D")
_STRFTIME = {"YYYY": "%Y", "MM": "%m", "M": "%m", "DD": "%d", "D": "%d"}
_MYSQL = {"YYYY": "%Y", "MM": "%m", "M": "%c", "DD": "%d", "D": "%e"}
_POSTGRES = {"YYYY": "YYYY", "MM": "MM", "M": "MM", "DD": "DD", "D": "DD"}
_REGEX = {"YYYY": "[0-9]{4}", "MM": "[0-9]{2}", "M": "[0-9]{1,2}", "DD": "[0-9]{2}",
          "D": "[0-9]{1,2}"}


def _translate(fmt: str, table: dict[str, str], escape: bool = False) -> str:
    out, pos = [], 0
    for match in _TOKENS.finditer(fmt):
        literal = fmt[pos:match.start()]
        out.append(re.escape(literal) if escape else literal)
        out.append(table[match.group(0)])
        pos = match.end()
    tail = fmt[pos:]
    out.append(re.escape(tail) if escape else tail)
    return "".join(out)


def format_regex(fmt: str) -> str:
    """A POSIX regex matching text in `fmt` (ISO allows a trailing time)."""
    if fmt == "ISO":
        return "^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$"
    if fmt == "EXCEL":
        return "^[0-9]+(\\.0+)?$"
    return "^" + _translate(fmt, _REGEX, escape=True).replace("\\-", "-") + "$"


class parse_date(FunctionElement):
    """DATE from text in one format (ISO, EXCEL serial days, or a YYYY/MM/DD pattern)."""

    type = sa.Date()
    inherit_cache = True
    name = "parse_date"
    # the format is part of the SQL text, so it must be part of the statement cache key
    _traverse_internals: ClassVar = [*FunctionElement._traverse_internals,
                                     ("fmt", InternalTraversal.dp_string)]

    def __init__(self, expr: Any, fmt: str) -> None:
        self.fmt = fmt
        super().__init__(expr)


def _arg(element: parse_date, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


def _text(compiler: Any, fmt: str) -> str:
    """A format as an inline SQL string ('%' doubled for drivers whose parameter markers are
    %s, such as PyMySQL and psycopg)."""
    return compiler.post_process_text("'" + fmt.replace("'", "''") + "'")


@compiles(parse_date)
def _parse_date_duckdb(element: parse_date, compiler: Any, **kw: Any) -> str:
    # DuckDB (and the generic fallback): strptime understands C format codes.
    arg = _arg(element, compiler, **kw)
    if element.fmt == "ISO":
        return f"CAST({arg} AS DATE)"
    if element.fmt == "EXCEL":
        return f"(DATE '1899-12-30' + CAST(CAST({arg} AS DOUBLE) AS INTEGER))"
    return f"CAST(strptime({arg}, {_text(compiler, _translate(element.fmt, _STRFTIME))}) AS DATE)"


@compiles(parse_date, "postgresql")
def _parse_date_postgres(element: parse_date, compiler: Any, **kw: Any) -> str:
    arg = _arg(element, compiler, **kw)
    if element.fmt == "ISO":
        return f"CAST(substr({arg}, 1, 10) AS DATE)"
    if element.fmt == "EXCEL":
        return f"(DATE '1899-12-30' + CAST(CAST({arg} AS DOUBLE PRECISION) AS INTEGER))"
    return f"to_date({arg}, {_text(compiler, _translate(element.fmt, _POSTGRES))})"


@compiles(parse_date, "mysql")
@compiles(parse_date, "mariadb")
def _parse_date_mysql(element: parse_date, compiler: Any, **kw: Any) -> str:
    arg = _arg(element, compiler, **kw)
    if element.fmt == "ISO":
        return f"CAST(substr({arg}, 1, 10) AS DATE)"
    if element.fmt == "EXCEL":
        return f"DATE_ADD(DATE '1899-12-30', INTERVAL FLOOR({arg}) DAY)"
    return f"STR_TO_DATE({arg}, {_text(compiler, _translate(element.fmt, _MYSQL))})"


@compiles(parse_date, "trino")
def _parse_date_trino(element: parse_date, compiler: Any, **kw: Any) -> str:
    arg = _arg(element, compiler, **kw)
    if element.fmt == "ISO":
        return f"CAST(substr({arg}, 1, 10) AS DATE)"
    if element.fmt == "EXCEL":
        return f"date_add('day', CAST(CAST({arg} AS DOUBLE) AS INTEGER), DATE '1899-12-30')"
    return f"CAST(date_parse({arg}, {_text(compiler, _translate(element.fmt, _MYSQL))}) AS DATE)"


@compiles(parse_date, "sqlite")
def _parse_date_sqlite(element: parse_date, compiler: Any, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; other formats are refused when the source is opened.
    return f"substr({_arg(element, compiler, **kw)}, 1, 10)"


def date_from_text(expr: ColumnElement, formats: tuple[str, ...]) -> ColumnElement:
    """The first format whose pattern the text matches decides; no match gives NULL."""
    text = sa.cast(expr, sa.String())
    whens = [(text.regexp_match(format_regex(f)), parse_date(text, f)) for f in formats]
    return sa.case(*whens, else_=sa.null())
