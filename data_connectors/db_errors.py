"""One clear line for a database failure, for the CLI, the settings page and logs.

Users meet the same handful of failures whatever the engine (a typo in the URL, a server
that is down, a wrong password, a missing database, a query that runs too long, a write
refused by a read-only session), but every driver words them differently and most add a
stack of detail lines. `describe_db_error` recognises them by error code where the driver
gives one and by wording otherwise, and never lets a password through: the URL is shown
masked, and the password text is scrubbed from anything a driver echoes back.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

# Exceptions carry this attribute when the engine (data_connectors/engines.py) that raised
# them had a statement timeout, so the message can say how long "too long" was.
TIMEOUT_ATTR = "stocklens_statement_timeout_s"

DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306, "trino": 8080,
                 "mssql": 1433, "oracle": 1521, "clickhouse": 8123, "hive": 10000}
# "user:secret@" in text that is not a parseable URL (a typo such as "postgres//u:pw@h").
_UNPARSED_SECRET = re.compile(r"([^\s:/@]+:)([^\s@]+)@")
KNOWN_BACKENDS = "postgresql, mysql, mariadb, sqlite, duckdb, trino, hive"
URL_EXAMPLE = "postgresql+psycopg://user:password@host:5432/database"

# Driver error codes (MySQL/MariaDB numbers, PostgreSQL SQLSTATEs) of each failure.
_MYSQL_CODES = {
    1045: "access", 1044: "access", 1049: "no_database", 2003: "unreachable",
    2005: "unknown_host", 1969: "timeout", 3024: "timeout", 1792: "read_only",
    1290: "read_only", 1836: "read_only",
}
_PG_STATES = {"28P01": "access", "28000": "access", "3D000": "no_database",
              "57014": "timeout", "25006": "read_only"}
# Wording, for drivers without codes and for connect-time errors that carry none.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("timeout", r"statement timeout|max_statement_time|max_execution_time"
                    r"|canceling statement due to|^interrupted"
                    r"|but found TIMEDOUT"),  # the Spark Thrift Server's queryTimeout
        # before read_only: DuckDB says 'Cannot open database "f" in read-only mode:
        # database does not exist' for a missing file
        ("no_file", r"unable to open database file|database does not exist"
                    r"|cannot open (database|file)|no such file or directory"),
        ("read_only", r"read-only transaction|read only transaction|readonly database"
                      r"|read-only mode|--read-only"),
        ("access", r"password authentication failed|access denied|authentication failed"),
        ("no_database", r"database \S+ does not exist|unknown database"),
        ("refused", r"connection refused"),
        ("unknown_host", r"could not translate host name|name or service not known"
                         r"|unknown mysql server host|nodename nor servname"
                         r"|temporary failure in name resolution"),
        ("unreachable", r"timeout expired|timed out|no route to host|network is unreachable"
                        r"|can't connect to|could not connect|connection to server .* failed"),
    )
)


def mask_url(url: str | sa.URL) -> str:
    """The URL with its password replaced by ***; also for text that is not a valid URL."""
    if isinstance(url, sa.URL):
        return url.render_as_string(hide_password=True)
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        # Not parseable: still hide whatever sits between "user:" and "@".
        return _UNPARSED_SECRET.sub(r"\1***@", url)


def _parsed(url: str | sa.URL) -> sa.URL | None:
    if isinstance(url, sa.URL):
        return url
    try:
        return sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        return None


def _password(url: str | sa.URL) -> str | None:
    parsed = _parsed(url)
    if parsed is not None:
        return str(parsed.password) if parsed.password else None
    match = _UNPARSED_SECRET.search(str(url))
    return match.group(2) if match else None


def _first_line(exc: BaseException) -> str:
    """The driver's own message, first meaningful line, without SQLAlchemy's decoration."""
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    status = getattr(args[0], "status", None) if args else None
    if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
        text = args[1]  # PyMySQL: (code, message)
    elif getattr(status, "errorMessage", None):
        text = str(status.errorMessage)  # PyHive: the server's Thrift response
    else:
        text = str(orig)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    line = lines[0] if lines else type(orig).__name__
    return re.sub(r"^(connection failed:\s*)", "", line)


def _kind(exc: BaseException) -> str | None:
    """Which common failure `exc` is, or None."""
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_CODES:
        code_kind = _MYSQL_CODES[args[0]]
        if code_kind != "unreachable" or "refused" not in str(orig).lower():
            return code_kind
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_STATES:
        return _PG_STATES[state]
    text = str(orig)
    for kind, pattern in _PATTERNS:
        if pattern.search(text):
            return kind
    return None


def _where(parsed: sa.URL | None) -> str:
    """host:port of a server URL (the default port when the URL has none)."""
    if parsed is None or not parsed.host:
        return "the server"
    port = parsed.port or DEFAULT_PORTS.get(parsed.get_backend_name())
    return f"{parsed.host}:{port}" if port else parsed.host


def _seconds(value: float) -> str:
    return f"{value:g} s"


def describe_db_error(exc: BaseException, url: str | sa.URL,
                      statement_timeout_s: float | None = None) -> str:
    """One line saying what went wrong with the database at `url`, password masked.

    `statement_timeout_s` names the limit in a timeout message; engines made by
    `create_source_engine` attach it to their errors, so callers rarely pass it."""
    shown, parsed = mask_url(url), _parsed(url)
    message = _describe(exc, shown, parsed, statement_timeout_s)
    secret = _password(url)
    if secret:
        message = message.replace(secret, "***")
    return " ".join(message.split())  # one line, whatever a driver put in


def _describe(exc: BaseException, shown: str, parsed: sa.URL | None,
              timeout_s: float | None) -> str:
    if isinstance(exc, sa.exc.NoSuchModuleError):
        backend = shown.split("://", 1)[0] if "://" in shown else shown
        return (f"unknown database driver {backend!r} in {shown} "
                f"(known: {KNOWN_BACKENDS})")
    if isinstance(exc, sa.exc.ArgumentError) or parsed is None:
        return f"not a database URL: {shown} (expected e.g. {URL_EXAMPLE})"
    if isinstance(exc, ImportError):
        module = getattr(exc, "name", None) or str(exc)
        return (f"the Python driver for {parsed.drivername} (module {module!r}) is not "
                f"installed: {shown}")
    kind = _kind(exc)
    where, user = _where(parsed), parsed.username or ""
    if kind == "timeout":
        limit = getattr(exc, TIMEOUT_ATTR, None) or timeout_s
        took = f"longer than {_seconds(limit)}" if limit else "longer than the statement timeout"
        return f"query took {took} and was cancelled (statement timeout) on {shown}"
    if kind == "read_only":
        return f"write refused: the source is opened read-only ({shown})"
    if kind == "access":
        return (f"access denied for user {user!r} at {where}: wrong user name or "
                f"password ({shown})")
    if kind == "no_database":
        return f"database {parsed.database!r} does not exist on {where} ({shown})"
    if kind == "refused":
        return f"connection refused by {where}: is the server running? ({shown})"
    if kind == "unknown_host":
        return f"unknown host {parsed.host!r}: the name does not resolve ({shown})"
    if kind == "unreachable":
        return f"cannot reach {where}: {_first_line(exc)} ({shown})"
    if kind == "no_file" and parsed.get_backend_name() in ("sqlite", "duckdb"):
        return f"database file not found or not readable: {parsed.database} ({shown})"
    return f"database error on {shown}: {_first_line(exc)}"
