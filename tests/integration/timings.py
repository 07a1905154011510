"""Wall time spent per engine by the engine-parity tests, and how the two-host deployment
test made its hosts, shown in pytest's summary.

A module of its own because pytest imports conftest.py under a different module name than
the tests would: state shared between a test and a conftest hook must live elsewhere."""

from __future__ import annotations

ENGINE_TIMINGS: dict[str, float] = {}


def record(engine: str, seconds: float) -> None:
    ENGINE_TIMINGS[engine] = ENGINE_TIMINGS.get(engine, 0.0) + seconds


DEPLOYMENTS: list[str] = []  # test_two_hosts.py: "two network namespaces (…)" or the fallback
