"""The state database's schema by revision (app_state/migrate.py, Alembic).

- State files made by releases before Alembic (tests/fixtures/state-*.sqlite, built with
  tests/fixtures/build_release_state.py from those releases' own code) upgrade with
  nothing lost: every row stays, people sign in with their passwords, the API and wall
  tokens work, boards, views, thresholds, forecasts, the signing key (and, from the
  release that has them, live sessions and e-mail addresses) are there.
- A SQLite file is upgraded by the process that opens it; a PostgreSQL state behind the
  code is refused with one line telling to run `db upgrade`; one ahead of it is refused.
- After every path (new SQLite, new PostgreSQL, upgraded old files) the schema is exactly
  the tables the code declares (alembic's comparison finds nothing).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dash
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask.testing import FlaskClient

from app_state import migrate
from app_state.db import STATE_DB_ENV, close_state_engine, open_state_engine, state_engine
from app_state.schema import full_metadata
from tests.integration.auth_support import csrf_of
from tests.integration.servers import POSTGRES, ScratchDatabase, create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
RELEASES = ["811f488", "12bb375"]


def app_py(state: str | Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", STATE_DB_ENV: str(state)}
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120)


def row_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def schema_differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        found = compare_metadata(context, full_metadata())
    return [d for d in found if not (d[0] == "remove_table" and d[1].name == "alembic_version")]


@pytest.fixture
def scratch_pg() -> Iterator[ScratchDatabase]:
    db = create_database(POSTGRES)
    try:
        yield db
    finally:
        close_state_engine()
        drop_database(db)


def old_state(release: str, tmp_path: Path) -> tuple[Path, dict]:
    path = tmp_path / f"state-{release}.sqlite"
    shutil.copyfile(FIXTURES / f"state-{release}.sqlite", path)
    path.chmod(0o600)
    facts = json.loads((FIXTURES / f"state-{release}.sqlite.json").read_text())
    return path, facts


def sign_in(client: FlaskClient, name: str, password: str) -> int:
    token = csrf_of(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token, "next": "/"}).status_code


@pytest.mark.parametrize("release", RELEASES)
def test_a_state_file_of_an_older_release_upgrades_with_nothing_lost(
        release: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app: dash.Dash) -> None:
    path, facts = old_state(release, tmp_path)
    before = row_counts(path)
    assert sorted(before) == facts["tables"]

    current = app_py(path, "db", "current")
    assert current.returncode == 1 and "no StockLens schema" in current.stdout
    done = app_py(path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert f"upgraded from (no schema) to {migrate.head()}" in done.stdout
    assert app_py(path, "db", "current").returncode == 0

    after = row_counts(path)
    assert {n: after[n] for n in before} == before  # every row of every table is there
    assert after["alembic_version"] == 1
    engine = open_state_engine(str(path))
    try:
        assert schema_differences(engine) == []
    finally:
        engine.dispose()

    monkeypatch.setenv(STATE_DB_ENV, str(path))
    from app_state import boards, forecasts, server_secret, thresholds, users, views
    from metrics.registry import Thresholds

    # people sign in with the passwords they had
    for name in facts["users"]:
        client = app.server.test_client()
        assert sign_in(client, name, facts["password"]) == 303
        assert client.get("/").status_code == 200
    assert sign_in(app.server.test_client(), "alice", "not the password") == 401
    # the API token and the wall token work
    api = app.server.test_client().get(
        "/api/v1/metrics", headers={"Authorization": f"Bearer {facts['api_token']}"})
    assert api.status_code == 200
    wall = app.server.test_client()
    assert wall.get(f"/wall?token={facts['wall_token']}").status_code == 302
    assert wall.get("/wall").status_code == 200
    # boards, views, thresholds, forecasts and the signing key are there
    assert [b.name for b in boards.list_boards()] == [facts["board"]]
    board = boards.get_board(facts["board_id"])
    assert board.filters == {"region": ["East"]}
    assert [(t.view_name, t.width, t.height) for t in board.tiles] == [
        ("Revenue by region", 8, 2), ("Turnover by month", 4, 1)]
    assert [v.name for v in views.list_views()] == facts["views"]
    assert views.list_views()[0].spec["metrics"] == ["revenue", "gross_margin"]
    loaded = thresholds.load_threshold_set()
    assert loaded.global_overrides == {"turnover_days": Thresholds(30.0, 50.0)}
    assert loaded.category_overrides == {"Snacks": {"sell_through": Thresholds(0.75, 0.55)}}
    run = forecasts.latest_run("demo")
    assert run is not None and run.series == 2
    frame, paths = forecasts.load_series(run.id)
    assert list(frame["sku_id"]) == ["S1", "S2"] and paths.shape == (2, 3)
    assert server_secret.stored_secret() == facts["signing_key"]
    wang = users.get_user("wang")
    assert wang is not None and wang.scope == {"region": ["East"]}
    if "session_id" in facts:  # the release had server-side sessions and e-mail addresses
        from app_state import alerts, sessions

        assert sessions.live_session(facts["session_id"]) is not None
        assert alerts.email_of(wang.id) == facts["email"]
    # new rows get new ids (the counters survived), and names stay unique in any case
    assert views.save_view("Another", {"metrics": ["revenue"]}) == 3
    with pytest.raises(users.UserError, match="already a user"):
        users.add_user("ALICE", "admin", "x")


def test_a_server_opening_an_old_sqlite_file_upgrades_it_itself(tmp_path: Path,
                                                                monkeypatch) -> None:
    path, facts = old_state(RELEASES[0], tmp_path)
    monkeypatch.setenv(STATE_DB_ENV, str(path))
    engine = state_engine()  # what serve, gunicorn and every command do first
    assert migrate.current(engine) == migrate.head()
    from app_state.users import list_users

    assert sorted(u.name for u in list_users()) == sorted(facts["users"])


def test_new_databases_get_exactly_the_declared_schema(tmp_path: Path,
                                                       scratch_pg: ScratchDatabase) -> None:
    for url in (str(tmp_path / "new.sqlite"), scratch_pg.url):
        engine = open_state_engine(url)
        try:
            migrate.upgrade(engine)
            assert migrate.current(engine) == migrate.head()
            assert schema_differences(engine) == []
        finally:
            engine.dispose()


def test_every_table_declared_anywhere_is_in_the_schema_list_and_has_a_revision(
        tmp_path: Path) -> None:
    """A table declared on the state's metadata by any module (app_state/ or elsewhere,
    e.g. forecast/store.py) must be listed in app_state/schema.py and made by a revision:
    otherwise a new database would lack it."""
    import importlib
    import pkgutil

    from app_state.db import metadata

    listed = set(full_metadata().tables)
    for package in ("app_state", "forecast", "alerts", "service", "auth", "api", "cli",
                    "exports", "web", "metrics", "data_connectors"):
        module = importlib.import_module(package)
        for found in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in found.name:
                importlib.import_module(found.name)
    assert set(metadata.tables) == listed
    engine = open_state_engine(str(tmp_path / "new.sqlite"))
    try:
        migrate.upgrade(engine)
        made = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()
    assert made == listed


def test_postgresql_names_are_unique_in_any_case_and_accents_count(
        scratch_pg: ScratchDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    assert app_py(scratch_pg.url, "db", "upgrade").returncode == 0
    monkeypatch.setenv(STATE_DB_ENV, scratch_pg.url)
    from app_state.records import InvalidName
    from app_state.views import get_view, list_views, save_view

    first = save_view("Stock by Region", {"metrics": ["revenue"]})
    with pytest.raises(InvalidName):
        save_view("STOCK BY REGION", {"metrics": ["revenue"]})
    save_view("Café", {"metrics": ["revenue"]})
    save_view("Cafe", {"metrics": ["revenue"]})  # another name: accents are not case
    assert get_view(first).name == "Stock by Region"
    assert [v.name for v in list_views()] == ["Cafe", "Café", "Stock by Region"]


def test_a_postgresql_state_behind_the_code_is_refused_at_start(
        scratch_pg: ScratchDatabase, tmp_path: Path, demo_db: Path) -> None:
    for attempt in ("empty", "behind"):
        if attempt == "behind":
            engine = open_state_engine(scratch_pg.url)
            migrate.upgrade(engine, "0001")
            engine.dispose()
        for command in (["serve", "--db", str(demo_db)], ["users", "list"],
                        ["worker", "--once", "--db", str(demo_db)]):
            done = app_py(scratch_pg.url, *command)
            assert done.returncode == 1, (command, done.stdout, done.stderr)
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1, done.stderr
            assert lines[0].startswith("error: the state database postgresql+psycopg://")
            assert "run `python app.py db upgrade`" in lines[0]
            assert ("is at revision 0001" if attempt == "behind"
                    else "has no StockLens schema yet") in lines[0]
    gunicorn = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", "127.0.0.1:0",
         "app:server"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", STATE_DB_ENV: scratch_pg.url,
             "STOCKLENS_DB": str(demo_db)})
    assert gunicorn.returncode != 0
    assert "run `python app.py db upgrade`" in gunicorn.stderr
    assert "Traceback" not in gunicorn.stderr
    done = app_py(scratch_pg.url, "db", "upgrade")
    assert done.returncode == 0 and "upgraded from 0001 to" in done.stdout
    assert app_py(scratch_pg.url, "users", "list").returncode == 0


def test_a_state_of_a_newer_release_is_refused(tmp_path: Path,
                                               scratch_pg: ScratchDatabase) -> None:
    for url in (str(tmp_path / "newer.sqlite"), scratch_pg.url):
        engine = open_state_engine(url)
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        for command in (["users", "list"], ["db", "upgrade"]):
            done = app_py(url, *command)
            assert done.returncode == 1
            assert "at revision 9999, which this StockLens does not know" in done.stderr
            assert "made by a newer release" in done.stderr


def test_a_database_with_other_tables_of_our_names_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "foreign.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT)")
    con.commit()
    con.close()
    done = app_py(path, "db", "upgrade")
    assert done.returncode == 1
    assert "table users has the columns id, login" in done.stderr
    assert "not a StockLens state database" in done.stderr
    assert row_counts(path) == {"users": 0}  # nothing created, nothing stamped


def test_two_hosts_upgrading_one_postgresql_state_at_once_both_succeed(
        scratch_pg: ScratchDatabase) -> None:
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: app_py(scratch_pg.url, "db", "upgrade"), range(3)))
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    assert sum("upgraded from (no schema)" in r.stdout for r in results) == 1
    assert app_py(scratch_pg.url, "db", "current").returncode == 0


def test_db_history_lists_the_revisions(tmp_path: Path) -> None:
    done = app_py(tmp_path / "any.sqlite", "db", "history")
    assert done.returncode == 0
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("0001  The state database as releases before Alembic")
    assert lines[-1].startswith(f"{migrate.head()} (head)")
