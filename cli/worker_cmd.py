"""`app.py worker`: the background work, in a process of its own — the forecast job and
the alert scheduler — so that web workers only answer requests.

    STOCKLENS_FORECAST_JOB=off STOCKLENS_ALERTS=off gunicorn … 'app:server'   # web tier
    python app.py worker --config /etc/stocklens.yaml                         # one or more

The worker reads the same sources, state database and Redis as the web tier. Both jobs
claim their work in the state database (a forecast run per source and data, an alert per
due time), so running a worker on two hosts, or leaving the web tier's in-process threads
on as `make run` does, never computes or sends anything twice. It stops on SIGTERM or
Ctrl-C after the step it is in; `--once` runs one round of each and exits (cron).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from cli.source_args import add_source_arguments, registry_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run the forecast job and the alert scheduler "
                                      "(background work, apart from the web servers)",
                       description="Run the background work — the forecast job and the "
                                   "alert scheduler — until stopped, for a web tier that "
                                   "runs with STOCKLENS_FORECAST_JOB=off and "
                                   "STOCKLENS_ALERTS=off. Sources as for serve.")
    add_source_arguments(p)
    p.add_argument("--once", action="store_true",
                   help="run one round of each and exit (instead of running until stopped)")
    p.add_argument("--no-forecasts", action="store_true", help="leave the forecast job out")
    p.add_argument("--no-alerts", action="store_true", help="leave the alert scheduler out")
    p.set_defaults(handler=run)


def _prepare(args: argparse.Namespace) -> None:
    """The sources, the query cache and the saved thresholds, as create_app sets them up
    for a web worker (without Dash)."""
    from app import demo_registry
    from app_state.thresholds import install as use_saved_thresholds
    from data_connectors import paths
    from data_connectors.registry import add_imported_databases
    from service import sources
    from service.cache import CachePolicy, QueryCache, make_backend

    sources.use_registry(registry_from_args(args) or demo_registry())
    add_imported_databases(sources.registry(), paths.IMPORTS_DIR)
    cache = sources.registry().cache
    sources.use_cache(QueryCache(make_backend(cache.redis_url, cache.ttl_s),
                                 CachePolicy(ttl_s=cache.ttl_s)))
    use_saved_thresholds()


def run(args: argparse.Namespace) -> int:
    from auth.startup import state_refusal

    if args.config:  # alert rules and state_db: are read from the same file
        import os

        from data_connectors.config import CONFIG_ENV

        os.environ[CONFIG_ENV] = str(args.config.resolve())
    refusal = state_refusal()
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _prepare(args)
    from alerts.scheduler import make_scheduler
    from forecast.job import ForecastJob
    from service import sources

    def all_sources():
        return [sources.resolve(name) for name in sources.registry().names()]

    job = None if args.no_forecasts else ForecastJob(all_sources)
    scheduler = None if args.no_alerts else make_scheduler(lambda: sources.registry().default)
    log = logging.getLogger("stocklens.worker")
    if args.once:
        if job is not None:
            job.run_once()
        if scheduler is not None:
            ran = scheduler.run_once()
            log.info("alerts: %d rules ran", ran)
        return 0
    stop = threading.Event()

    def stopping(signum: int, _frame: object) -> None:
        log.info("worker stopping (signal %d)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    if job is not None:
        job.start()
    if scheduler is not None:
        scheduler.start()
    log.info("worker started (%s): %s", scheduler.name if scheduler else "-",
             ", ".join(part for part, on in (("forecast job", job), ("alert scheduler",
                                                                     scheduler)) if on)
             or "nothing to do")
    stop.wait()
    if job is not None:
        job.stop()
    if scheduler is not None:
        scheduler.stop()
    return 0
