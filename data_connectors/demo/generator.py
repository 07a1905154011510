"""Entry point of the demo data generator: `generate_demo` builds a complete demo DuckDB file.

The file is written under a temporary name next to `out` and moved onto it only when
complete, so a crash or an interrupt never leaves a half-written database where the app
looks for one. The same arguments always produce the same table contents.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from data_connectors.demo import names, rows, tables
from data_connectors.demo.catalog import build_catalog
from data_connectors.demo.promotions import build_promotions
from data_connectors.demo.seasons import CHANNELS, build_calendar
from data_connectors.demo.simulate import simulate
from data_connectors.demo.writer import DemoWriter
from data_connectors.progress import Progress, no_progress


@dataclass(frozen=True)
class DemoSummary:
    """What a demo build produced: where, how many rows per table, which dates, how fast."""

    path: Path
    rows: dict[str, int]
    first_date: date
    last_date: date
    seed: int
    scale: float
    locale: str
    seconds: float


def first_date(end: date, months: int) -> date:
    """The first day of `months` whole months ending at `end`: end − months + 1 day."""
    total = end.year * 12 + (end.month - 1) - months
    year, month = divmod(total, 12)
    day = min(end.day, monthrange(year, month + 1)[1])
    return date(year, month + 1, day) + timedelta(days=1)


def month_ranges(first: date, n_days: int) -> list[tuple[int, int]]:
    """Day-offset ranges [d0, d1) of the calendar months (partial at both ends)."""
    out = []
    d0 = 0
    while d0 < n_days:
        day = first + timedelta(days=d0)
        d1 = min(n_days, d0 + monthrange(day.year, day.month)[1] - day.day + 1)
        out.append((d0, d1))
        d0 = d1
    return out


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def generate_demo(
    out: Path,
    scale: float = 1,
    seed: int = 0,
    locale: str = "en",
    end: date = date(2026, 10, 31),
    months: int = 18,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the demo database at `out` and return a summary of what was written.

    `scale` grows SKUs and locations with √scale each, so sales lines grow about linearly
    (≈1M at scale 1). Names follow `locale` ("en" or "zh"); numbers never do.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if months < 1:
        raise ValueError("months must be at least 1")
    locale = names.normalize_locale(locale)
    scale = float(scale)
    report = progress or no_progress
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")

    first = first_date(end, months)
    n_days = (end - first).days + 1
    chunks = month_ranges(first, n_days)
    # Independent streams per part, so a change in one part leaves the others' draws alone.
    catalog_rng, promo_rng, demand_rng, ops_rng, split_rng = np.random.default_rng(seed).spawn(5)
    report("catalog", 0, 1)
    catalog = build_catalog(catalog_rng, scale, n_days)
    calendar = build_calendar(first, n_days, len(names.CATEGORIES))
    promos = build_promotions(promo_rng, catalog)
    report("catalog", 1, 1)

    writer = DemoWriter(
        tmp,
        first,
        tables.sku_ids(catalog),
        tables.location_ids(catalog),
        CHANNELS,
        tables.supplier_names(catalog, locale),
    )
    try:
        writer.write_dimension("sku", tables.sku_columns(catalog, locale))
        report("write", 1, 5)
        writer.write_dimension("location", tables.location_columns(catalog, locale))
        writer.write_labels(tables.label_rows(catalog, locale))
        report("write", 2, 5)
        months = simulate(catalog, calendar, promos, demand_rng, ops_rng, chunks)
        for done, month in enumerate(months, start=1):
            writer.append_sales(rows.sales_rows(catalog, promos, calendar, month, split_rng))
            writer.append_receipts(rows.receipt_rows(catalog, month.receipts))
            writer.append_inventory(rows.inventory_rows(catalog, month))
            if done < len(chunks):  # the last month commits together with the meta table
                writer.flush()
            report("simulate", done, len(chunks))
        counts = writer.commit(source="demo", seed=str(seed), scale=str(scale), locale=locale)
        report("write", 5, 5)
        with contextlib.suppress(FileNotFoundError):  # a stale WAL would replay onto new data
            out.with_name(out.name + ".wal").unlink()
        os.replace(tmp, out)
    except BaseException:
        writer.abort()
        _remove(tmp)
        raise
    return DemoSummary(
        path=out,
        rows=counts,
        first_date=first,
        last_date=end,
        seed=seed,
        scale=scale,
        locale=locale,
        seconds=round(time.perf_counter() - started, 3),
    )
