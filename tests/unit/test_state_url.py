"""Where the state database is: $STOCKLENS_STATE_DB, else `state_db:` in the config file,
else data/stocklens-state.sqlite; a URL or a plain path (a SQLite file, as before)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app_state import db


@pytest.fixture
def no_state_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv(db.STATE_DB_ENV, raising=False)
    monkeypatch.delenv("STOCKLENS_CONFIG", raising=False)
    monkeypatch.setattr(db.paths, "DATA_DIR", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_plain_path_is_a_sqlite_file_relative_to_where_it_is_given(
        no_state_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert db.state_path() == no_state_env / "data" / "stocklens-state.sqlite"
    monkeypatch.setenv(db.STATE_DB_ENV, "state/here.sqlite")
    assert db.state_path() == no_state_env / "state" / "here.sqlite"
    assert db.state_url().get_backend_name() == "sqlite"
    monkeypatch.setenv(db.STATE_DB_ENV, "sqlite:///rel.sqlite")
    assert db.state_path() == no_state_env / "rel.sqlite"
    monkeypatch.setenv(db.STATE_DB_ENV, "sqlite:////abs/x.sqlite")
    assert db.state_path() == Path("/abs/x.sqlite")


def test_a_server_url_has_no_file_and_its_key_hides_the_password(
        no_state_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.STATE_DB_ENV, "postgresql+psycopg://bi:s3cret@db.lan:5432/state")
    assert db.state_path() is None
    assert db.state_key() == "postgresql+psycopg://bi:***@db.lan:5432/state"
    assert db.state_url().password == "s3cret"


def test_the_config_file_s_state_db_applies_unless_the_environment_says(
        no_state_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = no_state_env / "etc"
    folder.mkdir()
    config = folder / "stocklens.yaml"
    config.write_text("sources: {demo: {url: 'duckdb:///x.duckdb'}}\n"
                      "state_db: ${STATE_DIR:-var}/state.sqlite\n", encoding="utf-8")
    monkeypatch.setenv("STOCKLENS_CONFIG", str(config))
    assert db.state_path() == folder / "var" / "state.sqlite"  # relative to the file
    monkeypatch.setenv("STATE_DIR", "/srv/stocklens")
    config.write_text("state_db: postgresql+psycopg://app@db.lan/state\n", encoding="utf-8")
    os.utime(config, (1, 1))  # a changed file is read again
    assert db.state_key() == "postgresql+psycopg://app@db.lan/state"
    monkeypatch.setenv(db.STATE_DB_ENV, "elsewhere.sqlite")
    assert db.state_path() == no_state_env / "elsewhere.sqlite"


@pytest.mark.parametrize(("value", "message"), [
    ("mysql+pymysql://root@127.0.0.1/state", "must be SQLite or PostgreSQL, not mysql"),
    ("postgresql+psycopg:/postgres@127.0.0.1/state", "is not a SQLAlchemy URL"),
    ("nosuchdriver://x/y", "must be SQLite or PostgreSQL, not nosuchdriver"),
    ("://nothing", "not a SQLAlchemy URL or a path"),
    ("postgresql://u@h:port/db", "not a SQLAlchemy URL or a path"),
])
def test_an_unusable_url_is_refused_in_one_line(no_state_env: Path, value: str, message: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(db.STATE_DB_ENV, value)
    with pytest.raises(db.StateUrlError, match=message) as raised:
        db.state_url()
    assert "\n" not in str(raised.value)
    assert str(raised.value).startswith("$STOCKLENS_STATE_DB: ")
