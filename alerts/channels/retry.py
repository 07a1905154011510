"""Retries with back-off for a failing channel: a robot answering "system busy", an SMTP
server restarting or a network blip should not lose an alert, and hammering a struggling
service would not help it. The delays are injectable so tests run in milliseconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from alerts.message import SendResult

log = logging.getLogger("stocklens.alerts.channels")


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` in all; after the n-th failure wait delays_s[n-1] (the last delay
    repeats if there are more attempts than delays)."""

    attempts: int = 3
    delays_s: tuple[float, ...] = (1.0, 2.0, 4.0)

    def delay(self, failures: int) -> float:
        if not self.delays_s:
            return 0.0
        return self.delays_s[min(failures, len(self.delays_s)) - 1]


DEFAULT_RETRY = RetryPolicy()
NO_RETRY = RetryPolicy(attempts=1, delays_s=())


def send_with_retry(attempt: Callable[[], SendResult], policy: RetryPolicy = DEFAULT_RETRY,
                    sleep: Callable[[float], None] = time.sleep,
                    label: str = "channel") -> SendResult:
    """Call `attempt` until it succeeds or `policy.attempts` are used; the result says
    which attempt it was ("…; attempt 3 of 3"). `label` (already masked) names the
    channel in the log."""
    total = max(1, policy.attempts)
    result = attempt()
    tries = 1
    while not result.ok and tries < total:
        wait = policy.delay(tries)
        log.info("retrying %s in %.3g s after attempt %d of %d: %s", label, wait, tries,
                 total, result.error)
        sleep(wait)
        result = attempt()
        tries += 1
    if total == 1:
        return result
    return replace(result, detail=f"{result.detail}; attempt {tries} of {total}")
