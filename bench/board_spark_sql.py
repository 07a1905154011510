"""The board's hand-written floor in Spark SQL: bench/board_sql.py's statements in Spark's
spelling.

The floor on DuckDB (board_sql.py) is what an expert would write for this schema; on
Spark the same statements are the floor too, once the few DuckDB-only spellings are said
Spark's way: strftime/strptime (date_format, to_date), `::DATE`, DATE − DATE (an INTERVAL
on Spark: datediff), and ANTI JOIN (LEFT ANTI JOIN). bench/spark_bench.py checks that the
translated statements give DuckDB's rows on the same data before it times them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from board_sql import BoardAsk, board_statements

_MONTH_DAYS = re.compile(
    r"least\(last_day\(strptime\(g \|\| '-01', '%Y-%m-%d'\)::DATE\), (DATE '[0-9-]+')\) "
    r"- greatest\(strptime\(g \|\| '-01', '%Y-%m-%d'\)::DATE, (DATE '[0-9-]+')\) \+ 1")


def spark_spelling(sql: str) -> str:
    """A board_sql.py statement as Spark SQL."""
    sql = _MONTH_DAYS.sub(r"datediff(least(last_day(to_date(concat(g, '-01'))), \1), "
                          r"greatest(to_date(concat(g, '-01')), \2)) + 1", sql)
    sql = re.sub(r"strftime\(([\w.]+), '%Y-%m'\)", r"date_format(\1, 'yyyy-MM')", sql)
    sql = sql.replace("ANTI JOIN", "LEFT ANTI JOIN")
    if "strftime" in sql or "strptime" in sql or "::" in sql:
        raise ValueError("a DuckDB spelling is left in the Spark floor statement")
    return sql


def spark_statements(ask: BoardAsk, first_day: date) -> dict[str, str]:
    return {name: spark_spelling(sql) for name, sql in board_statements(ask, first_day).items()}


def run_board(con: Any, ask: BoardAsk, first_day: date) -> dict[str, list[tuple]]:
    """One refresh's statements on a DB-API connection to the Thrift Server (PyHive)."""
    out = {}
    cursor = con.cursor()
    try:
        for name, sql in spark_statements(ask, first_day).items():
            cursor.execute(sql)
            out[name] = [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()
    return out
