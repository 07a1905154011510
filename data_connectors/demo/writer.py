"""Write the demo tables into a DuckDB file through DuckDB's native Python API.

Fact rows arrive as numpy arrays of integer codes, month by month; each chunk is registered
as a pandas frame and appended with one INSERT … SELECT that casts to the canonical types and
turns codes into IDs and names through constant lists. Nothing goes row by row, and memory
holds one month at a time.

Each month is committed on its own: DuckDB keeps an open transaction's appends in memory, so
one transaction for 30 million rows would need gigabytes. Atomicity does not suffer, because
the file being written is a temporary one that only replaces the target when complete; the
last transaction carries the final month together with the meta table.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from canonical.model import ENTITIES, Entity
from data_connectors.labels import write_labels
from data_connectors.meta import write_meta

WRITER_MEMORY = "1GB"
SQL_TYPE = {"date": "DATE", "number": "DOUBLE", "text": "VARCHAR"}


def _sql_list(values: list[str]) -> str:
    """A DuckDB list literal of strings (1-based when indexed)."""
    quoted = ("'" + v.replace("'", "''") + "'" for v in values)
    return "(CAST([" + ", ".join(quoted) + "] AS VARCHAR[]))"


def create_statement(entity: Entity) -> str:
    """CREATE TABLE for a canonical entity: canonical names and types, required = NOT NULL."""
    cols = ", ".join(
        f'"{c.name}" {SQL_TYPE[c.kind]}{" NOT NULL" if c.required else ""}'
        for c in entity.columns
    )
    return f'CREATE TABLE "{entity.name}" ({cols})'


class DemoWriter:
    """An open write transaction on a fresh DuckDB file holding the five canonical tables."""

    def __init__(
        self,
        path: Path,
        first: date,
        sku_ids: list[str],
        location_ids: list[str],
        channels: tuple[str, ...],
        suppliers: list[str],
    ) -> None:
        # A modest buffer: the writer streams, and a server may be running on the same machine.
        self.con = duckdb.connect(str(path), config={"memory_limit": WRITER_MEMORY})
        self.rows = {name: 0 for name in ENTITIES}
        self._date = f"DATE '{first.isoformat()}'"
        self._sku = _sql_list(sku_ids)
        self._loc = _sql_list(location_ids)
        self._channel = _sql_list(list(channels))
        self._supplier = _sql_list(suppliers)
        self.con.execute("BEGIN TRANSACTION")
        for entity in ENTITIES.values():
            self.con.execute(create_statement(entity))

    def _append(self, table: str, exprs: dict[str, str], frame: dict) -> None:
        """INSERT the registered chunk into `table`; `exprs` gives each canonical column's SQL."""
        entity = ENTITIES[table]
        if set(exprs) != set(entity.column_names):
            raise ValueError(f"{table}: columns {sorted(exprs)} are not the canonical ones")
        n = len(next(iter(frame.values())))
        if n == 0:
            return
        select = ", ".join(
            f'CAST({exprs[c.name]} AS {SQL_TYPE[c.kind]}) AS "{c.name}"' for c in entity.columns
        )
        self.con.register("demo_chunk", pd.DataFrame(frame, copy=False))
        try:
            self.con.execute(f'INSERT INTO "{table}" SELECT {select} FROM demo_chunk')
        finally:
            with contextlib.suppress(duckdb.Error):
                self.con.unregister("demo_chunk")
        self.rows[table] += n

    def _day(self, column: str) -> str:
        return f"{self._date} + CAST({column} AS INTEGER)"

    def write_dimension(self, table: str, columns: dict[str, list | np.ndarray]) -> None:
        """Write a small dimension table given its canonical columns."""
        self._append(table, {name: f'"{name}"' for name in columns}, columns)

    def append_sales(self, rows: dict[str, np.ndarray]) -> None:
        exprs = {
            "date": self._day("day"),
            "sku_id": f"{self._sku}[sku + 1]",
            "location_id": f"{self._loc}[loc + 1]",
            "channel": f"{self._channel}[channel + 1]",
            "qty": "qty",
            "revenue": "revenue",
            "cost": "cost",
        }
        self._append("sales", exprs, rows)

    def append_receipts(self, rows: dict[str, np.ndarray]) -> None:
        exprs = {
            "date": self._day("day"),
            "sku_id": f"{self._sku}[sku + 1]",
            "location_id": f"{self._loc}[loc + 1]",
            "qty": "qty",
            "cost": "cost",
            "supplier": f"{self._supplier}[supplier + 1]",
            "order_date": self._day("order_day"),
        }
        self._append("receipts", exprs, rows)

    def append_inventory(self, rows: dict[str, np.ndarray]) -> None:
        exprs = {
            "date": self._day("day"),
            "sku_id": f"{self._sku}[sku + 1]",
            "location_id": f"{self._loc}[loc + 1]",
            "on_hand_qty": "qty",
            "on_hand_value": "value",
        }
        self._append("inventory", exprs, rows)

    def write_labels(self, rows: list[tuple[str, str, str, str]]) -> None:
        """The other language's names of the stored values (data_connectors/labels.py)."""
        write_labels(self.con, rows)

    def flush(self) -> None:
        """Commit what was appended so far and start the next transaction."""
        self.con.execute("COMMIT")
        self.con.execute("BEGIN TRANSACTION")

    def commit(self, **meta: str) -> dict[str, int]:
        """Record the meta data, commit and close; return the row count of each table."""
        write_meta(self.con, **meta)
        self.con.execute("COMMIT")
        self.con.close()
        return dict(self.rows)

    def abort(self) -> None:
        """Give up: roll back and close (the caller deletes the temporary file)."""
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")
        self.con.close()
