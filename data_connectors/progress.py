"""Progress reporting for long work (demo data, import), independent of any terminal.

Library code calls a `Progress` callback; the CLI turns it into a tqdm bar on a terminal
and tests pass nothing, so the library never prints.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called with the step being worked on and how far the whole job is (done of total)."""

    def __call__(self, step: str, done: int, total: int) -> None: ...


def no_progress(step: str, done: int, total: int) -> None:
    """The default callback: report nothing."""
