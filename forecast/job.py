"""The background job that keeps every source's stored forecasts current.

Forecasting thousands of series takes seconds to minutes, so it never runs in a page
callback: `create_app` starts one daemon thread per process that, shortly after start and
then every CHECK_S seconds, reads each source's data key (its data version, or its last
date for a source without one) and forecasts the sources whose key has no stored run.
An import nudges it at once. Claiming a run in the state database (app_state/forecasts.py)
makes sure one process computes it while the others wait for the result.

`python app.py forecast` runs the same `refresh_source` in the foreground. With several
servers, `python app.py worker` runs the job (and the alert scheduler) in a process of its
own and the web tier sets STOCKLENS_FORECAST_JOB=off; the claims make either way safe.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import date

from app_state.forecasts import (
    ForecastRun,
    claim_run,
    fail_run,
    forget_finished,
    runs_of,
    save_run,
)
from data_connectors.source import Source, SourceError
from forecast.engine import forecast_source
from service import ALL_DATA
from service.queries import read_data_range

log = logging.getLogger("stocklens.forecast")
JOB_ENV = "STOCKLENS_FORECAST_JOB"  # "off" (or 0/false/no) disables the thread
CHECK_S = 60.0
FIRST_DELAY_S = 2.0  # let the server answer its first pages before the CPU is busy


def data_key(source: Source) -> str:
    """What identifies the data a forecast was made from: the data version an import
    wrote, else (a company database) the data's last day."""
    version = source.data_version()
    return f"version:{version}" if version else f"last:{last_day(source)}"


def last_day(source: Source) -> date | None:
    return read_data_range(ALL_DATA, source)[1]  # the job is trusted: it reads all data


def refresh_source(source: Source, force: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> ForecastRun | None:
    """Forecast `source` unless its current data already has stored forecasts (or another
    process is computing them). Returns the stored run, or None when nothing was done.
    `force` recomputes even when the data key has a finished run."""
    key = data_key(source)  # one small read per check: the facts are scanned only below
    if force:
        forget_finished(source.name, key)
    elif any(r.data_key == key and r.status == "done" for r in runs_of(source.name)):
        return None
    last = last_day(source)
    if last is None:
        return None
    run_id = claim_run(source.name, key, last)
    if run_id is None:
        return None
    try:
        found = forecast_source(source, last, progress=progress)
        save_run(run_id, found.pairs, found.paths, found.seconds)
    except Exception as exc:
        fail_run(run_id, f"{type(exc).__name__}: {exc}")
        raise
    log.info("forecast %s: %d series in %.1f s", source.name, len(found.pairs), found.seconds)
    return next((r for r in runs_of(source.name) if r.id == run_id), None)


class ForecastJob:
    """A daemon thread forecasting each source of `sources()` whose data changed."""

    def __init__(self, sources: Callable[[], list[Source]], check_s: float = CHECK_S) -> None:
        self.sources, self.check_s = sources, check_s
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="stocklens-forecast",
                                       daemon=True)

    def start(self) -> ForecastJob:
        self.thread.start()
        return self

    def nudge(self) -> None:
        """Check the sources now (an import wrote new data)."""
        self.wake.set()

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()

    def run_once(self) -> None:
        try:
            sources = self.sources()
        except SourceError as exc:
            log.warning("forecast: sources not readable: %s", exc)
            return
        for source in sources:
            if self.stopped.is_set():
                return
            try:
                refresh_source(source)
            except SourceError as exc:  # down or empty: the next round tries again
                log.warning("forecast %s: source not readable: %s", source.name, exc)
            except Exception:  # a bug must not kill the thread; the run is marked failed
                log.exception("forecast %s failed", source.name)

    def _loop(self) -> None:
        self.wake.wait(FIRST_DELAY_S)
        while not self.stopped.is_set():
            self.wake.clear()
            self.run_once()
            self.wake.wait(self.check_s)


_job: dict[str, ForecastJob] = {}


def job_enabled() -> bool:
    return os.environ.get(JOB_ENV, "on").strip().lower() not in {"0", "off", "false", "no"}


def start_job(sources: Callable[[], list[Source]], force: bool = False) -> ForecastJob | None:
    """Start this process's job once: None when $STOCKLENS_FORECAST_JOB turns it off,
    unless `force` (`python app.py worker` runs it whatever the web tier's setting)."""
    if not (force or job_enabled()):
        return None
    if "job" not in _job:
        _job["job"] = ForecastJob(sources).start()
    return _job["job"]


def nudge() -> None:
    """Tell the running job, if any, that a source's data changed."""
    job = _job.get("job")
    if job is not None:
        job.nudge()
