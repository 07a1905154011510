"""A PostgreSQL source for the extract-mode tests (issue 21): the parity data set loaded
into a scratch database, the changes a live ERP makes (a new day, a late correction, a
deletion inside the look-back window, a dimension edited), and the comparison of an
extract's numbers with a direct query's on the same state (tests/integration/
test_engine_parity.py's cases and differences)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from data_connectors.config import ExtractSettings, SourceConfig
from data_connectors.source import Source
from tests.integration.loading import load_canonical
from tests.integration.servers import (
    POSTGRES,
    ScratchDatabase,
    create_database,
    require_reachable,
)
from tests.integration.test_engine_parity import CASES, Case, differences
from tests.oracle.random_data import DATA_DAYS, DATA_START, generate
from tests.service_support import run_query

SEED = 3
WINDOW_DAYS = 5
LAST_DAY = DATA_START + timedelta(days=DATA_DAYS - 1)
NEW_DAY = LAST_DAY + timedelta(days=1)
CORRECTED_DAY = LAST_DAY - timedelta(days=3)  # inside the window
DELETED_DAY = LAST_DAY - timedelta(days=2)  # inside the window
COMPARED = ("total", "region", "channel", "category_region", "month", "sku", "abc_class",
            "age_bucket", "age_bucket_region_as_of", "supplier_month", "where_region_east",
            "custom_options")


def loaded_database() -> ScratchDatabase:
    """A new scratch PostgreSQL database holding the parity data (dropped by the caller)."""
    require_reachable(POSTGRES)
    db = create_database(POSTGRES)
    writer = db.writable_engine()
    load_canonical(writer, generate(SEED))
    writer.dispose()
    return db


def extract_config(db: ScratchDatabase, folder: Path, name: str = "erp") -> SourceConfig:
    return SourceConfig(name, db.url, mode="extract",
                        extract=ExtractSettings(window_days=WINDOW_DAYS, folder=folder,
                                                chunk_rows=1000))


def live_changes(db: ScratchDatabase) -> None:
    """What the ERP does between two refreshes: a new day of sales, receipts and stock;
    a late correction and a deletion of sales inside the window; a SKU recategorised."""
    engine = db.writable_engine()
    with engine.begin() as con:
        for table in ("sales", "receipts", "inventory"):
            columns = [c["name"] for c in sa.inspect(con).get_columns(table)]
            shifted = ", ".join("date + 1" if c == "date" else f'"{c}"' for c in columns)
            listed = ", ".join(f'"{c}"' for c in columns)
            con.execute(sa.text(f'INSERT INTO "{table}" ({listed}) SELECT {shifted} '
                                f'FROM "{table}" WHERE date = :last'), {"last": LAST_DAY})
        corrected = con.execute(sa.text(
            "UPDATE sales SET qty = qty * 3, revenue = revenue * 3 + 7 WHERE date = :day"),
            {"day": CORRECTED_DAY}).rowcount
        deleted = con.execute(sa.text("DELETE FROM sales WHERE date = :day"),
                              {"day": DELETED_DAY}).rowcount
        con.execute(sa.text("UPDATE sku SET category = 'Toys' WHERE sku_id = 'SKU01'"))
    engine.dispose()
    assert corrected > 0 and deleted > 0, "the changes must touch rows"


def mismatches(extract: Source, direct: Source, end: date) -> list[str]:
    """Every difference between the two sources over the compared parity cases."""
    report = []
    for case in (c for c in CASES if c.name in COMPARED):
        case = Case(case.name, case.by, case.metrics, case.where, case.as_of, case.start,
                    end, case.options)
        query = case.query()
        reference, got = run_query(direct, query), run_query(extract, query)
        assert len(reference) > 0 or case.name == "where_nothing_matches", case.name
        report += [f"{case.name}: {p}" for p in differences(case, reference, got)[:10]]
    return report


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
