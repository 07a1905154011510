"""A Source: a database engine plus one relation per canonical entity.

The metrics layer sees only the relations, each exposing the canonical column names
(canonical/model.py), whatever the user's tables are called; a column the source lacks is a
typed NULL so DESIGN.md's defaults (cost = qty × unit_cost, …) apply in one place, the
compiler. How the relations are built from a user's schema is the connector's business.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from canonical.model import ENTITIES, Entity, canonical_table
from data_connectors.meta import META_TABLE, ROLLUP_VERSION_KEY
from data_connectors.rollups import rollup_relations, rollups_enabled

ROLLUP_CHECK_S = 5.0
DUCKDB_MEMORY_ENV = "STOCKLENS_DUCKDB_MEMORY_LIMIT"
DEFAULT_DUCKDB_MEMORY = "1GB"


class SourceError(RuntimeError):
    """The source cannot be opened or read; the message is meant for the user."""


@dataclass
class Source:
    name: str
    engine: sa.Engine
    relations: dict[str, sa.FromClause]
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)  # entity → absent columns
    # pre-aggregated facts (data_connectors/rollups.py), by fact; only StockLens files
    rollups: dict[str, sa.FromClause] = field(default_factory=dict)
    # extract mode (data_connectors/extract_files.py): the copy this Source reads, and when
    # its data was read from the source database ("data as of")
    extract_file: Path | None = None
    extracted_at: datetime | None = None
    _rollups_checked: tuple[float, bool] | None = field(default=None, init=False, repr=False)

    def relation(self, entity: str) -> sa.FromClause:
        return self.relations[entity]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def data_version(self) -> str | None:
        """The version written by the last import/demo build, if the source records one."""
        if not sa.inspect(self.engine).has_table(META_TABLE):
            return None
        meta = sa.table(META_TABLE, sa.column("key"), sa.column("value"))
        with self.engine.connect() as con:
            return con.execute(
                sa.select(meta.c.value).where(meta.c.key == "data_version")
            ).scalar_one_or_none()

    def rollups_current(self) -> bool:
        """Whether the rollups were built from the data as it is now (same version).

        Read at most every ROLLUP_CHECK_S seconds, the time the query cache trusts a data
        version it read: StockLens's writers rebuild rollups in the data's own
        transaction, so this only guards against a foreign writer."""
        if not self.rollups:
            return False
        now = time.monotonic()
        if self._rollups_checked and now - self._rollups_checked[0] < ROLLUP_CHECK_S:
            return self._rollups_checked[1]
        meta = sa.table(META_TABLE, sa.column("key"), sa.column("value"))
        with self.engine.connect() as con:
            rows = dict(con.execute(sa.select(meta.c.key, meta.c.value).where(
                meta.c.key.in_(["data_version", ROLLUP_VERSION_KEY]))).all())
        current = bool(rows.get(ROLLUP_VERSION_KEY)) and \
            rows.get(ROLLUP_VERSION_KEY) == rows.get("data_version")
        self._rollups_checked = (now, current)
        return current

    def current_rollups(self) -> dict[str, sa.FromClause]:
        """The rollups a query may read now (metrics/relations.py): present, switched on
        ($STOCKLENS_ROLLUPS) and built from the current data; else none."""
        if self.rollups and rollups_enabled() and self.rollups_current():
            return self.rollups
        return {}

    def date_range_statement(self) -> sa.Select:
        """First and last date found in any fact, as one statement."""
        parts = [
            sa.select(sa.func.min(self.relation(f).c.date).label("lo"),
                      sa.func.max(self.relation(f).c.date).label("hi"))
            for f in ("sales", "receipts", "inventory")
        ]
        u = sa.union_all(*parts).subquery()
        return sa.select(sa.func.min(u.c.lo), sa.func.max(u.c.hi))

    def date_range(self) -> tuple[object, object]:
        """First and last date (the health page, tests; the product asks the query
        service, service/queries.py, which runs the same statement through its cache)."""
        with self.engine.connect() as con:
            row = con.execute(self.date_range_statement()).one()
        return row[0], row[1]

    def row_counts_statement(self) -> sa.Select:
        """Rows per canonical entity and the latest stock snapshot, in one statement."""
        counts = [sa.select(sa.func.count()).select_from(self.relation(e)).scalar_subquery()
                  .label(e) for e in ENTITIES]
        latest = sa.select(sa.func.max(self.relation("inventory").c.date)).scalar_subquery()
        return sa.select(*counts, latest.label("latest_snapshot"))

    def row_counts(self) -> dict[str, int]:
        """Rows per canonical entity (tests; the Sources page asks service/health.py)."""
        with self.engine.connect() as con:
            row = con.execute(self.row_counts_statement()).one()
        return {e: int(row[i]) for i, e in enumerate(ENTITIES)}

    def distinct_statement(self, entity: str, column: str) -> sa.Select:
        """Distinct non-null values of a dimension attribute, as one statement."""
        rel = self.relation(entity)
        return sa.select(rel.c[column]).where(rel.c[column].is_not(None)).distinct()

    def distinct_values(self, entity: str, column: str) -> list[str]:
        """Sorted distinct values (tests and checks; filter choices go through the
        query service, which runs distinct_statement per data version and scope)."""
        with self.engine.connect() as con:
            rows = con.execute(self.distinct_statement(entity, column)).scalars()
            return sorted(str(v) for v in rows)

    def dispose(self) -> None:
        self.engine.dispose()


def canonical_relation(entity: Entity, present: set[str]) -> sa.FromClause:
    """The entity's table if it has every canonical column, else a view padding the absent
    optional columns with typed NULLs (so `relation.c.cost` exists and is NULL)."""
    table = canonical_table(entity)
    if all(c in present for c in entity.column_names):
        return table
    cols = [
        table.c[c.name] if c.name in present else sa.cast(sa.null(), c.sql_type()).label(c.name)
        for c in entity.columns
    ]
    query = sa.select(*cols)
    if not present:  # the table itself is absent: an empty relation of the right shape
        query = sa.select(*[sa.cast(sa.null(), c.sql_type()).label(c.name)
                            for c in entity.columns]).where(sa.false())
    return query.subquery(entity.name)


def relations_for_engine(
    engine: sa.Engine, only: set[str] | None = None,
) -> tuple[dict[str, sa.FromClause], dict[str, tuple[str, ...]]]:
    """Canonical relations of a database whose tables already carry canonical names
    (all entities, or those in `only`)."""
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    relations, missing = {}, {}
    for name, entity in ENTITIES.items():
        if only is not None and name not in only:
            continue
        present = ({c["name"].lower() for c in inspector.get_columns(name)}
                   if name in tables else set())
        absent_required = [c for c in entity.required if c not in present]
        if present and absent_required:
            raise SourceError(
                f"table {name!r} lacks required column(s): {', '.join(absent_required)}"
            )
        relations[name] = canonical_relation(entity, present)
        missing[name] = tuple(c for c in entity.column_names if c not in present)
    return relations, missing


def open_duckdb(path: Path | str, read_only: bool = True) -> Source:
    """Open a canonical DuckDB file (the demo, or the result of `app.py import`)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"database file not found or not readable: {path} "
                          f"(duckdb:///{path})")
    engine = sa.create_engine(
        f"duckdb:///{path}", connect_args={"read_only": read_only},
        poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4,
    )
    if read_only:
        limit_duckdb_memory(engine)
    try:
        relations, missing = relations_for_engine(engine)
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        raise SourceError(f"cannot open {path}: {exc.orig}") from exc
    return Source(path.stem, engine, relations, missing, rollup_relations(engine))


def limit_duckdb_memory(engine: sa.Engine) -> None:
    """Cap the memory DuckDB may use while serving ($STOCKLENS_DUCKDB_MEMORY_LIMIT, default
    1GB; "default" keeps DuckDB's own 80 % of RAM). DuckDB's default suits a one-off
    analysis, not a server sharing a laptop: at 10M sales lines its buffers took the
    server past 1.7 GB (bench/board_bench.py); above the cap it evicts cached blocks and
    spills to disk. Set per connection (a global setting), so the file's open
    configuration, which other connections must match, stays as it was."""
    limit = os.environ.get(DUCKDB_MEMORY_ENV, DEFAULT_DUCKDB_MEMORY).strip()
    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, re.IGNORECASE):
        return  # "default", empty or not a size: DuckDB's own limit

    @sa.event.listens_for(engine, "connect")
    def _limit(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"SET memory_limit = '{limit}'")  # type: ignore[attr-defined]
