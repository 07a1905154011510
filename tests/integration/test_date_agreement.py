"""Files and databases read dates alike: every case of tests/date_cases.py gives the expected
date (or none) through the file importer's parser and through the SQL of sql_dates.py on
DuckDB, SQLite, PostgreSQL, MariaDB and Spark SQL (real engines: the texts are stored in a
scratch table and selected through the expression a mapped source uses).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from data_connectors.mapping import MappingError, check_date_format
from data_connectors.sql_dates import date_from_text
from data_connectors.value_parsing import date_parser
from tests.date_cases import DATE_CASES, REJECTED
from tests.integration.servers import ScratchDatabase, unique_name

FORMAT_LISTS = list(dict.fromkeys(case.formats for case in DATE_CASES))
ENGINES = ["duckdb", "sqlite", "postgresql", "mariadb", "spark"]


def _mismatches(answers: dict[int, date | None]) -> list[str]:
    wrong = []
    for i, case in enumerate(DATE_CASES):
        got = answers[i]
        if got != case.expected:
            wrong.append(f"{case.label}: expected {case.expected or 'rejected'}, got "
                         f"{got or 'rejected'}" + (f" ({case.why})" if case.why else ""))
    return wrong


def test_the_table_is_true_to_excel_and_the_calendar() -> None:
    """The expected answers themselves: serials against Excel's count (1899-12-30 from 61
    on, 1899-12-31 below 60), patterns against Python's calendar."""
    for case in DATE_CASES:
        if case.expected is REJECTED:
            continue
        if "EXCEL" in case.formats and case.text.replace(".", "", 1).isdigit():
            serial = int(case.text.split(".")[0])
            base = date(1899, 12, 30) if serial > 60 else date(1899, 12, 31)
            assert date.fromordinal(base.toordinal() + serial) == case.expected, case.label
        assert date(case.expected.year, case.expected.month, case.expected.day)


def test_the_file_parser_answers_every_case() -> None:
    answers: dict[int, date | None] = {}
    for formats in FORMAT_LISTS:
        ids = [i for i, case in enumerate(DATE_CASES) if case.formats == formats]
        cells = pd.Series([DATE_CASES[i].text for i in ids], index=ids).str.strip()  # as read
        parsed = date_parser(formats)(cells)
        for i in ids:
            value, bad = parsed.values[i], bool(parsed.bad[i])
            assert (value is None) == bad, DATE_CASES[i].label  # a value, or a reported error
            answers[i] = None if value is None else date.fromisoformat(value)
    assert _mismatches(answers) == []


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "duckdb":
        found = sa.create_engine(f"duckdb:///{tmp_path / 'dates.duckdb'}")
    elif request.param == "sqlite":
        found = sa.create_engine(f"sqlite:///{tmp_path / 'dates.sqlite'}")
    elif request.param == "spark":  # a scratch table in Spark's default database
        found = sa.create_engine(f"{request.getfixturevalue('spark_server')}/default",
                                 poolclass=sa.pool.NullPool)
    else:
        db: ScratchDatabase = request.getfixturevalue(
            "postgres_db" if request.param == "postgresql" else "mariadb_db")
        found = db.writable_engine()
    yield found
    found.dispose()


@pytest.fixture
def texts(engine: sa.Engine) -> Iterator[sa.Table]:
    """The case texts in a scratch table: id, txt (VARCHAR, stored as written)."""
    table = sa.Table(unique_name("date_cases"), sa.MetaData(),
                     sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                     sa.Column("txt", sa.String(64)))
    if engine.dialect.name == "hive":
        _create_on_spark(engine, table.name)
    else:
        table.create(engine)
        with engine.begin() as con:
            con.execute(table.insert(), [{"id": i, "txt": case.text}
                                         for i, case in enumerate(DATE_CASES)])
    yield table
    table.drop(engine)


def _create_on_spark(engine: sa.Engine, name: str) -> None:
    """One CREATE TABLE … AS VALUES: Spark runs each INSERT as a job, so a row at a time
    would take minutes (the driver escapes the texts: quotes, backslashes, tabs)."""
    rows = ", ".join(f"(:i{i}, :t{i})" for i in range(len(DATE_CASES)))
    params: dict[str, object] = {f"i{i}": i for i in range(len(DATE_CASES))}
    params.update({f"t{i}": case.text for i, case in enumerate(DATE_CASES)})
    with engine.connect() as con:
        con.execute(sa.text(f"CREATE TABLE `{name}` USING parquet AS SELECT * FROM VALUES "
                            f"{rows} AS t(id, txt)"), params)


def test_every_engine_answers_every_case(engine: sa.Engine, texts: sa.Table) -> None:
    answers: dict[int, date | None] = {}
    with engine.connect() as con:
        stored = dict(con.execute(sa.select(texts.c.id, texts.c.txt)).all())
        assert stored == {i: case.text for i, case in enumerate(DATE_CASES)}
        for formats in FORMAT_LISTS:
            ids = [i for i, case in enumerate(DATE_CASES) if case.formats == formats]
            query = (sa.select(texts.c.id, date_from_text(texts.c.txt, formats).label("d"))
                     .where(texts.c.id.in_(ids)))
            for i, value in con.execute(query):
                assert value is None or type(value) is date, (DATE_CASES[i].label, value)
                answers[i] = value
    assert _mismatches(answers) == []


def test_one_query_over_every_case_fails_on_none(engine: sa.Engine, texts: sa.Table) -> None:
    """A text that is not a date is NULL, never an error that fails the whole query: each
    format over every text (most of which are not in that format) in one statement."""
    every_format = sorted({f for case in DATE_CASES for f in case.formats})
    columns = [date_from_text(texts.c.txt, (f,)).label(f"d{n}")
               for n, f in enumerate(every_format)]
    with engine.connect() as con:
        rows = con.execute(sa.select(texts.c.id, *columns)).all()
    assert len(rows) == len(DATE_CASES)


@pytest.mark.parametrize("fmt", ["MDYYYY", "YYYYMD", "DMMYYYY", "YYYY", "YYYY-MM-MM",
                                 "DD.MM.YY", "DD_MM_YYYY"])
def test_patterns_that_cannot_be_read_one_way_are_refused(fmt: str) -> None:
    """A one-or-two-digit field right before another field is ambiguous (1112016: 1
    November or 11 January), and every pattern names the year, month and day once."""
    with pytest.raises(MappingError, match="is not one of ISO, EXCEL or a usable pattern"):
        check_date_format(fmt, "sales.date_format")


def test_the_formats_the_docs_name_are_accepted() -> None:
    documented = ["DD-MM-YYYY", "MM-DD-YYYY", "M/D/YYYY", "YYYYMMDD", "DD/MM/YYYY",
                  "D.M.YYYY", "YYYY/M/D", "DD MM YYYY", "iso", "Excel"]
    assert [check_date_format(f, "x") for f in documented] == [
        *documented[:-2], "ISO", "EXCEL"]
