"""The background job that keeps every source's stored forecasts current.

Forecasting thousands of series takes seconds to minutes, so it never runs in a page
callback: `create_app` starts one daemon thread per process (or `python app.py worker`
runs it apart from the web servers) that, shortly after start and then every CHECK_S
seconds, reads each source's data key (its data version, or its last date for a source
without one) and forecasts the sources whose key has no stored run. An import nudges it
at once. Claiming a run in the state database (app_state/forecasts.py) makes sure one
process computes it while the others wait for the result. In a web process the thread
lowers its own CPU priority (JOB_NICE), so requests come first.

A run (forecast/refit.py) reads only the new days when the data just moved on, forecasts
every series, measures the forecast's lead-time error and quality on past origins, and
stores the paths (app_state/forecasts.py) with its artifacts (forecast/store.py). Then,
when the last replay is REPLAY_EVERY_DAYS of data old or missing, the policy replay
(forecast/replay.py) runs and is stored with the run: the page shows the forecasts first.

`python app.py forecast` runs the same `refresh_source` in the foreground.
"""

from __future__ import annotations

import contextlib
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
    latest_run,
    runs_of,
    save_run,
)
from data_connectors.source import Source, SourceError
from forecast import store
from forecast.refit import RunResult, run_forecasts
from service import ALL_DATA
from service.queries import read_data_range

log = logging.getLogger("stocklens.forecast")
JOB_ENV = "STOCKLENS_FORECAST_JOB"  # "off" (or 0/false/no) disables the thread
REPLAY_ENV = "STOCKLENS_FORECAST_REPLAY"  # "off" leaves the policy replay out of the job
CHECK_S = 60.0
FIRST_DELAY_S = 2.0  # let the server answer its first pages before the CPU is busy
JOB_NICE = 10
REPLAY_EVERY_DAYS = 7


def data_key(source: Source) -> str:
    """What identifies the data a forecast was made from: the data version an import
    wrote, else (a company database) the data's last day."""
    version = source.data_version()
    return f"version:{version}" if version else f"last:{last_day(source)}"


def last_day(source: Source) -> date | None:
    return read_data_range(ALL_DATA, source)[1]  # the job is trusted: it reads all data


def series_artifact(result: RunResult) -> bytes:
    """Per series what the plan needs besides the stored columns: class, model key, the
    error of the level, the spread of demand."""
    pairs = result.found.pairs
    return store.pack_frame(pairs[["sku_id", "location_id", "klass", "model", "level",
                                   "sigma_level", "sigma_demand"]].reset_index(drop=True))


def state_artifact(result: RunResult) -> bytes:
    """The model choice, the lead-time error calibration per group and how the run went."""
    calibration = result.calibration
    return store.pack_json({
        "origin": result.found.origin.isoformat(), "mode": result.mode,
        "read_seconds": round(result.read_seconds, 2),
        "fit_seconds": round(result.fit_seconds, 2),
        "choice": [[k, c, m] for (k, c), m in sorted(result.found.choice.items())],
        "slope": [[g, c, v] for (g, c), v in sorted(calibration.slope.items())],
        "curve": [[g, c, v] for (g, c), v in sorted(calibration.curve.items())],
        "shape": [[g, c, [float(x) for x in v]] for (g, c), v in
                  sorted(calibration.shape.items())],
        "calibration_origins": [o.isoformat() for o in calibration.origins],
    })


def error_shapes(state: dict | None) -> dict[tuple[str, str], object]:
    """The stored quantiles of the standardised lead-time error per (category, channel)."""
    import numpy as np

    if not state:
        return {}
    return {(g, c): np.asarray(v, dtype=float) for g, c, v in state.get("shape", [])}


def refresh_source(source: Source, force: bool = False,
                   progress: Callable[[int, int], None] | None = None,
                   replay: bool | None = None) -> ForecastRun | None:
    """Forecast `source` unless its current data already has stored forecasts (or another
    process is computing them). Returns the stored run, or None when nothing was done.
    `force` recomputes even when the data key has a finished run; `replay` (default: on
    unless $STOCKLENS_FORECAST_REPLAY is off) replays the policy when due."""
    key = data_key(source)  # one small read per check: the facts are scanned only below
    if force:
        forget_finished(source.name, key)
    elif any(r.data_key == key and r.status == "done" for r in runs_of(source.name)):
        return None
    last = last_day(source)
    if last is None:
        return None
    previous = latest_run(source.name)
    run_id = claim_run(source.name, key, last)
    if run_id is None:
        return None
    kept = store.load(previous.id, store.REPLAY) if previous is not None else None
    try:
        result = run_forecasts(source, last, progress=progress)
        due = kept is None or (last - replay_last(kept)).days >= REPLAY_EVERY_DAYS
        store.save(run_id, store.SERIES, series_artifact(result))
        store.save(run_id, store.QUALITY, store.pack_frame(result.calibration.quality))
        store.save(run_id, store.STATE, state_artifact(result))
        if not due and kept is not None:  # the last replay still stands
            store.save(run_id, store.REPLAY, kept)
        save_run(run_id, result.found.pairs, result.found.paths, result.found.seconds)
        store.forget_orphans()
    except Exception as exc:
        fail_run(run_id, f"{type(exc).__name__}: {exc}")
        raise
    log.info("forecast %s: %d series in %.1f s (%s read %.1f s)", source.name,
             len(result.found.pairs), result.found.seconds, result.mode, result.read_seconds)
    if due and (replay if replay is not None else replay_enabled()):
        replay_into(source, run_id, last)
    return next((r for r in runs_of(source.name) if r.id == run_id), None)


def replay_last(payload: bytes) -> date:
    """The last day a stored replay covered."""
    from forecast.replay_result import unpack_replay

    return unpack_replay(payload).last


def replay_enabled() -> bool:
    return os.environ.get(REPLAY_ENV, "on").strip().lower() not in {"0", "off", "false", "no"}


def replay_into(source: Source, run_id: int, last: date) -> None:
    """Run the policy replay and store it with run `run_id` (a failure is logged: the
    forecasts stand without it)."""
    from forecast.replay import replay_source
    from forecast.replay_result import pack_replay

    try:
        result = replay_source(source, last=last)
    except SourceError as exc:
        log.info("replay %s skipped: %s", source.name, exc)
        return
    except Exception:
        log.exception("replay %s failed", source.name)
        return
    store.save(run_id, store.REPLAY, pack_replay(result))
    log.info("replay %s: %d days in %.1f s", source.name,
             (result.last - result.first).days + 1, result.seconds)


def _lower_priority() -> None:
    """This thread's CPU priority down (Linux threads have their own nice value), so the
    server's request threads come first while forecasts are computed."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), JOB_NICE)


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
        _lower_priority()
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
