"""All of the state database as one JSON file, and back (`python app.py db export FILE`,
`db import FILE`): a backup, and the way from an embedded SQLite state to PostgreSQL
without re-creating users, boards and views.

The file holds every table of the schema revision it was made at, every row, ordered by
key: datetimes as ISO 8601 in UTC, binary values (stored forecasts) as base64. Secrets —
password hashes, API and wall token hashes, the session signing key and the live sessions
— are only written with `include_secrets`. Without them the file is safe to hand around,
and an import of it gives accounts that cannot sign in until `users set-password`, tokens
that are listed but revoked, no sessions, and a new signing key on first start.

An import goes into an empty database only (a new SQLite file, or a PostgreSQL database
after nothing or `db upgrade`). A database without a schema is first brought to the
file's revision, the rows are copied in one transaction, and then it is upgraded to this
code's revision — so a file from an older release imports too. Tables are read and written
by reflection, so the code follows the database's revision, not the other way round.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    func,
    insert,
    select,
)

from app_state import dialect, migrate

FORMAT = "stocklens-state"
FORMAT_VERSION = 1
VERSION_TABLE = "alembic_version"
SECRET_TABLES = ("server_secrets", "sessions")  # left out without include_secrets
SECRET_COLUMNS = {"users": "password_hash", "api_tokens": "token_hash",
                  "wall_tokens": "token_hash"}  # written as null without include_secrets
NO_PASSWORD = "!imported-without-secrets"  # no password matches it (auth/passwords.py)
CHUNK = 500


class BackupError(ValueError):
    """A file or a target database that cannot be used; one line saying why."""


def _tables(conn: Connection) -> list[Table]:
    """The database's own tables in dependency order (a row's parents first)."""
    meta = MetaData()
    meta.reflect(conn)
    return [t for t in meta.sorted_tables if t.name != VERSION_TABLE]


def _encode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime) or isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(column_type, LargeBinary) or isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(column_type, Boolean):
        return bool(value)
    return value


def _decode(value: Any, column_type: Any) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, Boolean):
        return bool(value)
    if isinstance(column_type, Integer) and not isinstance(value, bool):
        return int(value)
    if isinstance(column_type, Float):
        return float(value)
    return value


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def export_state(engine: Engine, include_secrets: bool = False) -> dict[str, Any]:
    """Every row of every table, as of one moment (one read transaction)."""
    revision = migrate.current(engine)
    if revision is None:
        raise BackupError(f"the state database {migrate.where(engine)} has no schema "
                          f"revision (new, or made by a release before revisions): run "
                          f"`{migrate.UPGRADE_COMMAND}` on it first")
    out: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION,
                           "revision": revision, "exported_at": datetime.now(UTC).isoformat(),
                           "from": dialect.backend(engine), "secrets": include_secrets,
                           "tables": {}, "left_out": []}
    options = ({"isolation_level": "REPEATABLE READ"}
               if dialect.backend(engine) == dialect.POSTGRESQL else {})
    with engine.connect().execution_options(**options) as conn, conn.begin():
        for table in _tables(conn):
            if not include_secrets and table.name in SECRET_TABLES:
                out["left_out"].append(table.name)
                continue
            secret = None if include_secrets else SECRET_COLUMNS.get(table.name)
            names = [c.name for c in table.columns]
            rows = []
            for row in conn.execute(select(table).order_by(*_order(table))):
                rows.append([None if name == secret else _encode(value, table.c[name].type)
                             for name, value in zip(names, row, strict=True)])
            out["tables"][table.name] = {"columns": names, "rows": rows}
    return out


def write_export(engine: Engine, path: Path, include_secrets: bool = False) -> dict[str, int]:
    """Write the export to `path` (mode 0600 when it holds secrets); rows per table."""
    data = export_state(engine, include_secrets)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if include_secrets:
        import os

        with os.fdopen(dialect.open_private(path, os.O_WRONLY | os.O_TRUNC), "w",
                       encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return {name: len(t["rows"]) for name, t in data["tables"].items()}


def read_export(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"no such file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not a StockLens state export ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("tables"), dict):
        raise BackupError(f"{path} is not a StockLens state export")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is an export of format {data.get('format_version')}; "
                          f"this StockLens reads format {FORMAT_VERSION}")
    return data


def _holding_rows(conn: Connection, tables: Iterable[Table]) -> dict[str, int]:
    counts = {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
              for t in tables}
    return {name: n for name, n in counts.items() if n}


def _fill_secrets(name: str, row: dict[str, Any], moment: datetime) -> None:
    """What an import without secrets stores where a secret was."""
    column = SECRET_COLUMNS.get(name)
    if column is None or row.get(column) is not None:
        return
    if name == "users":
        row[column] = NO_PASSWORD
    else:  # a token without its hash cannot be used: listed, revoked
        row[column] = f"!imported-without-secrets:{name}:{row['id']}"
        row["revoked_at"] = row.get("revoked_at") or moment


def import_state(engine: Engine, data: dict[str, Any]) -> dict[str, Any]:
    """Copy an export into an empty state database and bring it to this code's revision.
    Returns {"rows": {table: n}, "no_password": n, "revoked_tokens": n}."""
    revision = data.get("revision")
    known = [r.id for r in migrate.history()]
    if revision not in known:
        raise BackupError(f"the export is of schema revision {revision}, which this "
                          f"StockLens does not know (it knows {', '.join(known)})")
    target = migrate.current(engine)
    if target is None:
        migrate.upgrade(engine, revision)
    elif target != revision:
        raise BackupError(f"the export is of revision {revision} and the state database "
                          f"{migrate.where(engine)} is at {target}: import into a new, "
                          "empty database")
    moment = datetime.now(UTC)
    counts: dict[str, int] = {}
    missing_passwords = revoked = 0
    with dialect.schema_lock(engine), engine.begin() as conn:
        tables = _tables(conn)
        full = _holding_rows(conn, tables)
        if full:
            listed = ", ".join(f"{name}: {n}" for name, n in sorted(full.items()))
            raise BackupError(f"the state database {migrate.where(engine)} already holds "
                              f"data ({listed}): import into a new, empty database")
        by_name = {t.name: t for t in tables}
        unknown = set(data["tables"]) - set(by_name)
        if unknown:
            raise BackupError(f"the export has tables this revision does not: "
                              f"{', '.join(sorted(unknown))}")
        for table in tables:
            part = data["tables"].get(table.name)
            if not part:
                continue
            columns = part["columns"]
            extra = set(columns) - set(table.c.keys())
            if extra:
                raise BackupError(f"table {table.name} of the export has columns the "
                                  f"database does not: {', '.join(sorted(extra))}")
            rows = []
            for values in part["rows"]:
                row = {name: _decode(value, table.c[name].type)
                       for name, value in zip(columns, values, strict=True)}
                before = dict(row)
                _fill_secrets(table.name, row, moment)
                if table.name == "users" and before.get("password_hash") is None:
                    missing_passwords += 1
                elif table.name in ("api_tokens", "wall_tokens") \
                        and before.get("token_hash") is None:
                    revoked += 1
                rows.append(row)
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(table), rows[start:start + CHUNK])
            dialect.after_copy(conn, table)
            counts[table.name] = len(rows)
    migrate.upgrade(engine)
    return {"rows": counts, "no_password": missing_passwords, "revoked_tokens": revoked}
