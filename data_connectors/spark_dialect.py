"""The SQLAlchemy dialect StockLens uses for `hive://` URLs: Spark SQL through the Spark
Thrift Server (the HiveServer2 protocol), PyHive's dialect with two corrections.

PyHive (0.7, SQLAlchemy 2 capable) is the driver: the Thrift Server speaks HiveServer2, and
PyHive's pure-Python SASL transport (pure-sasl, thrift-sasl) needs no C library. Its
dialect leaves two things that matter to StockLens:

- DATE results arrive as ISO text over Thrift, and PyHive converts them only for columns
  it reflected itself; a Core `select` typed sa.Date would hand pandas strings (the
  source's date range, a day label). Here sa.Date and sa.DateTime results are parsed.
- Hive's `SHOW TABLES` gives the table name first, Spark's gives its database first
  (namespace, tableName, isTemporary): PyHive would list the database's name once per
  table, and StockLens would find no canonical table.
- A server that does not answer raises Thrift's TTransportException, which is no DB-API
  error, so SQLAlchemy would not wrap it and a user would see a traceback instead of
  "connection refused by host:10000"; it is raised as PyHive's OperationalError here.
- PyHive's has_table reads Hive's "Table not found" wording out of the error and raises
  on Spark's (TABLE_OR_VIEW_NOT_FOUND); here it looks the name up in SHOW TABLES.
- PyHive reflects DATE, TIMESTAMP and DECIMAL columns as its own string-decoding
  decorators, which are not sa.Date & co., so check-source would call a DATE column
  "not a date"; they are reflected as the plain types here.
- PyHive writes sa.Date as TIMESTAMP (Hive before 0.12 had no DATE); Spark has DATE, and a
  TIMESTAMP compared with a DATE parameter is compared as a timestamp.
- PyHive turns statement caching off for its dialect; nothing in its compiler depends on
  per-execution state, and the metric statements are large, so the cache is on here.

The SQL differences themselves (days between dates, date parsing) are compiled in
metrics/sqlfuncs.py and data_connectors/sql_dates.py like every other engine's.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from pyhive import hive
from pyhive.sqlalchemy_hive import (
    HiveDate,
    HiveDecimal,
    HiveDialect,
    HiveTimestamp,
    HiveTypeCompiler,
)
from thrift.transport.TTransport import TTransportException

# Thrift logs a refused connection itself before raising; the error says it once
logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)


class _SparkDate(sa.Date):
    """A DATE that Thrift delivered as 'YYYY-MM-DD' text."""

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: Any) -> date | None:
            if value is None or isinstance(value, date):
                return value
            return date.fromisoformat(str(value)[:10])

        return process


class _SparkDateTime(sa.DateTime):
    """A TIMESTAMP that Thrift delivered as text."""

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        def process(value: Any) -> datetime | None:
            if value is None or isinstance(value, datetime):
                return value
            return datetime.fromisoformat(str(value))

        return process


class _SparkTypeCompiler(HiveTypeCompiler):
    def visit_DATE(self, type_: Any, **kw: Any) -> str:
        return "DATE"


class SparkDialect(HiveDialect):
    """PyHive's `hive` dialect, registered under the same name (so @compiles(…, "hive")
    applies), corrected for Spark as the module docstring says."""

    supports_statement_cache = True
    type_compiler_cls = _SparkTypeCompiler
    type_compiler = _SparkTypeCompiler
    colspecs: ClassVar[dict[Any, Any]] = {**HiveDialect.colspecs, sa.Date: _SparkDate,
                                          sa.DateTime: _SparkDateTime}

    @classmethod
    def import_dbapi(cls) -> Any:
        return hive  # defined here so SQLAlchemy 2 does not warn about PyHive's dbapi()

    def get_columns(self, connection: Any, table_name: str, schema: str | None = None,
                    **kw: Any) -> list[dict[str, Any]]:
        columns = super().get_columns(connection, table_name, schema, **kw)
        plain = {HiveDate: _SparkDate, HiveTimestamp: _SparkDateTime, HiveDecimal: sa.Numeric}
        for column in columns:
            kind = column["type"] if isinstance(column["type"], type) \
                else type(column["type"])
            if kind in plain:
                column["type"] = plain[kind]()
        return columns

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        try:
            return super().connect(*cargs, **cparams)
        except TTransportException as exc:
            refused = isinstance(getattr(exc, "inner", None), ConnectionRefusedError)
            raise hive.OperationalError(("connection refused: " if refused else "")
                                        + str(exc)) from exc

    def has_table(self, connection: Any, table_name: str, schema: str | None = None,
                  **kw: Any) -> bool:
        return table_name.lower() in {t.lower() for t in
                                      self.get_table_names(connection, schema)}

    def get_table_names(self, connection: Any, schema: str | None = None,
                        **kw: Any) -> list[str]:
        query = "SHOW TABLES"
        if schema:
            query += " IN " + self.identifier_preparer.quote_identifier(schema)
        rows = connection.exec_driver_sql(query).mappings().all()
        return [str(r["tableName"] if "tableName" in r else next(iter(r.values())))
                for r in rows]


def register() -> None:
    """Make `hive://` URLs use SparkDialect in this process (PyHive's entry point would
    otherwise win)."""
    sa.dialects.registry.register("hive", __name__, "SparkDialect")
    sa.dialects.registry.register("hive.thrift", __name__, "SparkDialect")
