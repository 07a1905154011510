"""`app.py serve` (the default command): run the web server."""

from __future__ import annotations

import argparse
import sys

from cli.source_args import add_source_arguments, registry_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the dashboards (default command)",
                       description="Serve the web app. Without --db, --url or --config (or "
                                   "$STOCKLENS_CONFIG) the demo data set is used, and built "
                                   "on first run.")
    add_source_arguments(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on; any but 127.0.0.1/localhost/::1 needs a user "
                        "account (python app.py users add NAME --role admin)")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true", help="Dash dev tools and auto-reload")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app import create_app, demo_registry
    from auth.startup import is_loopback, serve_refusal

    if args.config:  # the alert scheduler reads its rules, the state its state_db:, there
        import os

        from data_connectors.config import CONFIG_ENV

        os.environ[CONFIG_ENV] = str(args.config.resolve())
    refusal = serve_refusal(args.host)  # before anything slow: a clear answer at once
    if refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    registry = registry_from_args(args) or demo_registry()
    app = create_app(registry=registry, allow_demo=is_loopback(args.host))
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0
