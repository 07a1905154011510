"""The app-state database holds password hashes and the session signing key: StockLens
creates it, its WAL and shared-memory files and its lock file with mode 0600, whatever
the umask."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from app_state.db import STATE_DB_ENV, state_engine
from app_state.server_secret import stored_secret


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_state_database_and_its_side_files_are_created_private(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int) -> None:
    path = tmp_path / "fresh" / "state.sqlite"
    monkeypatch.setenv(STATE_DB_ENV, str(path))
    before = os.umask(umask)
    try:
        stored_secret()  # creates the file and the tables, writes the key (WAL mode)
        with state_engine().connect() as conn:  # a connection open: -wal and -shm stay
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.lock")]
            assert all(f.exists() for f in files)
            assert {f.name: oct(mode(f)) for f in files} == {f.name: "0o600" for f in files}
    finally:
        os.umask(before)


def test_an_existing_database_others_can_read_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "state.sqlite"
    path.touch()
    path.chmod(0o644)
    monkeypatch.setenv(STATE_DB_ENV, str(path))
    with caplog.at_level(logging.WARNING, logger="app_state.db"):
        stored_secret()
    assert any("readable by other users (mode 644)" in r.getMessage()
               and "chmod 600" in r.getMessage() for r in caplog.records)
