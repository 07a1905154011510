"""The board benchmark on PostgreSQL: a scale's demo copied into a scratch database, then
served through StockLens's canonical URL support (`app.py serve --url`).

    .venv/bin/python bench/board_pg.py --scale 10 [--admin-url postgresql://postgres@127.0.0.1:5432/test]

Every table of the DuckDB file is copied as it is — the canonical tables, the rollups and
the meta table with its data version — so the server sees a StockLens database that
happens to live in PostgreSQL, with an index on each fact's date as a DBA would add. The
scratch database (stocklens_bench) is created for the run and dropped after it, however
the run ends. Figures are added to bench/results/board_bench.json under "postgresql".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board_bench import demo_file
from board_bench import main as board_main
from board_server import bench_lock

SCRATCH = "stocklens_bench"
TYPES = {"DATE": "date", "VARCHAR": "text", "DOUBLE": "double precision", "BIGINT": "bigint",
         "INTEGER": "integer", "HUGEINT": "numeric", "DECIMAL": "numeric"}
FACTS = ("sales", "inventory", "receipts")


def _pg_type(duck_type: str) -> str:
    return TYPES.get(duck_type.split("(")[0], "text")


def copy_database(db: Path, pg_url: str) -> dict[str, int]:
    """Every main-schema table of the DuckDB file into the PostgreSQL database."""
    src = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in src.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
    counts = {}
    with psycopg.connect(pg_url, autocommit=True) as pg:
        for table in tables:
            cols = src.execute(f'DESCRIBE "{table}"').fetchall()
            ddl = ", ".join(f'"{c[0]}" {_pg_type(c[1])}' for c in cols)
            pg.execute(f'CREATE TABLE "{table}" ({ddl})')
            started = time.perf_counter()
            with tempfile.TemporaryDirectory(prefix="board-pg-") as tmp:
                csv = Path(tmp) / f"{table}.csv"  # NULL as unquoted-empty, as PG reads it
                src.execute(f"""COPY "{table}" TO '{csv}' (FORMAT csv, HEADER false)""")
                with pg.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT csv)') as copy, \
                        csv.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
            counts[table] = src.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            print(f"  {table}: {counts[table]:,} rows in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
        for fact in FACTS:
            pg.execute(f'CREATE INDEX ON "{fact}" (date)')
        pg.execute("ANALYZE")
    src.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=10.0)
    p.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    p.add_argument("--cold", type=int, default=6)
    p.add_argument("--warm", type=int, default=20)
    args, rest = p.parse_known_args(argv)
    db = demo_file(args.scale)
    base = args.admin_url.rsplit("/", 1)[0]
    with psycopg.connect(args.admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
    try:
        with bench_lock():  # the copy is CPU-heavy too; board_main keeps the lock we hold
            print(f"copying {db} into {SCRATCH} …", file=sys.stderr)
            copy_database(db, f"{base}/{SCRATCH}")
            url = f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{SCRATCH}"
            return board_main(["--scales", f"{args.scale:g}", "--url", url, "--label",
                               "postgresql", "--cold", str(args.cold), "--warm",
                               str(args.warm), "--no-browser", *rest])
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


if __name__ == "__main__":
    raise SystemExit(main())
