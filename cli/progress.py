"""A tqdm progress bar behind the library's Progress callback, shown only on a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


class TerminalProgress:
    """Callable as data_connectors.progress.Progress; draws one bar on stderr if it is a TTY."""

    def __init__(self, title: str) -> None:
        self._title = title
        self._bar: tqdm | None = None
        self._enabled = sys.stderr.isatty()

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            self._bar = tqdm(total=total, desc=self._title, unit="step", leave=False)
        self._bar.total = total
        self._bar.set_postfix_str(step, refresh=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
