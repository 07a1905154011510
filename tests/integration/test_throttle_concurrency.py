"""Login throttling holds under concurrency, over real HTTP: 16 wrong passwords for one
name posted at the same moment, split between two server processes sharing one state
database, get exactly 5 password checks (the limit) and 11 refusals; 16 names tried at
once from an address that already has 25 failures get 5 checks (the per-address cap of
30). The checks are counted from the audit log, whose "wrong password" / "unknown user"
rows are written only after a password was hashed and compared."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete, func, select

from app_state.audit_log import last_entries
from app_state.db import STATE_DB_ENV, state_engine
from app_state.login_attempts import login_attempts
from auth import rate_limit
from tests.integration import live_server
from tests.integration.live_server import LiveServer, csrf_in

PARALLEL = 16
ADDRESS = "127.0.0.1"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory,
            demo_db: Path) -> Iterator[list[LiveServer]]:
    """Two server processes (two workers, or two servers) on one state database."""
    folder = tmp_path_factory.mktemp("throttle")
    state = folder / "state.sqlite"
    live_server.add_account(state, "max", "manager", "region=East")
    running: list[LiveServer] = []
    try:
        for n in range(2):
            running.append(live_server.serve(state, demo_db, folder / f"server{n}.log"))
        yield running
    finally:
        for server in running:
            server.stop()


@pytest.fixture(autouse=True)
def _fresh_attempts(servers: list[LiveServer], monkeypatch: pytest.MonkeyPatch) -> None:
    """The servers' state database, with no failed login counted yet."""
    monkeypatch.setenv(STATE_DB_ENV, str(servers[0].state_db))
    with state_engine().begin() as conn:
        conn.execute(delete(login_attempts))


def attempts_from(address: str) -> int:
    with state_engine().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(login_attempts)
                                .where(login_attempts.c.ip == address)).scalar_one())


def post_together(servers: list[LiveServer], names: list[str]) -> list[int]:
    """Each name's wrong login posted from its own browser, all released at once (after
    each has its login page and CSRF token), alternating between the servers."""
    start = threading.Barrier(len(names))

    def attempt(i: int) -> int:
        base = servers[i % len(servers)].url
        browser = requests.Session()
        token = csrf_in(browser.get(base + "/login", timeout=60).text)
        start.wait(timeout=120)
        response = browser.post(base + "/login", timeout=120, allow_redirects=False,
                                data={"name": names[i], "password": "not the password",
                                      "csrf_token": token})
        return response.status_code

    with ThreadPoolExecutor(len(names)) as pool:
        return list(pool.map(attempt, range(len(names))))


def checks(prefix: str) -> Counter[str]:
    """Reasons of the failed logins of names starting with `prefix`, counted."""
    return Counter(e.detail.split(": ", 1)[1] for e in last_entries(1000, "login_failed")
                   if e.detail.startswith(f"name '{prefix}"))


def test_parallel_wrong_passwords_for_one_name_check_at_most_the_limit(
        servers: list[LiveServer]) -> None:
    statuses = post_together(servers, ["max"] * PARALLEL)
    assert Counter(statuses) == {401: rate_limit.PER_NAME_AND_IP,
                                 429: PARALLEL - rate_limit.PER_NAME_AND_IP}
    assert checks("max'") == {"wrong password": rate_limit.PER_NAME_AND_IP,
                              "rate limited": PARALLEL - rate_limit.PER_NAME_AND_IP}
    assert attempts_from(ADDRESS) == rate_limit.PER_NAME_AND_IP


def test_parallel_names_from_one_address_stay_within_its_cap(
        servers: list[LiveServer]) -> None:
    seeded = rate_limit.PER_IP - 5
    for i in range(seeded):
        rate_limit.note_failure(f"seed{i}", ADDRESS)
    statuses = post_together(servers, [f"guess{i}" for i in range(PARALLEL)])
    left = rate_limit.PER_IP - seeded
    assert Counter(statuses) == {401: left, 429: PARALLEL - left}
    assert checks("guess") == {"unknown user": left, "rate limited": PARALLEL - left}
    assert attempts_from(ADDRESS) == rate_limit.PER_IP
