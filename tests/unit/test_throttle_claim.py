"""rate_limit.claim: the check against the limits and the record of the attempt are one
step under the state database's write lock. Two engines on one state database (a SQLite
file, or PostgreSQL with STOCKLENS_TEST_STATE_DB) stand for two workers; threads claim at
the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from app_state.db import open_state_engine, state_engine
from app_state.login_attempts import login_attempts
from auth import rate_limit


def _worker(state_db: Path | str):
    state_engine()  # the schema, made (or checked) once
    return open_state_engine(str(state_db))


def _rows(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(login_attempts)).scalar())


def test_a_claim_counts_the_attempt_and_a_refused_one_counts_nothing(state_db: Path) -> None:
    a = _worker(state_db)
    now = 5_000_000.0
    for i in range(rate_limit.PER_NAME_AND_IP):
        assert rate_limit.claim("Eve", "10.0.0.5", engine=a, at=now + i) is None
    assert _rows(a) == rate_limit.PER_NAME_AND_IP
    wait = rate_limit.claim("eve", "10.0.0.5", engine=a, at=now + 60)
    assert wait == rate_limit.WINDOW_S - 60  # until the first attempt leaves the window
    assert _rows(a) == rate_limit.PER_NAME_AND_IP  # the refused one is not counted
    assert rate_limit.claim("eve", "10.0.0.6", engine=a, at=now + 60) is None  # elsewhere
    rate_limit.note_success("EVE", "10.0.0.5", engine=a)  # a success forgets them
    assert rate_limit.claim("eve", "10.0.0.5", engine=a, at=now + 61) is None
    a.dispose()


def test_parallel_claims_in_two_workers_pass_exactly_the_limit(state_db: Path) -> None:
    workers = [_worker(state_db), _worker(state_db)]
    parallel = 16
    start = threading.Barrier(parallel)

    def claim(i: int) -> int | None:
        start.wait(timeout=60)
        return rate_limit.claim("mallory", "10.0.0.7", engine=workers[i % 2])

    with ThreadPoolExecutor(parallel) as pool:
        answers = list(pool.map(claim, range(parallel)))
    assert sum(a is None for a in answers) == rate_limit.PER_NAME_AND_IP
    assert all(a is None or 0 < a <= rate_limit.WINDOW_S for a in answers)
    assert _rows(workers[0]) == rate_limit.PER_NAME_AND_IP

    names = [f"name{i}" for i in range(rate_limit.PER_IP + 10)]
    start = threading.Barrier(len(names))

    def claim_name(i: int) -> int | None:
        start.wait(timeout=60)
        return rate_limit.claim(names[i], "10.0.0.8", engine=workers[i % 2])

    with ThreadPoolExecutor(len(names)) as pool:
        answers = list(pool.map(claim_name, range(len(names))))
    assert sum(a is None for a in answers) == rate_limit.PER_IP
    for worker in workers:
        worker.dispose()
