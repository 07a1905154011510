"""Building an extract: an extract-mode source's canonical tables copied into a new local
DuckDB file, with the rollups the embedded store has, then published atomically.

- What is read: the same canonical relations a direct query reads (the mapping applies),
  all of them inside one REPEATABLE READ transaction on PostgreSQL and MySQL, so the copy
  is one consistent state of the source even while it is being written to.
- Full: every entity is pulled. Incremental (the default once a copy exists): dimensions
  and facts without a watermark are pulled whole; of a watermarked fact (sales and
  receipts by date; inventory when its mapping says `watermark: date`) the new file keeps
  the current copy's rows before `window_days` ahead of its last date (read from it,
  attached read-only: a fresh file never grows with deleted rows) and pulls exactly the
  dates from there on, so new days, late corrections and rows deleted inside the window
  all reach the copy.
- Bounded memory: rows travel in chunks of `chunk_rows` through a server-side cursor and
  DuckDB's own buffers are capped (BUILD_MEMORY; above it DuckDB spills to disk).
- Atomic: the new file is private until it is published (extract_files.publish), so rows
  are committed chunk by chunk (one transaction over millions of inserted rows would hold
  them all in memory: ~400 MB per million sales lines); the rollups and the
  `stocklens_meta` data version are written last in one transaction (meta.write_meta, as
  `import` does). Any failure deletes the new file; the current copy keeps serving.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from canonical.model import ENTITIES
from data_connectors.config import SourceConfig
from data_connectors.duckdb_writing import create_tables, insert_frame
from data_connectors.extract_files import (
    EXTRACTED_AT_KEY,
    current_file,
    extract_folder,
    new_version_path,
    publish,
    remove_copy,
)
from data_connectors.meta import write_meta
from data_connectors.open_source import open_configured
from data_connectors.progress import Progress, no_progress
from data_connectors.source import Source

BUILD_MEMORY = "160MB"  # DuckDB's buffer cap while writing a copy (peak RSS ~ this + ~350 MB)
PULL_TIMEOUT_S = 3600.0  # a refresh is batch work: statements may run longer than a page's
DEFAULT_WATERMARKED = ("sales", "receipts")
_SNAPSHOT_DIALECTS = ("postgresql", "mysql", "mariadb")
PREVIOUS = "previous_copy"  # the current copy, attached read-only during an incremental


@dataclass(frozen=True)
class ExtractResult:
    """What one refresh did: the published file, rows pulled per entity, how."""

    file: Path
    rows: dict[str, int]
    incremental: bool
    extracted_at: datetime
    data_version: str
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def watermarked(cfg: SourceConfig, entity: str) -> bool:
    """Whether an incremental refresh pulls only the window of this entity."""
    parts = cfg.mapping.parts(entity) if cfg.mapping else ()
    return entity in DEFAULT_WATERMARKED or any(p.watermark for p in parts)


def build_extract(cfg: SourceConfig, full: bool = False,
                  progress: Progress = no_progress) -> ExtractResult:
    """Write and publish a new copy of the source; raises (and publishes nothing) when the
    source cannot be read or the copy cannot be written."""
    started, clock = datetime.now(UTC), time.perf_counter()
    folder = extract_folder(cfg)
    folder.mkdir(parents=True, exist_ok=True)
    previous = None if full else current_file(folder)
    target = new_version_path(folder)
    direct = open_configured(dataclasses.replace(
        cfg, mode="direct", statement_timeout_s=max(cfg.statement_timeout_s, PULL_TIMEOUT_S)))
    try:
        con = duckdb.connect(str(target))
        try:
            con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
            con.execute("SET preserve_insertion_order = false")
            con.execute("SET enable_progress_bar = false")
            create_tables(con)
            if previous is not None:  # kept rows come from the current copy, read-only
                con.execute(f"ATTACH '{_quoted(previous)}' AS {PREVIOUS} (READ_ONLY)")
            rows = _copy_entities(cfg, direct, con, previous is not None, progress)
            if previous is not None:
                con.execute(f"DETACH {PREVIOUS}")
            con.begin()
            version = write_meta(con, source="extract", origin=cfg.safe_url,
                                 refresh="incremental" if previous else "full",
                                 **{EXTRACTED_AT_KEY: started.isoformat()})
            con.commit()
        finally:
            con.close()
    except BaseException:
        remove_copy(target)
        raise
    finally:
        direct.dispose()
    publish(folder, target)
    return ExtractResult(target, rows, previous is not None, started, version,
                         time.perf_counter() - clock)


def _copy_entities(cfg: SourceConfig, direct: Source, con: duckdb.DuckDBPyConnection,
                   incremental: bool, progress: Progress) -> dict[str, int]:
    """Empty (or trim to the window) each canonical table of the copy and pull its rows,
    all from one snapshot of the source."""
    with direct.engine.connect() as conn:
        if direct.dialect in _SNAPSHOT_DIALECTS:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            plans = {}
            for name in ENTITIES:
                cutoff = _cutoff(con, name, cfg.extract.window_days) \
                    if incremental and watermarked(cfg, name) else None
                query = sa.select(direct.relation(name))
                if cutoff is not None:
                    query = query.where(direct.relation(name).c.date >= cutoff)
                total = conn.execute(sa.select(sa.func.count()).select_from(
                    query.subquery())).scalar_one()
                plans[name] = (query, cutoff, int(total))
            grand, done, rows = sum(p[2] for p in plans.values()), 0, {}
            progress("read", 0, grand)
            for name, (query, cutoff, _total) in plans.items():
                if cutoff is not None:  # the copy's rows before the window stay as they are
                    progress(f"keep {name}", done, grand)
                    columns = ", ".join(f'"{c}"' for c in ENTITIES[name].column_names)
                    con.execute(f'INSERT INTO main."{name}" ({columns}) SELECT {columns} '
                                f'FROM {PREVIOUS}."{name}" WHERE date < ?', [cutoff]).fetchall()
                rows[name] = 0
                streaming = conn.execution_options(stream_results=True,
                                                   max_row_buffer=cfg.extract.chunk_rows)
                for frame in pd.read_sql(query, streaming, chunksize=cfg.extract.chunk_rows):
                    insert_frame(con, ENTITIES[name], frame)
                    rows[name] += len(frame)
                    done += len(frame)
                    progress(name, done, grand)
    progress("rollups", done, grand)
    return rows


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _cutoff(con: duckdb.DuckDBPyConnection, name: str, window_days: int) -> date | None:
    """The first date pulled again: `window_days` before the current copy's last date
    (None: it has no rows of this fact, so it is pulled whole)."""
    last = con.execute(f'SELECT max(date) FROM {PREVIOUS}."{name}"').fetchall()[0][0]
    return None if last is None else last - timedelta(days=window_days)
