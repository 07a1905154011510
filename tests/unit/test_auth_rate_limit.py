"""Login rate limiting is shared by server processes through the state database: two
engines on one state database (a SQLite file, or PostgreSQL with STOCKLENS_TEST_STATE_DB)
stand for two gunicorn workers."""

from __future__ import annotations

from pathlib import Path

from app_state.db import open_state_engine, state_engine
from auth import rate_limit


def _worker(state_db: Path | str):
    state_engine()  # the schema, made (or checked) once
    return open_state_engine(str(state_db))


def test_failures_counted_by_one_worker_lock_out_in_the_other(state_db: Path) -> None:
    a, b = _worker(state_db), _worker(state_db)
    now = 1_000_000.0
    for i in range(3):
        rate_limit.note_failure("Alice", "10.0.0.1", engine=a, at=now + i)
    for i in range(2):
        rate_limit.note_failure("alice", "10.0.0.1", engine=b, at=now + 10 + i)
    # 5 failures of "alice" (any case) from that address, across both workers: locked
    for engine in (a, b):
        wait = rate_limit.retry_after("ALICE", "10.0.0.1", engine=engine, at=now + 60)
        assert wait == rate_limit.WINDOW_S - 60  # until the first failure is 15 min old
    assert rate_limit.minutes(wait) == 14
    # another address, another name: unaffected
    assert rate_limit.retry_after("alice", "10.0.0.2", engine=a, at=now + 60) is None
    assert rate_limit.retry_after("bob", "10.0.0.1", engine=b, at=now + 60) is None
    # the window passes: free again
    assert rate_limit.retry_after("alice", "10.0.0.1", engine=a,
                                  at=now + rate_limit.WINDOW_S + 1) is None
    a.dispose()
    b.dispose()


def test_one_address_trying_many_names_is_limited_too(state_db: Path) -> None:
    a, b = _worker(state_db), _worker(state_db)
    now = 2_000_000.0
    for i in range(rate_limit.PER_IP):
        rate_limit.note_failure(f"user{i}", "10.9.9.9", engine=(a, b)[i % 2], at=now + i)
    assert rate_limit.retry_after("someone-else", "10.9.9.9", engine=a, at=now + 100)
    assert rate_limit.retry_after("someone-else", "10.9.9.8", engine=a, at=now + 100) is None
    a.dispose()
    b.dispose()


def test_success_forgets_the_failures_and_old_rows_are_pruned(state_db: Path) -> None:
    from sqlalchemy import func, select

    from app_state.login_attempts import login_attempts

    a = _worker(state_db)
    now = 3_000_000.0
    for i in range(4):
        rate_limit.note_failure("carol", "10.0.0.3", engine=a, at=now + i)
    rate_limit.note_success("Carol", "10.0.0.3", engine=a)
    assert rate_limit.retry_after("carol", "10.0.0.3", engine=a, at=now + 5) is None
    rate_limit.note_failure("dave", "10.0.0.4", engine=a, at=now)
    rate_limit.note_failure("dave", "10.0.0.4", engine=a, at=now + 2 * rate_limit.WINDOW_S)
    with a.connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_attempts)).scalar() == 1
    a.dispose()
