"""Extract mode when the ERP's database goes away (issue 21), against a real server
(`app.py serve --config`, over HTTP) and the real CLI: the pages, the Sources page and the
API keep answering from the last copy with its "as of" time, and a refresh reports the
failure without touching the copy (same file, same bytes, same numbers)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
import yaml

from data_connectors.extract_files import current_file
from tests.integration.auth_support import router_body
from tests.integration.dash_calls import call
from tests.integration.extract_support import LAST_DAY, checksum, loaded_database
from tests.integration.live_server import LiveServer, cli, free_port, start
from tests.integration.servers import POSTGRES, ScratchDatabase, admin_engine, drop_database

QUERY = {"metrics": ["revenue", "units_sold", "turnover_days", "sell_through"],
         "start": "2025-01-01", "end": LAST_DAY.isoformat(), "by": ["region"]}
AS_OF = re.compile(r"Extract as of (\d{4}-\d\d-\d\d \d\d:\d\d) UTC")


def rename(db_name: str, new_name: str) -> None:
    """Stop serving the database under its name (what an ERP outage looks like to us)."""
    engine = admin_engine(POSTGRES)
    with engine.connect() as con:
        con.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": db_name})
        con.execute(sa.text(f'ALTER DATABASE "{db_name}" RENAME TO "{new_name}"'))
    engine.dispose()


@pytest.fixture
def erp() -> Iterator[ScratchDatabase]:
    db = loaded_database()
    yield db
    drop_database(db)
    drop_database(ScratchDatabase(db.server, db.name + "_gone"))


@pytest.fixture
def served(erp: ScratchDatabase, tmp_path: Path, state_db: Path) -> Iterator[tuple[Path, Path,
                                                                                   LiveServer]]:
    """The config, the copies' folder, and a server on them after a first refresh."""
    folder = tmp_path / "copies"
    config = tmp_path / "stocklens.yaml"
    config.write_text(yaml.safe_dump({"sources": {"erp": {
        "url": erp.url, "mode": "extract", "extract": {"folder": str(folder)}}}}))
    first = cli(state_db, "extract", "refresh", "--config", str(config))
    assert first.returncode == 0, first.stderr
    port = free_port()
    server = start([sys.executable, "app.py", "serve", "--port", str(port), "--config",
                    str(config)], state_db, tmp_path / "server.log", port)
    yield config, folder, server
    server.stop()


def page_text(base: str, path: str) -> str:
    answer = requests.post(base + "/_dash-update-component", json=router_body(path),
                           timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return flatten(answer.json())


def flatten(node: Any) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "\n".join(flatten(n) for n in node)
    if isinstance(node, dict):
        return "\n".join(flatten(v) for v in node.values())
    return ""


def sources_page(base: str) -> str:
    answer = call(requests.Session(), base, "sources-cards.children", "sources-recheck.n_clicks",
                  {"sources-recheck.n_clicks": None, "sources-lang.data": "en"})
    return flatten(answer)


def api_rows(base: str) -> dict[str, Any]:
    answer = requests.post(base + "/api/v1/query", json=QUERY, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()


def test_pages_keep_the_last_extract_when_the_source_database_is_gone(
        erp: ScratchDatabase, served: tuple[Path, Path, LiveServer], state_db: Path) -> None:
    config, folder, server = served
    before = api_rows(server.url)
    assert before["rows"] and before["data_as_of"]
    board = page_text(server.url, "/")
    shown = AS_OF.search(board)
    assert shown, "the navbar shows the extract's as-of time"
    assert before["data_as_of"].replace("T", " ").startswith(shown.group(1))
    copy = current_file(folder)
    assert copy is not None
    digest = checksum(copy)

    rename(erp.name, erp.name + "_gone")

    for path in ("/", "/ageing", "/slow-movers"):
        text = page_text(server.url, path)
        assert f"Extract as of {shown.group(1)} UTC" in text, path
    after = api_rows(server.url)
    assert after["rows"] == before["rows"] and after["data_as_of"] == before["data_as_of"]

    failed = cli(state_db, "extract", "refresh", "--config", str(config))
    assert failed.returncode == 1
    assert "refresh failed" in failed.stderr and "does not exist" in failed.stderr
    assert current_file(folder) == copy and checksum(copy) == digest
    assert api_rows(server.url)["rows"] == before["rows"]
    card = sources_page(server.url)
    assert "Reachable" in card and f"Data as of {shown.group(1)} UTC" in card
    assert "The last refresh failed" in card and "does not exist" in card
    status = cli(state_db, "extract", "status", "--config", str(config))
    assert status.returncode == 0 and "erp: failed" in status.stdout
