"""Putting a StockLens DuckDB file's tables into Spark SQL: Parquet files plus tables.

Why this way: Spark's Thrift Server runs each INSERT as a job (PyHive sends executemany
row by row), so loading rows over the wire takes minutes for thousands of rows. DuckDB
writes each table as one Parquet file in a second, and `CREATE TABLE … USING parquet
LOCATION …` makes it a Spark table without copying: the fastest and most robust load on
one machine. The Parquet folder must be readable by every Spark executor under the same
path (on one machine any local folder; on a real cluster a shared mount).

What is copied: the five canonical tables, and when the file has them, its data version
(`stocklens_meta`, which keys the query cache) and its rollups (pre-aggregated copies the
compiler uses only while their version equals the data version, data_connectors/rollups.py).
Each load writes a new folder; the tables are re-pointed only after every file is
written, and folders of earlier loads are removed last, so a failed load leaves the
previous tables readable.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlalchemy as sa

from canonical.model import ENTITIES
from data_connectors import spark_dialect
from data_connectors.meta import META_TABLE
from data_connectors.rollups import ROLLUP_TABLES

spark_dialect.register()

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TABLES = (*ENTITIES, META_TABLE, *ROLLUP_TABLES.values())


class SparkLoadError(RuntimeError):
    """The load cannot start or failed; the message is meant for the user."""


@dataclass(frozen=True)
class SparkLoad:
    database: str
    folder: Path  # this load's Parquet files, one sub-folder per table
    rows: dict[str, int]
    seconds: float


def spark_database(url: str) -> str:
    """The database a `hive://host:port/database` URL names (`default` when none)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "hive":
        raise SparkLoadError(f"not a Spark Thrift Server URL (hive://host:10000/database): "
                             f"{parsed.render_as_string(hide_password=True)}")
    name = parsed.database or "default"
    if not _NAME.match(name):
        raise SparkLoadError(f"Spark database name {name!r}: use letters, digits and _ only")
    return name


def export_parquet(db_path: Path, folder: Path) -> dict[str, int]:
    """Write each StockLens table of the DuckDB file as `folder/<table>/data.parquet`;
    returns the row count per table written. The file is attached read-only to a new
    in-memory DuckDB, so a connection this process already holds to it (with other
    settings, which DuckDB would refuse to open again) is no obstacle."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_text(str(db_path))} AS src (READ_ONLY)")
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = 'src' AND table_schema = 'main'").fetchall()}
        missing = [e for e in ENTITIES if e not in present]
        if missing:
            raise SparkLoadError(f"{db_path} lacks the table(s) {', '.join(missing)}: "
                                 f"it is not a StockLens data file")
        rows: dict[str, int] = {}
        for table in (t for t in TABLES if t in present):
            target = folder / table
            target.mkdir(parents=True)
            out = _text(str(target / "data.parquet"))
            con.execute(f'COPY src."{table}" TO {out} (FORMAT parquet)')
            rows[table] = int(con.execute(f'SELECT count(*) FROM src."{table}"').fetchone()[0])
        return rows
    except duckdb.Error as exc:
        raise SparkLoadError(f"cannot read {db_path}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_into_spark(db_path: Path, url: str, parquet_root: Path,
                    step: Callable[[str], None] = lambda _s: None) -> SparkLoad:
    """Copy a StockLens DuckDB file into the Spark database `url` names (replacing the
    StockLens tables there); the Parquet files go under `parquet_root/<database>/`."""
    started = time.perf_counter()
    database = spark_database(url)
    home = parquet_root.resolve() / database
    folder = home / f"load-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9}"
    step("write parquet")
    try:
        rows = export_parquet(db_path, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    server = sa.engine.make_url(url).set(database="default")
    engine = sa.create_engine(server, poolclass=sa.pool.NullPool)
    try:
        # no_parameters: PyHive would read a '%' in a path as a parameter marker
        with engine.connect().execution_options(no_parameters=True) as con:
            con.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS `{database}`")
            for table in TABLES:
                step(f"table {table}")
                con.exec_driver_sql(f"DROP TABLE IF EXISTS `{database}`.`{table}`")
                if table in rows:
                    location = str(folder / table).replace("\\", "\\\\").replace("'", "\\'")
                    con.exec_driver_sql(f"CREATE TABLE `{database}`.`{table}` USING parquet "
                                           f"LOCATION '{location}'")
    except sa.exc.DBAPIError as exc:
        raise SparkLoadError(f"Spark refused the tables: {_first_line(exc)}") from exc
    finally:
        engine.dispose()
    for old in home.glob("load-*"):
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return SparkLoad(database, folder, rows, time.perf_counter() - started)


def canonical_tables(url: str, database: str) -> list[str]:
    """The canonical tables the Spark database already holds (none if it does not exist).
    Raises sa.exc.DBAPIError when the server cannot be asked."""
    engine = sa.create_engine(sa.engine.make_url(url).set(database="default"),
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            names = {r[0] for r in con.exec_driver_sql("SHOW DATABASES")}
            if database not in names:
                return []
            tables = set(sa.inspect(con).get_table_names(schema=database))
    finally:
        engine.dispose()
    return [name for name in ENTITIES if name in tables]


def _first_line(exc: sa.exc.DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
