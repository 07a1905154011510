"""Extract mode against a real PostgreSQL source (issue 21): the copy's numbers equal a
direct query's on the same source state after a full refresh and after an incremental one
that must pick up a new day, a late correction, a deletion inside the window and an edited
dimension; one refresh of a source at a time, across processes; a refresh that cannot read
the source changes nothing; scheduled refreshes run once however many schedulers tick."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from alerts.scheduler import make_scheduler
from app_state import extracts as store
from data_connectors.config import SourceConfig
from data_connectors.extract_files import POINTER, current_file
from data_connectors.mapping import parse_mapping
from data_connectors.registry import SourceRegistry
from service import extracts
from service.extract_jobs import THREAD_PREFIX, RefreshJob
from tests.integration.extract_support import (
    LAST_DAY,
    NEW_DAY,
    checksum,
    extract_config,
    live_changes,
    loaded_database,
    mismatches,
)
from tests.integration.live_server import ROOT, server_env
from tests.integration.servers import ScratchDatabase, drop_database


@pytest.fixture
def erp() -> Iterator[ScratchDatabase]:
    db = loaded_database()
    yield db
    drop_database(db)


def registry_of(db: ScratchDatabase, folder: Path) -> SourceRegistry:
    """The source twice: in extract mode ("erp") and queried live ("direct")."""
    return SourceRegistry({"erp": extract_config(db, folder),
                           "direct": SourceConfig("direct", db.url)}, "erp")


def test_full_then_incremental_refresh_equal_the_direct_query(
        erp: ScratchDatabase, tmp_path: Path) -> None:
    registry = registry_of(erp, tmp_path)
    try:
        first = extracts.refresh("erp", registry=registry)
        assert first.status == "ok" and first.result is not None, first.error
        assert not first.result.incremental
        copy = registry.get("erp")
        assert copy.dialect == "duckdb" and copy.rollups_current()
        assert copy.extracted_at == first.result.extracted_at
        assert mismatches(copy, registry.get("direct"), LAST_DAY) == []

        live_changes(erp)
        stale = mismatches(registry.get("erp"), registry.get("direct"), NEW_DAY)
        assert stale, "the changes must show before the refresh, or the test proves nothing"

        second = extracts.refresh("erp", registry=registry)
        assert second.status == "ok" and second.result is not None, second.error
        assert second.result.incremental
        # only the window and the new day were pulled again, the dimensions replaced
        assert second.result.rows["sales"] < first.result.rows["sales"] / 4
        assert second.result.rows["sku"] == first.result.rows["sku"]
        copy = registry.get("erp")
        assert copy.extract_file == second.result.file != first.result.file
        assert mismatches(copy, registry.get("direct"), NEW_DAY) == []
        state = store.state_of("erp")
        assert state is not None and state.status == "ok" and state.refresh == "incremental"
        assert state.rows == second.result.total_rows and state.error is None
    finally:
        registry.dispose()


def test_a_refresh_that_cannot_read_the_source_leaves_the_copy_serving(
        erp: ScratchDatabase, tmp_path: Path) -> None:
    registry = registry_of(erp, tmp_path)
    try:
        assert extracts.refresh("erp", registry=registry).status == "ok"
        served, before = current_file(tmp_path), registry.get("erp").row_counts()
        assert served is not None
        digest = checksum(served)
        broken = SourceRegistry({"erp": extract_config(erp, tmp_path)}, "erp")
        broken.configs["erp"] = SourceConfig(  # the ERP's database is gone
            "erp", erp.url.rsplit("/", 1)[0] + "/stocklens_no_such_db", mode="extract",
            extract=registry.configs["erp"].extract)
        failed = extracts.refresh("erp", registry=broken)
        assert failed.status == "failed" and "does not exist" in (failed.error or "")
        broken.configs["erp"] = dataclasses.replace(  # the ERP's table was renamed
            registry.configs["erp"], mapping=parse_mapping({"sales": {"table": "sales_v2"}}))
        unmapped = extracts.refresh("erp", registry=broken)
        assert unmapped.status == "failed"
        assert unmapped.error == "sales: table 'sales_v2' does not exist"
        assert current_file(tmp_path) == served and checksum(served) == digest
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([POINTER, served.name])
        assert registry.get("erp").row_counts() == before
        state = store.state_of("erp")
        assert state is not None and state.status == "failed"
        assert state.error == unmapped.error and state.last_success is not None
    finally:
        registry.dispose()


def test_a_second_refresh_of_a_source_is_refused_while_one_runs(
        erp: ScratchDatabase, tmp_path: Path, state_db: object) -> None:
    """While a refresh is pulling rows, `app.py extract refresh` of the same source in
    another process is refused (exit 1, naming the holder) and publishes nothing."""
    config = tmp_path / "stocklens.yaml"
    config.write_text(yaml.safe_dump({"sources": {"erp": {
        "url": erp.url, "mode": "extract",
        "extract": {"folder": str(tmp_path / "copies"), "chunk_rows": 1000}}}}))
    from data_connectors.config import load_config

    registry = SourceRegistry.from_config(load_config(config))
    other: list[subprocess.CompletedProcess] = []

    def meanwhile(step: str, done: int, total: int) -> None:
        if not other and step == "sales":
            other.append(subprocess.run(
                [sys.executable, "app.py", "extract", "refresh", "--config", str(config)],
                cwd=ROOT, env=server_env(str(state_db)), capture_output=True, text=True,
                timeout=120))

    try:
        outcome = extracts.refresh("erp", progress=meanwhile, registry=registry)
    finally:
        registry.dispose()
    assert outcome.status == "ok", outcome.error
    assert other and other[0].returncode == 1, other
    assert "refresh refused" in other[0].stderr and "already running" in other[0].stderr
    copies = list((tmp_path / "copies").glob("extract-*.duckdb"))
    assert copies == [outcome.result.file] if outcome.result else False
    assert store.take_lock("erp", "test:1") is None  # released by the one that ran


def test_scheduled_refresh_runs_once_across_schedulers(
        erp: ScratchDatabase, tmp_path: Path) -> None:
    """Two servers' scheduler threads (alerts/scheduler.py) tick at the same moment: the
    source's `refresh:` schedule is among their jobs, and its due time runs once."""
    from service import sources

    registry = registry_of(erp, tmp_path)
    registry.configs["erp"] = dataclasses.replace(registry.configs["erp"],
                                                  refresh="0 * * * *")
    sources.use_registry(registry)
    moment = datetime(2026, 12, 6, 10, 0, 5, tzinfo=UTC)
    schedulers = [make_scheduler(lambda: "erp") for _ in range(2)]
    schedulers[1].name = "another-host:1"
    try:
        assert [j for j in schedulers[0].rules() if isinstance(j, RefreshJob)] == \
            [RefreshJob("erp", "0 * * * *")]
        assert [s.run_once(moment) for s in schedulers] == [1, 0]
        for thread in threading.enumerate():  # the refresh runs in a thread of its own
            if thread.name.startswith(THREAD_PREFIX):
                thread.join(timeout=120)
        state = store.state_of("erp")
        assert state is not None and state.status == "ok" and state.refresh == "full"
        assert registry.get("erp").extract_file == current_file(tmp_path)
        assert [s.run_once(moment) for s in schedulers] == [0, 0]  # claimed: not again
    finally:
        registry.dispose()
