"""A copy of the demo database without its last days, and those days put back: how the
forecast job's tests (tests/integration/test_forecast_job.py) and its benchmark
(bench/forecast_job_bench.py) make "new days arrived" for an incremental refit.

The days cut are kept aside in the same file (kept_<table>), so `restore` puts back
exactly the rows that were there; the data version changes each way, as an import would.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

TABLES = ("sales", "inventory", "receipts")


def cut_copy(db: Path, folder: Path, days: int) -> tuple[Path, date]:
    """(the copy in `folder`, the demo's last day): the copy ends `days` days earlier."""
    import duckdb

    copy = folder / "demo.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    last = con.execute("select max(date) from sales").fetchone()[0]
    cut = last - timedelta(days=days)
    for table in TABLES:
        con.execute(f"create table kept_{table} as select * from {table} where date > ?",
                    [cut])
        con.execute(f"delete from {table} where date > ?", [cut])
    con.execute("insert or replace into stocklens_meta values ('data_version', 'cut')")
    con.close()
    return copy, last


def restore(copy: Path) -> None:
    """Put the days `cut_copy` kept aside back."""
    import duckdb

    con = duckdb.connect(str(copy))
    for table in TABLES:
        con.execute(f"insert into {table} select * from kept_{table}")
    con.execute("insert or replace into stocklens_meta values ('data_version', 'whole')")
    con.close()
