"""`app.py db …`: the state database — its schema revision, upgrades, export and import.

    python app.py db current                  # its revision; exit code 1 when behind
    python app.py db upgrade                  # bring it to this release's schema
    python app.py db history                  # every revision, oldest first
    python app.py db export state.json [--include-secrets]
    python app.py db import state.json        # into a new, empty state database

Which database: --state-db URL (or a SQLite file's path), else $STOCKLENS_STATE_DB, else
`state_db:` in the config file ($STOCKLENS_CONFIG), else data/stocklens-state.sqlite.
Moving from SQLite to PostgreSQL: `db export FILE --include-secrets` on the old one,
`db import FILE --state-db postgresql+psycopg://…` on the new one (it upgrades itself).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from app_state import migrate
from app_state.backup import BackupError, read_export, write_export
from app_state.backup import import_state as import_into
from app_state.db import STATE_DB_ENV, StateUrlError, open_state_engine


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="the state database: revision, upgrade, export, import",
                       description="The state database (users, sessions, tokens, "
                                   "thresholds, views, boards, forecasts, alerts, audit "
                                   "log): its schema revision, upgrades, and all of it as "
                                   "JSON.")
    commands = p.add_subparsers(dest="db_command", metavar="COMMAND", required=True)

    def command(name: str, handler, text: str) -> argparse.ArgumentParser:
        c = commands.add_parser(name, help=text, description=text)
        c.add_argument("--state-db", metavar="URL",
                       help=f"a SQLAlchemy URL or a SQLite file (default: ${STATE_DB_ENV}, "
                            "the config file's state_db:, data/stocklens-state.sqlite)")
        c.set_defaults(handler=lambda args: _run(handler, args))
        return c

    command("current", _current, "show the revision (exit code 1 when it is behind)")
    command("upgrade", _upgrade, "bring the schema to this release's revision")
    command("history", _history, "list the revisions, oldest first")
    export = command("export", _export, "write every table's rows to a JSON file")
    export.add_argument("file", type=Path)
    export.add_argument("--include-secrets", action="store_true",
                        help="also password hashes, token hashes, the session signing key "
                             "and live sessions (the file is then as secret as the "
                             "database; it is written with mode 0600)")
    imported = command("import", _import, "copy a JSON export into a new, empty state "
                                          "database, then upgrade it")
    imported.add_argument("file", type=Path)


def _run(handler, args: argparse.Namespace) -> int:
    if args.state_db:
        os.environ[STATE_DB_ENV] = args.state_db
    engine = None
    try:
        engine = open_state_engine()
        return handler(engine, args)
    except (migrate.StateSchemaError, BackupError, StateUrlError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:
        where = migrate.where(engine) if engine is not None else "the state database"
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"error: {where}: {reason}", file=sys.stderr)
        return 1
    finally:
        if engine is not None:
            engine.dispose()


def _current(engine, _: argparse.Namespace) -> int:
    found, needed = migrate.current(engine), migrate.head()
    if found == needed:
        print(f"{migrate.where(engine)}: revision {found} (current)")
        return 0
    state = f"revision {found}" if found else "no StockLens schema (new, or made before " \
                                              "revisions)"
    print(f"{migrate.where(engine)}: {state}; this StockLens needs {needed}: run "
          f"`{migrate.UPGRADE_COMMAND}`")
    return 1


def _upgrade(engine, _: argparse.Namespace) -> int:
    before, after = migrate.upgrade(engine)
    if before == after:
        print(f"{migrate.where(engine)}: already at revision {after}")
    else:
        print(f"{migrate.where(engine)}: upgraded from {before or '(no schema)'} to {after}")
    return 0


def _history(_engine, _: argparse.Namespace) -> int:
    head = migrate.head()
    for revision in migrate.history():
        mark = " (head)" if revision.id == head else ""
        print(f"{revision.id}{mark}  {revision.title}")
    return 0


def _export(engine, args: argparse.Namespace) -> int:
    counts = write_export(engine, args.file, args.include_secrets)
    what = "with secrets" if args.include_secrets else "without secrets (no password or " \
                                                        "token hashes, no signing key)"
    print(f"exported {sum(counts.values()):,} rows of {len(counts)} tables from "
          f"{migrate.where(engine)} to {args.file}, {what}")
    return 0


def _import(engine, args: argparse.Namespace) -> int:
    done = import_into(engine, read_export(args.file))
    rows = done["rows"]
    print(f"imported {sum(rows.values()):,} rows of {len(rows)} tables into "
          f"{migrate.where(engine)} (revision {migrate.current(engine)})")
    if done["no_password"]:
        print(f"{done['no_password']} accounts have no password (the export had no "
              "secrets): python app.py users set-password NAME", file=sys.stderr)
    if done["revoked_tokens"]:
        print(f"{done['revoked_tokens']} tokens are listed as revoked (the export had no "
              "secrets): make new ones with users token / users wall-token", file=sys.stderr)
    return 0
