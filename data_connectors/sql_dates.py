"""Turning a source's text dates into DATE values inside the database.

A mapping may say a column holds text like "31-12-2016" (`date_format: DD-MM-YYYY`), or
one of several formats tried in order. The parse is pushed down as SQL so the metrics
still aggregate in the database, and it follows the rules of date_formats.py exactly as
the file importer does (tests/integration/test_date_agreement.py holds both to one table
of cases on every engine): the text is trimmed; a format applies when the text has its
shape (the same regular expression as for files) and names a real day; the first format
that applies decides; a text no format applies to becomes NULL (check-source reports such
rows), never an error that fails the whole query and never a neighbouring day.

No engine's own date parser is used: they differ in what they accept (one-digit months,
31 February, year 0000, trailing text) and most raise an error instead of giving NULL. The
fields are cut out of the text by position with substr (a one-or-two-digit field is as
wide as the digits before the next separator), checked against the calendar in plain
arithmetic, and only then made a DATE. What is spelled differently per engine (match a
whole text, cast to integer, make a date, add days, trim, find a character) is compiled per
dialect below.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from data_connectors.date_formats import (
    EXCEL,
    FAKE_LEAP_DAY,
    FIRST_SERIAL_DAY,
    ISO,
    LAST_SERIAL,
    pieces,
    shape_regex,
)


def date_from_text(expr: ColumnElement, formats: tuple[str, ...]) -> ColumnElement:
    """DATE from the text of `expr` in the first of `formats` that applies; NULL if none."""
    text = sa.cast(expr, sa.String())
    parsed = [_from_format(text, fmt) for fmt in formats]
    return parsed[0] if len(parsed) == 1 else sa.func.coalesce(*parsed, type_=sa.Date())


def _from_format(text: ColumnElement, fmt: str) -> ColumnElement:
    """CASE WHEN <shape> THEN CASE WHEN <a real day> THEN <the date> END END: nested, so no
    engine casts a field of a text of another shape (PostgreSQL would raise). The text as
    stored is tried first and only a text of another shape is trimmed: the fields are cut
    out of the text several times, and trimming each time would double the cost."""
    whens = []
    for candidate in (text, _Trimmed(text)):
        date, valid = _serial_date(candidate) if fmt == EXCEL else \
            _pattern_date(candidate, fmt)
        whens.append((_HasShape(candidate, fmt=fmt), sa.case((valid, date))))
    return sa.case(*whens)


class _HasShape(FunctionElement):
    """Whether a whole text has the shape of a date format (date_formats.shape_regex)."""

    type = sa.Boolean()
    inherit_cache = True
    name = "stocklens_has_shape"
    # the format is part of the SQL text, so it must be part of the statement cache key
    _traverse_internals: ClassVar = [*FunctionElement._traverse_internals,
                                     ("fmt", InternalTraversal.dp_string)]

    def __init__(self, text: ColumnElement, fmt: str) -> None:
        self.fmt = fmt
        super().__init__(text)


def _shape_match(element: _HasShape, compiler: Any, end: str, **kw: Any) -> str:
    text = next(iter(element.clauses))
    return compiler.process(text.regexp_match("^" + shape_regex(element.fmt) + end), **kw)


@compiles(_HasShape)
def _has_shape(element: _HasShape, compiler: Any, **kw: Any) -> str:
    return _shape_match(element, compiler, "$", **kw)  # PostgreSQL, DuckDB: the very end


@compiles(_HasShape, "mysql")
@compiles(_HasShape, "mariadb")
def _has_shape_pcre(element: _HasShape, compiler: Any, **kw: Any) -> str:
    return _shape_match(element, compiler, r"\z", **kw)  # PCRE's $ also matches before a \n


@compiles(_HasShape, "sqlite")
def _has_shape_python(element: _HasShape, compiler: Any, **kw: Any) -> str:
    return _shape_match(element, compiler, r"\Z", **kw)  # Python's $ also matches before a \n


@compiles(_HasShape, "trino")
def _has_shape_trino(element: _HasShape, compiler: Any, **kw: Any) -> str:
    text = compiler.process(next(iter(element.clauses)), **kw)
    pattern = _sql_text(compiler, "^" + shape_regex(element.fmt) + r"\z")  # Java regex
    return f"regexp_like({text}, {pattern})"


@compiles(_HasShape, "hive")
def _has_shape_spark(element: _HasShape, compiler: Any, **kw: Any) -> str:
    text = compiler.process(next(iter(element.clauses)), **kw)
    # Java regex as in Trino; Spark's string literals unescape backslashes, so double them
    pattern = _sql_text(compiler, ("^" + shape_regex(element.fmt) + r"\z").replace("\\", "\\\\"))
    return f"({text} RLIKE {pattern})"


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February: see below


def _pattern_date(text: ColumnElement, fmt: str) -> tuple[ColumnElement, ColumnElement]:
    fields = _field_digits(text, fmt)
    year, month, day = fields["y"], fields["m"], fields["d"]
    leap = (year % _int(4) == _int(0)) & ((year % _int(100) != _int(0))
                                          | (year % _int(400) == _int(0)))
    # CASE month WHEN …: the month is cut out once; no such month has no days
    last_day = sa.case(*[(_int(m), sa.case((leap, _int(29)), else_=_int(28)) if m == 2
                          else _int(n)) for m, n in enumerate(_DAYS_IN_MONTH, start=1)],
                       value=month, else_=_int(0))
    valid = (year >= _int(1)) & (day >= _int(1)) & (day <= last_day)
    return _MakeDate(year, month, day), valid


def _field_digits(text: ColumnElement, fmt: str) -> dict[str, ColumnElement]:
    """Each field of a text in the pattern `fmt` (its shape already checked) as an integer,
    cut out by position: from the front when only fixed widths come before the field, else
    from the end when only fixed widths follow it (the day and year of M/D/YYYY), else after
    adding up the widths before it. A one-or-two-digit field is one digit wide when its
    separator follows its first digit (or, counting from the end, precedes its last)."""
    parts = pieces(fmt)
    after: list[int | None] = [None] * len(parts)  # characters after a piece, all fixed
    if fmt != ISO:  # ISO may carry a time of day after the date
        count = 0
        for i in reversed(range(len(parts))):
            after[i] = count
            if parts[i].width is None:
                break
            count += parts[i].width or 0
    fields: dict[str, ColumnElement] = {}
    fixed, variable = 0, []  # widths before the current piece: known ones, SQL ones
    for i, piece in enumerate(parts):
        last = i + 1 == len(parts)
        width: ColumnElement | None = None if piece.width is None else _int(piece.width)
        tail = after[i]
        digits: ColumnElement
        if variable and tail is not None and (width is not None or not parts[i - 1].token):
            length = sa.func.length(text)
            if piece.width is None:  # ends `tail` characters before the end of the text
                one = _is_char(text, length - _int(tail + 1), parts[i - 1].text[-1])
                width = sa.case((one, _int(1)), else_=_int(2))
                digits = sa.case((one, sa.func.substr(text, length - _int(tail), _int(1))),
                                 else_=sa.func.substr(text, length - _int(tail + 1), _int(2)))
            else:
                digits = sa.func.substr(text, length - _int(tail + piece.width - 1), width)
        else:
            start = sum(variable, _int(1 + fixed))
            if width is None and not last:
                one = _is_char(text, start + _int(1), parts[i + 1].text[0])
                width = sa.case((one, _int(1)), else_=_int(2))
            # (a one-or-two-digit field cut from the front may run to the end)
            digits = sa.func.substr(text, start) if width is None else \
                sa.func.substr(text, start, width)
        if piece.token:
            fields[piece.field] = _Integer(digits)
        if piece.width is None:
            variable.append(width)
        else:
            fixed += piece.width
    return fields


def _is_char(text: ColumnElement, at: ColumnElement, char: str) -> ColumnElement:
    """Whether the character at `at` is `char` (a separator: the field before or after it
    is one digit wide)."""
    return sa.func.substr(text, at, _int(1)) == sa.literal_column(f"'{char}'", sa.String())


def _serial_date(text: ColumnElement) -> tuple[ColumnElement, ColumnElement]:
    """Excel's 1900 system: the whole part of the serial, 60 (1900-02-29) no date."""
    point = _Position(text, sa.literal_column("'.'", sa.String()))
    whole = sa.case((point > _int(0), sa.func.substr(text, _int(1), point - _int(1))),
                    else_=text)
    serial = _Integer(whole)
    valid = serial.between(_int(1), _int(LAST_SERIAL)) & (serial != _int(FAKE_LEAP_DAY))
    days = sa.case((serial < _int(FAKE_LEAP_DAY), serial), else_=serial - _int(1))
    return _DaysAfterFirstSerialDay(days), valid


def _int(value: int) -> ColumnElement:
    """An integer written into the SQL (no bound parameter: drivers type those apart)."""
    return sa.literal_column(str(int(value)), sa.Integer())


def _sql_text(compiler: Any, value: str) -> str:
    """A string literal ('%' doubled for drivers whose parameter markers are %s)."""
    return compiler.post_process_text("'" + value.replace("'", "''") + "'")


def _args(element: FunctionElement, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(clause, **kw) for clause in element.clauses]


class _Integer(FunctionElement):
    """A text of digits as an integer."""

    type = sa.Integer()
    inherit_cache = True
    name = "stocklens_integer"


@compiles(_Integer)
def _integer(element: _Integer, compiler: Any, **kw: Any) -> str:
    return f"CAST({_args(element, compiler, **kw)[0]} AS INTEGER)"


@compiles(_Integer, "duckdb")
@compiles(_Integer, "trino")
@compiles(_Integer, "hive")
def _integer_try(element: _Integer, compiler: Any, **kw: Any) -> str:
    # these engines may compute a repeated expression ahead of the CASE that guards it
    return f"TRY_CAST({_args(element, compiler, **kw)[0]} AS INTEGER)"


@compiles(_Integer, "mysql")
@compiles(_Integer, "mariadb")
def _integer_mysql(element: _Integer, compiler: Any, **kw: Any) -> str:
    return f"CAST({_args(element, compiler, **kw)[0]} AS SIGNED)"


class _MakeDate(FunctionElement):
    """The DATE of a year, month and day already checked against the calendar."""

    type = sa.Date()
    inherit_cache = True
    name = "stocklens_make_date"


@compiles(_MakeDate)
def _make_date(element: _MakeDate, compiler: Any, **kw: Any) -> str:
    return f"make_date({', '.join(_args(element, compiler, **kw))})"  # DuckDB, PostgreSQL


@compiles(_MakeDate, "mysql")
@compiles(_MakeDate, "mariadb")
def _make_date_mysql(element: _MakeDate, compiler: Any, **kw: Any) -> str:
    y, m, d = _args(element, compiler, **kw)
    zero = _sql_text(compiler, "0")
    dash = _sql_text(compiler, "-")
    return (f"CAST(CONCAT(LPAD({y}, 4, {zero}), {dash}, LPAD({m}, 2, {zero}), {dash}, "
            f"LPAD({d}, 2, {zero})) AS DATE)")


@compiles(_MakeDate, "sqlite")
def _make_date_sqlite(element: _MakeDate, compiler: Any, **kw: Any) -> str:
    # SQLite keeps dates as ISO text
    pattern = _sql_text(compiler, "%04d-%02d-%02d")
    return f"printf({pattern}, {', '.join(_args(element, compiler, **kw))})"


@compiles(_MakeDate, "trino")
def _make_date_trino(element: _MakeDate, compiler: Any, **kw: Any) -> str:
    pattern = _sql_text(compiler, "%04d-%02d-%02d")
    return f"CAST(format({pattern}, {', '.join(_args(element, compiler, **kw))}) AS DATE)"


class _DaysAfterFirstSerialDay(FunctionElement):
    """The DATE a number of days after 1899-12-31 (Excel's day 0)."""

    type = sa.Date()
    inherit_cache = True
    name = "stocklens_serial_day"


@compiles(_DaysAfterFirstSerialDay)
def _serial_day(element: _DaysAfterFirstSerialDay, compiler: Any, **kw: Any) -> str:
    # DuckDB and PostgreSQL: DATE + INTEGER is a DATE
    return f"(DATE '{FIRST_SERIAL_DAY}' + {_args(element, compiler, **kw)[0]})"


@compiles(_DaysAfterFirstSerialDay, "mysql")
@compiles(_DaysAfterFirstSerialDay, "mariadb")
def _serial_day_mysql(element: _DaysAfterFirstSerialDay, compiler: Any, **kw: Any) -> str:
    return f"DATE_ADD(DATE '{FIRST_SERIAL_DAY}', INTERVAL {_args(element, compiler, **kw)[0]} DAY)"


@compiles(_DaysAfterFirstSerialDay, "hive")
def _serial_day_spark(element: _DaysAfterFirstSerialDay, compiler: Any, **kw: Any) -> str:
    return f"date_add(DATE '{FIRST_SERIAL_DAY}', {_args(element, compiler, **kw)[0]})"


@compiles(_DaysAfterFirstSerialDay, "sqlite")
def _serial_day_sqlite(element: _DaysAfterFirstSerialDay, compiler: Any, **kw: Any) -> str:
    days = _args(element, compiler, **kw)[0]
    return f"date('{FIRST_SERIAL_DAY}', '+' || ({days}) || ' days')"


@compiles(_DaysAfterFirstSerialDay, "trino")
def _serial_day_trino(element: _DaysAfterFirstSerialDay, compiler: Any, **kw: Any) -> str:
    return f"date_add('day', {_args(element, compiler, **kw)[0]}, DATE '{FIRST_SERIAL_DAY}')"


class _Position(FunctionElement):
    """Where a character first occurs in a text (1-based; 0 when it does not)."""

    type = sa.Integer()
    inherit_cache = True
    name = "stocklens_position"


@compiles(_Position)
def _position(element: _Position, compiler: Any, **kw: Any) -> str:
    return f"strpos({', '.join(_args(element, compiler, **kw))})"  # DuckDB, PostgreSQL, Trino


@compiles(_Position, "mysql")
@compiles(_Position, "mariadb")
@compiles(_Position, "sqlite")
@compiles(_Position, "hive")
def _position_instr(element: _Position, compiler: Any, **kw: Any) -> str:
    return f"instr({', '.join(_args(element, compiler, **kw))})"


class _Trimmed(FunctionElement):
    """A text without the spaces, tabs and line breaks around it (as file cells are)."""

    type = sa.String()
    inherit_cache = True
    name = "stocklens_trim"


@compiles(_Trimmed)
def _trim(element: _Trimmed, compiler: Any, **kw: Any) -> str:
    # DuckDB, PostgreSQL and SQLite take the characters to trim; chr/char name the controls
    return f"trim({_args(element, compiler, **kw)[0]}, ' ' || chr(9) || chr(10) || chr(13))"


@compiles(_Trimmed, "postgresql")
@compiles(_Trimmed, "hive")
def _trim_postgres(element: _Trimmed, compiler: Any, **kw: Any) -> str:
    return f"btrim({_args(element, compiler, **kw)[0]}, ' ' || chr(9) || chr(10) || chr(13))"


@compiles(_Trimmed, "sqlite")
def _trim_sqlite(element: _Trimmed, compiler: Any, **kw: Any) -> str:
    return f"trim({_args(element, compiler, **kw)[0]}, ' ' || char(9) || char(10) || char(13))"


@compiles(_Trimmed, "mysql")
@compiles(_Trimmed, "mariadb")
def _trim_mysql(element: _Trimmed, compiler: Any, **kw: Any) -> str:
    text = _args(element, compiler, **kw)[0]
    edges = _sql_text(compiler, "^[[:space:]]+|[[:space:]]+$")
    return f"REGEXP_REPLACE({text}, {edges}, {_sql_text(compiler, '')})"


@compiles(_Trimmed, "trino")
def _trim_trino(element: _Trimmed, compiler: Any, **kw: Any) -> str:
    return f"trim({_args(element, compiler, **kw)[0]})"
