"""Login rate limiting: at most 5 failed logins per name and address in 15 minutes, and
at most 30 per address whatever the names (one address trying many names).

The counts live in the app-state database (app_state/login_attempts.py), shared by all
server processes. A login first *claims* its attempt (`claim`): checking the limits and
recording the attempt is one step under the database's write lock, so 16 parallel
guesses for one name get 5 password checks, not 16 (checking first and recording after
the slow password hash let every parallel request pass the check). While a limit is
reached the password is not even checked — so a locked-out guesser learns nothing — and
the refused attempt is not counted, so the wait ends 15 minutes after the failure that
started it instead of being prolonged forever by whoever keeps trying. A successful
login forgets its name's failures from that address (its own claimed attempt included).

Kept here rather than a library such as Flask-Limiter: that counts requests per key in
memory or Redis, while the rule here counts failed logins per name *and* per address,
must forget a name's failures on success, and must be shared through the one database
every worker already has.
"""

from __future__ import annotations

import math
import time

from sqlalchemy import Engine

from app_state import login_attempts

WINDOW_S = 15 * 60
PER_NAME_AND_IP = 5
PER_IP = 30


def claim(name: str, ip: str, engine: Engine | None = None,
          at: float | None = None) -> int | None:
    """Before checking a password: None when this attempt may go on (it is now counted,
    as a failure until `note_success`), else the seconds to wait (nothing counted)."""
    left = login_attempts.claim(name, ip, WINDOW_S, PER_NAME_AND_IP, PER_IP, engine, at)
    return None if left is None else max(1, math.ceil(left))


def retry_after(name: str, ip: str, engine: Engine | None = None,
                at: float | None = None) -> int | None:
    """Seconds until this name may try again from this address; None: it may now. (A
    look only: a login uses `claim`, which also counts the attempt.)"""
    moment = time.time() if at is None else at
    waits = []
    for key, limit in ((name, PER_NAME_AND_IP), (None, PER_IP)):
        count, oldest = login_attempts.failures(key, ip, WINDOW_S, engine, moment)
        if count >= limit and oldest is not None:
            waits.append(max(1, math.ceil(oldest + WINDOW_S - moment)))
    return max(waits) if waits else None


def note_failure(name: str, ip: str, engine: Engine | None = None,
                 at: float | None = None) -> None:
    """Count a failure outside `claim` (tests, tools)."""
    login_attempts.record_failure(name, ip, WINDOW_S, engine, at)


def note_success(name: str, ip: str, engine: Engine | None = None) -> None:
    login_attempts.clear_failures(name, ip, engine)


def minutes(seconds: int) -> int:
    """A wait as whole minutes for people (never "0 minutes")."""
    return max(1, math.ceil(seconds / 60))
