"""The optional `stocklens_labels` table: display labels of stored values, per language.

Region, category and the other dimension values are filter keys (URLs, saved boards, wall
scopes, alert rules point at them), so a source stores them in one language only. A demo
build also writes how each value reads in the other language (the demo's names come in
(en, zh) pairs), and the pages show those labels while every key stays the stored value.
A source without the table has no labels: a company database keeps its own names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

LABEL_TABLE = "stocklens_labels"
# The columns a label may translate: dimension values and the name companions of SKUs and
# locations (the `dimension` column of the table names one of these).
LABELLED_COLUMNS = ("category", "subcategory", "brand", "region", "supplier", "sku_name",
                    "location_name")

labels_table = sa.table(LABEL_TABLE, sa.column("dimension"), sa.column("value"),
                        sa.column("lang"), sa.column("label"))


def write_labels(con: Any, rows: Iterable[tuple[str, str, str, str]]) -> int:
    """Create the table through a DuckDB connection and insert (dimension, value, lang,
    label) rows; return how many were written."""
    con.execute(f"CREATE TABLE {LABEL_TABLE} (dimension VARCHAR NOT NULL, value VARCHAR NOT NULL,"
                " lang VARCHAR NOT NULL, label VARCHAR NOT NULL,"
                " PRIMARY KEY (dimension, value, lang))")
    data = list(rows)
    if data:
        con.executemany(f"INSERT INTO {LABEL_TABLE} VALUES (?, ?, ?, ?)", data)
    return len(data)


def labels_statement(lang: str) -> sa.Select:
    """The (dimension, value, label) rows of one language."""
    return sa.select(labels_table.c.dimension, labels_table.c.value, labels_table.c.label
                     ).where(labels_table.c.lang == lang)
