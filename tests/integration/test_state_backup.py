"""`python app.py db export FILE` / `db import FILE`: a populated SQLite state moved to
PostgreSQL arrives row by row (compared by reading both databases directly, every table
and column), people sign in there with their passwords and the wall token works; without
--include-secrets no hash or key leaves the database, and what needs one says so."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dash
import pytest
import sqlalchemy as sa

from app_state.db import STATE_DB_ENV, close_state_engine, open_state_engine
from app_state.schema import full_metadata
from tests.integration.auth_support import csrf_of
from tests.integration.servers import POSTGRES, ScratchDatabase, create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "state-12bb375.sqlite"


def app_py(state: str | Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, input=stdin,
                          env={"PATH": "/usr/bin:/bin", STATE_DB_ENV: str(state)},
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def pg() -> Iterator[ScratchDatabase]:
    db = create_database(POSTGRES)
    try:
        yield db
    finally:
        close_state_engine()
        drop_database(db)


@pytest.fixture
def populated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    """An older release's state (users, tokens, a session, boards, views, thresholds, a
    forecast, an e-mail), upgraded, plus a row in every table that had none."""
    path = tmp_path / "state.sqlite"
    shutil.copyfile(FIXTURE, path)
    path.chmod(0o600)
    facts = json.loads(Path(f"{FIXTURE}.json").read_text())
    assert app_py(path, "db", "upgrade").returncode == 0
    monkeypatch.setenv(STATE_DB_ENV, str(path))
    from app_state import alerts, login_attempts
    from app_state.alerts import RuleState
    from app_state.records import now

    rule_id = alerts.save_rule({"name": "Low stock", "metric": "revenue"}, "alice")
    alerts.set_enabled(rule_id, False)
    alerts.put_state("config:Low stock", "Wang", RuleState("firing", now(), now(), 12.5))
    assert alerts.claim("config:Low stock", datetime(2026, 12, 1, 8, tzinfo=UTC), "vm:1")
    alerts.log_entry("Low stock", "Wang", "firing", "12.5", "webhook hook", True, "sent")
    login_attempts.record_failure("Mallory", "10.0.0.9", 900)
    if find_spec("app_state.forecast_artifacts") is not None:  # a run's named artifacts
        from app_state import forecast_artifacts

        forecast_artifacts.save(1, "state", b"\x00artifact\xff")
    if find_spec("app_state.extracts") is not None:  # an extract's refresh and its lock
        from app_state import extracts

        extracts.record_attempt("erp", now())
        extracts.record_success("erp", datetime(2026, 12, 1, 6, tzinfo=UTC), 1234, 5.5, "full")
        assert extracts.take_lock("erp", "vm:2") is None
    close_state_engine()
    return path, facts


def rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table the code declares, by key, as plain values (datetimes in
    UTC with their zone, binary as bytes): read directly, not through the export."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        if isinstance(value, memoryview):
            return bytes(value)
        return value

    found = {}
    with engine.connect() as conn:
        for table in full_metadata().sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(plain(v) for v in row)
                                 for row in conn.execute(sa.select(table).order_by(*order))]
    return found


def sign_in(app: dash.Dash, name: str, password: str) -> int:
    client = app.server.test_client()
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token}).status_code


def test_a_sqlite_state_moves_to_postgresql_row_by_row(
        populated: tuple[Path, dict], pg: ScratchDatabase, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, app: dash.Dash) -> None:
    path, facts = populated
    export = tmp_path / "state.json"
    done = app_py(path, "db", "export", str(export), "--include-secrets")
    assert done.returncode == 0, done.stderr
    assert "with secrets" in done.stdout
    assert stat.S_IMODE(export.stat().st_mode) == 0o600  # it holds hashes and the key

    moved = app_py(pg.url, "db", "import", str(export))
    assert moved.returncode == 0, moved.stderr
    assert "imported" in moved.stdout and moved.stderr == ""

    source, target = open_state_engine(str(path)), open_state_engine(pg.url)
    try:
        before, after = rows(source), rows(target)
    finally:
        source.dispose()
        target.dispose()
    empty = [name for name, found in before.items() if not found]
    assert empty == []  # every table had something to carry
    for name in before:
        assert after[name] == before[name], name
    assert app_py(pg.url, "db", "current").returncode == 0

    monkeypatch.setenv(STATE_DB_ENV, pg.url)  # the PostgreSQL state in use
    from app_state import alerts, server_secret, sessions, users, views

    assert sign_in(app, "alice", facts["password"]) == 303
    assert sign_in(app, "Wang", facts["password"]) == 303
    wall = app.server.test_client()
    assert wall.get(f"/wall?token={facts['wall_token']}").status_code == 302
    assert wall.get("/wall").status_code == 200
    assert server_secret.stored_secret() == facts["signing_key"]
    assert sessions.live_session(facts["session_id"]) is not None
    assert alerts.email_of(users.get_user("wang").id) == facts["email"]
    biggest = max(r[0] for r in before["views"])
    assert views.save_view("After the move", {"metrics": ["revenue"]}) == biggest + 1


def test_without_secrets_no_hash_or_key_leaves_and_the_import_says_what_to_do(
        populated: tuple[Path, dict], pg: ScratchDatabase, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, app: dash.Dash) -> None:
    path, facts = populated
    source = open_state_engine(str(path))
    with source.connect() as conn:
        hashes = [r[0] for r in conn.execute(sa.text(
            "SELECT password_hash FROM users UNION ALL SELECT token_hash FROM api_tokens "
            "UNION ALL SELECT token_hash FROM wall_tokens UNION ALL SELECT value FROM "
            "server_secrets UNION ALL SELECT id FROM sessions"))]
    source.dispose()
    export = tmp_path / "state.json"
    done = app_py(path, "db", "export", str(export))
    assert done.returncode == 0 and "without secrets" in done.stdout
    text = export.read_text()
    assert hashes and not [h for h in hashes if h in text]
    data = json.loads(text)
    assert data["secrets"] is False and set(data["left_out"]) == {"server_secrets", "sessions"}

    moved = app_py(pg.url, "db", "import", str(export))
    assert moved.returncode == 0, moved.stderr
    assert "2 accounts have no password" in moved.stderr
    assert "users set-password NAME" in moved.stderr
    assert "2 tokens are listed as revoked" in moved.stderr
    monkeypatch.setenv(STATE_DB_ENV, pg.url)
    from app_state.boards import list_boards

    assert [b.name for b in list_boards()] == [facts["board"]]  # the rest came over
    assert sign_in(app, "alice", facts["password"]) == 401
    wall = app.server.test_client().get(f"/wall?token={facts['wall_token']}")
    assert wall.status_code == 401
    assert app_py(pg.url, "users", "set-password", "alice", "--password-stdin",
                  stdin="a new password 2026\n").returncode == 0
    assert sign_in(app, "alice", "a new password 2026") == 303
    listed = app_py(pg.url, "users", "tokens").stdout
    assert "api:1" in listed and "wall:1" in listed and "active" not in listed


def test_an_import_goes_into_an_empty_database_only(populated: tuple[Path, dict],
                                                    pg: ScratchDatabase,
                                                    tmp_path: Path) -> None:
    path, _ = populated
    export = tmp_path / "state.json"
    assert app_py(path, "db", "export", str(export)).returncode == 0
    assert app_py(pg.url, "db", "import", str(export)).returncode == 0
    again = app_py(pg.url, "db", "import", str(export))
    assert again.returncode == 1
    assert "already holds data (" in again.stderr and "users: 2" in again.stderr
    not_ours = tmp_path / "other.json"
    not_ours.write_text('{"hello": 1}')
    refused = app_py(tmp_path / "new.sqlite", "db", "import", str(not_ours))
    assert refused.returncode == 1
    assert "is not a StockLens state export" in refused.stderr
    future = json.loads(export.read_text())
    future["revision"] = "9999"
    (tmp_path / "future.json").write_text(json.dumps(future))
    newer = app_py(tmp_path / "new2.sqlite", "db", "import", str(tmp_path / "future.json"))
    assert newer.returncode == 1 and "revision 9999, which this StockLens does not know" \
        in newer.stderr
