"""The `stocklens_meta` table that a StockLens-written DuckDB file carries next to the data.

It records where the data came from and a data version that changes on every write, so a
cache keyed by (query, data version) is invalidated by an import without anyone telling it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

META_TABLE = "stocklens_meta"
ROLLUP_VERSION_KEY = "rollup_version"  # the data version the rollups were built from


def write_meta(con: Any, **values: str) -> str:
    """Store `values` and a fresh `data_version` through a DuckDB connection; return the version.

    Runs inside the caller's transaction so the version changes exactly when the data does.
    Every writer calls it last, so it is also where the rollups are rebuilt (in the same
    transaction) and stamped with this version: rollups never lag the data they sum.
    """
    from data_connectors.rollups import build_rollups  # rollups import nothing of ours

    version = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)")
    rollup_version = version if build_rollups(con) else ""
    for key, value in {**values, "data_version": version,
                       ROLLUP_VERSION_KEY: rollup_version}.items():
        con.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", [key, str(value)])
    return version
