"""StockLens: a self-service BI server for purchase-sales-inventory analytics (进销存分析).

`python app.py` serves the demo board on http://127.0.0.1:8050 (building the demo data on
first run); `python app.py --help` lists the commands (serve, demo-data, import, query).
For production, gunicorn serves `app:server` (sources from STOCKLENS_CONFIG or the file
STOCKLENS_DB; a user account must exist: README, "Users, roles and security").
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dash

    from data_connectors.registry import SourceRegistry
    from data_connectors.source import Source

ROOT = Path(__file__).resolve().parent


def create_app(source: Source | None = None,
               registry: SourceRegistry | None = None, *,
               allow_demo: bool = True) -> dash.Dash:
    """The Dash app (Dash Pages from pages/), answering from one `source` or a `registry`
    of named sources. `allow_demo`: whether it may run without login while no user
    account exists (auth/startup.py decides for `serve` and gunicorn)."""
    import dash
    from dash import Input, Output, clientside_callback, html

    from alerts.scheduler import start_scheduler as start_alert_scheduler
    from api import register_api
    from app_state.thresholds import install as use_saved_thresholds
    from auth.setup import install_auth
    from components.kit.html_lang import install as install_html_lang
    from components.kit.navbar import install as install_navbar
    from components.kit.web_app import META_TAGS, add_head_links
    from data_connectors import paths
    from data_connectors.registry import add_imported_databases
    from forecast.job import start_job as start_forecast_job
    from service import sources
    from service.cache import CachePolicy, QueryCache, make_backend
    from web.dash_errors import install_callback_errors
    from web.headers import install_security_headers

    if registry is not None:
        sources.use_registry(registry)
    elif source is not None:
        sources.use_source(source)
    add_imported_databases(sources.registry(), paths.IMPORTS_DIR)
    cache = sources.registry().cache  # in-process, or Redis shared by workers (REDIS_URL)
    sources.use_cache(QueryCache(make_backend(cache.redis_url, cache.ttl_s),
                                CachePolicy(ttl_s=cache.ttl_s)))
    use_saved_thresholds()  # status() everywhere now applies the thresholds page's overrides
    app = dash.Dash(
        __name__, use_pages=True, pages_folder=str(ROOT / "pages"), on_error=callback_failed,
        assets_folder=str(ROOT / "assets"), title="StockLens", update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   *META_TAGS],  # "Add to home screen" (components/kit/web_app.py)
        # No validation layout: Dash would build it from every page's layout for whoever
        # sends the first request (their name, CSRF token, filter choices) and embed it in
        # every page served to everyone else.
        suppress_callback_exceptions=True,
    )
    add_head_links(app)  # the web-app manifest and the home-screen icon
    install_html_lang(app)  # <html lang="zh-CN"|"en">, the page's language
    install_navbar(app)  # the phone menu's toggle (only StockLens's own app has the navbar)
    install_auth(app, allow_demo)  # sessions, /login, the access gate, row-level scopes
    install_callback_errors(app.server)  # a malformed callback request: 400, never 500
    install_security_headers(app)  # CSP, nosniff, Referrer-Policy, framing (web/headers.py)
    start_forecast_job(lambda: [sources.resolve(n) for n in sources.registry().names()])
    start_alert_scheduler(lambda: sources.registry().default)  # alerts/scheduler.py
    register_api(app.server)  # the JSON API, /api/v1 (api/)
    app.layout = html.Div([dash.page_container, html.Div(id="lang-switch-sink", hidden=True)])
    clientside_callback(
        dash.ClientsideFunction("stocklens", "switchLanguage"),
        Output("lang-switch-sink", "children"),
        Input("lang-switch", "n_clicks"),
        prevent_initial_call=True,
    )
    warm_up(app)
    return app


def warm_up(app: dash.Dash) -> None:
    """Run Dash's first-request set-up (script registry, callback map, page router) now,
    before any server thread takes a connection. Dash marks that set-up done before doing
    it (plotly/dash#3971), so under gunicorn's gthread workers the requests that reach a
    fresh worker alongside its first one got 500 ("... is not a registered library"); the
    wall load benchmark (bench/wall_load.py) found it."""
    with app.server.test_client() as client:
        client.get("/_dash-dependencies")


def callback_failed(exc: Exception) -> None:
    """Any exception a callback raises: logged with its traceback (it is a bug or a crafted
    request), and the page keeps what it shows — the client gets "no update", never a 500
    with details."""
    import logging

    from dash import ctx

    logging.getLogger("stocklens.callbacks").error(
        "callback %s failed: %s: %s", ctx.outputs_list if ctx else "?",
        type(exc).__name__, exc, exc_info=exc)


def ensure_demo_data(path: Path | None = None) -> Path:
    """Build the demo DuckDB file unless it exists (first `make run`)."""
    from data_connectors.paths import DEMO_DB

    path = path or DEMO_DB
    if not path.exists():
        from cli.progress import TerminalProgress
        from data_connectors.demo.generator import generate_demo

        print(f"building demo data in {path} (first run only) …", file=sys.stderr)
        progress = TerminalProgress("demo data")
        try:
            generate_demo(path, progress=progress)
        finally:
            progress.close()
    return path


def demo_registry() -> SourceRegistry:
    """The demo data set as the only source (built on first use, with the demo boards)."""
    from data_connectors.paths import DEMO_DB
    from data_connectors.registry import SourceRegistry
    from data_connectors.source import open_duckdb

    first_run = not DEMO_DB.exists()
    registry = SourceRegistry.of_source(open_duckdb(ensure_demo_data()))
    if first_run:  # with the data, its two boards (examples/boards/), so /boards is not empty
        from sqlalchemy.exc import SQLAlchemyError

        from components.boards.demo_boards import add_demo_boards

        try:
            add_demo_boards()
        except (SQLAlchemyError, OSError) as exc:  # the demo serves without them
            print(f"the demo boards were not stored: {exc}", file=sys.stderr)
    return registry


@cache
def _production_app() -> dash.Dash:
    """For gunicorn: sources from $STOCKLENS_CONFIG, else the file $STOCKLENS_DB, else
    the demo. Refuses to start without a user account unless $STOCKLENS_ALLOW_NO_AUTH=1
    (gunicorn cannot tell us whether it binds a public address)."""
    from auth.startup import production_allows_demo, production_refusal, startup_error
    from data_connectors.config import CONFIG_ENV, load_config
    from data_connectors.registry import SourceRegistry
    from data_connectors.source import open_duckdb

    refusal = production_refusal()
    if refusal:
        raise startup_error(refusal)
    if os.environ.get(CONFIG_ENV):
        registry = SourceRegistry.from_config(load_config(os.environ[CONFIG_ENV]))
    elif os.environ.get("STOCKLENS_DB"):
        registry = SourceRegistry.of_source(open_duckdb(os.environ["STOCKLENS_DB"]))
    else:
        registry = demo_registry()
    return create_app(registry=registry, allow_demo=production_allows_demo())


def __getattr__(name: str) -> object:
    """`app:server` for gunicorn, created on first access so the CLI never pays for Dash."""
    if name == "server":
        return _production_app().server
    raise AttributeError(name)


if __name__ == "__main__":
    from cli.main import main

    sys.exit(main(sys.argv[1:]))
