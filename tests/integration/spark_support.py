"""The Spark SQL cluster the integration tests use, and scratch databases on it.

The cluster is scripts/spark_cluster.sh's (master, two workers, Thrift Server on
127.0.0.1:10000), started by the session fixture `spark_server` (tests/integration/
conftest.py) the first time a test needs it, and stopped when the session ends if that
fixture started it. STOCKLENS_TEST_SPARK_URL names another Thrift Server instead (then
nothing is started or stopped). As for the other servers, a cluster that does not come up
fails the tests that need it with a hint; they are never skipped.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_connectors import spark_dialect
from data_connectors.spark_loading import load_into_spark
from tests.integration.servers import unique_name

spark_dialect.register()

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "spark_cluster.sh"
URL_ENV = "STOCKLENS_TEST_SPARK_URL"
LOCAL_URL = "hive://127.0.0.1:10000"
START_TIMEOUT_S = 900  # a fresh machine first installs Java and the 450 MB distribution
# The tests' tables have hundreds of rows: compiling each stage's code costs more than it
# saves there (the benchmark keeps Spark's default, bench/spark_bench.py).
TEST_CONF = "spark.sql.codegen.wholeStage=false"


def external_url() -> str | None:
    return os.environ.get(URL_ENV) or None


def _script(command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STOCKLENS_SPARK_CONF": os.environ.get("STOCKLENS_SPARK_CONF",
                                                                 TEST_CONF)}
    return subprocess.run([str(SCRIPT), command], cwd=ROOT, capture_output=True, text=True,
                          timeout=START_TIMEOUT_S, env=env)


def start_cluster() -> bool:
    """Start the local cluster unless it already runs; True when this call started it."""
    if _script("status").returncode == 0:
        return False
    done = _script("start")
    if done.returncode != 0:
        pytest.fail(f"the Spark cluster did not start (scripts/spark_cluster.sh start):\n"
                    f"{done.stderr[-2000:]}", pytrace=False)
    return True


def stop_cluster() -> None:
    _script("stop")


@dataclass(frozen=True)
class SparkDatabase:
    """A Spark database made for a test module, dropped at its end."""

    server_url: str  # hive://host:port
    name: str

    @property
    def url(self) -> str:
        return f"{self.server_url.rstrip('/')}/{self.name}"


def load_database(server_url: str, duckdb_file: Path, parquet_dir: Path) -> SparkDatabase:
    """A new Spark database holding the StockLens tables of `duckdb_file`."""
    database = SparkDatabase(server_url, unique_name())
    load_into_spark(duckdb_file, database.url, parquet_dir)
    return database


def drop_database(database: SparkDatabase) -> None:
    engine = sa.create_engine(f"{database.server_url.rstrip('/')}/default",
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            con.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database.name}` CASCADE")
    finally:
        engine.dispose()
