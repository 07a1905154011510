"""Rollups: pre-aggregated copies of the facts that a StockLens-written DuckDB file carries.

Why: a board question ("turnover days by month, for the East region") sums ~24M daily
inventory rows and ~12M sales lines at 10M scale, while the answer only needs them per
day, location and category — ~50× fewer rows. The rollups hold exactly those sums, so
the compiler can read them instead of the facts whenever a query's measures are plain
sums and its dimensions are among the rollup's keys (metrics/rollup_blocks.py decides).

How they stay right:
- They are rebuilt from the facts inside the transaction that writes the data, by
  `write_meta` (data_connectors/meta.py), which every writer — `app.py import` and the
  demo generator — calls last. Its `rollup_version` is the data version of that write.
- The compiler uses them only while the file's `rollup_version` equals its
  `data_version` (a writer that forgot them makes them unused, not wrong), and the query
  cache is keyed by that same data version.
- Costs and values follow DESIGN.md's defaults (a missing sales.cost is qty × unit_cost,
  a missing on_hand_value is on_hand_qty × unit_cost), as the compiler's blocks do.
- tests/unit/test_rollups.py compares rollup-served queries with the facts.

STOCKLENS_ROLLUPS=off switches them off (the benchmark measures both).
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

ROLLUP_TABLES = {"sales": "stocklens_rollup_sales", "inventory": "stocklens_rollup_stock",
                 "receipts": "stocklens_rollup_receipts", "active": "stocklens_rollup_active"}
ROLLUPS_ENV = "STOCKLENS_ROLLUPS"

_BUILD = {
    "sales": """
        SELECT f.date, f.location_id, f.channel, k.category,
               sum(coalesce(f.cost, f.qty * k.unit_cost)) AS cost,
               sum(f.revenue) AS revenue, sum(f.qty) AS qty
        FROM sales f LEFT JOIN sku k ON k.sku_id = f.sku_id
        GROUP BY ALL ORDER BY f.date""",
    "inventory": """
        SELECT f.date, f.location_id, k.category,
               sum(coalesce(f.on_hand_value, f.on_hand_qty * k.unit_cost)) AS value,
               sum(f.on_hand_qty) AS qty,
               count(*) FILTER (WHERE f.on_hand_qty > 0) AS stocked
        FROM inventory f LEFT JOIN sku k ON k.sku_id = f.sku_id
        GROUP BY ALL ORDER BY f.date""",
    "receipts": """
        SELECT f.date, f.location_id, k.category, sum(f.qty) AS qty,
               sum(coalesce(f.cost, f.qty * k.unit_cost)) AS cost
        FROM receipts f LEFT JOIN sku k ON k.sku_id = f.sku_id
        GROUP BY ALL ORDER BY f.date""",
    # Runs of consecutive days on which a sku-location had stock (on a snapshot) or a
    # sale: it was active in [start, end] exactly when one of its runs overlaps it. A
    # few runs per pair replace millions of (pair, day) rows for the stockout rate.
    "active": """
        WITH days AS (
            SELECT sku_id, location_id, date FROM inventory WHERE on_hand_qty > 0
            UNION SELECT sku_id, location_id, date FROM sales WHERE qty > 0),
        numbered AS (
            SELECT sku_id, location_id, date,
                   date - CAST(row_number() OVER (PARTITION BY sku_id, location_id
                                                  ORDER BY date) AS INTEGER) AS run
            FROM days)
        SELECT sku_id, location_id, min(date) AS run_start, max(date) AS run_end
        FROM numbered GROUP BY sku_id, location_id, run ORDER BY run_start""",
}
_COLUMNS = {
    "sales": ("date", "location_id", "channel", "category", "cost", "revenue", "qty"),
    "inventory": ("date", "location_id", "category", "value", "qty", "stocked"),
    "receipts": ("date", "location_id", "category", "qty", "cost"),
    "active": ("sku_id", "location_id", "run_start", "run_end"),
}


def build_rollups(con: Any) -> bool:
    """(Re)build every rollup from the canonical tables, in the caller's DuckDB
    transaction; False (and no rollups) when a canonical table is missing."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
    if not {"sku", "sales", "inventory", "receipts"} <= tables:
        return False
    con.execute("SET enable_progress_bar = false")  # a library never draws on stdout
    for fact, table in ROLLUP_TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {_BUILD[fact]}")
    return True


def rollups_enabled() -> bool:
    return os.environ.get(ROLLUPS_ENV, "on").strip().lower() not in ("off", "0", "no")


def rollup_relations(engine: sa.Engine) -> dict[str, sa.Table]:
    """The rollup tables of a database that has all of them, by fact; else {}."""
    try:
        names = set(sa.inspect(engine).get_table_names())
    except sa.exc.DBAPIError:
        return {}
    if not set(ROLLUP_TABLES.values()) <= names:
        return {}
    return {fact: sa.table(table, *(sa.column(c) for c in _COLUMNS[fact]))
            for fact, table in ROLLUP_TABLES.items()}
