"""The StockLens config file: named sources, each a SQLAlchemy URL plus an optional mapping.

    # stocklens.yaml  (path from --config or STOCKLENS_CONFIG)
    default_source: erp
    sources:
      demo:
        url: duckdb:///data/demo.duckdb        # relative paths: from this file's folder
      erp:
        url: postgresql+psycopg://bi:${ERP_PASSWORD}@db.internal/erp
        statement_timeout_s: 30                # default 30
        read_only: true                        # default true
        mapping: erp-mapping.yaml              # a file, or the mapping inline
        mode: extract                          # default direct (query the ERP live)
        refresh: "0 * * * *"                   # extract mode: cron schedule (optional)
        extract: {window_days: 3}              # extract mode: look-back of an incremental
${NAME} (or ${NAME:-fallback}) is replaced from the environment, so secrets stay out of
the file; URLs are only ever shown with the password masked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from data_connectors.db_errors import mask_url
from data_connectors.mapping import Mapping, MappingError, load_mapping, parse_mapping

CONFIG_ENV = "STOCKLENS_CONFIG"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
SOURCE_KEYS = {"url", "mapping", "read_only", "statement_timeout_s", "label", "mode",
               "refresh", "extract"}
MODES = ("direct", "extract")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the key and the problem."""


def interpolate(text: str, where: str) -> str:
    """Replace ${VAR} / ${VAR:-default} from the environment; a missing VAR is an error."""
    def replace(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if fallback is not None:
            return fallback
        raise ConfigError(f"{where}: environment variable {name} is not set")
    return _ENV_REF.sub(replace, text)


@dataclass(frozen=True)
class ExtractSettings:
    """How an extract-mode source is copied: `window_days` of facts before the copy's last
    date are deleted and pulled again on an incremental refresh (late corrections and
    deletions inside it are seen); `folder` holds the copies (default:
    <data dir>/extracts/<source>); `chunk_rows` bounds the rows held in memory at once."""

    window_days: int = 3
    folder: Path | None = None
    chunk_rows: int = 100_000


@dataclass(frozen=True)
class SourceConfig:
    name: str
    url: str = field(repr=False)
    mapping: Mapping | None = None
    read_only: bool = True
    statement_timeout_s: float = 30.0
    label: str | None = None
    mode: str = "direct"  # or "extract": pages read a local DuckDB copy (data_connectors/extract*)
    refresh: str | None = None  # extract mode: a cron schedule for the refresh
    extract: ExtractSettings = field(default_factory=lambda: ExtractSettings())

    @property
    def is_extract(self) -> bool:
        return self.mode == "extract"

    @property
    def safe_url(self) -> str:
        return mask_url(self.url)

    def __repr__(self) -> str:
        return f"SourceConfig(name={self.name!r}, url={self.safe_url!r})"


@dataclass(frozen=True)
class CacheConfig:
    """Query-result cache: `ttl_s` for fresh results; Redis (shared by processes) when a URL
    is given here or in $REDIS_URL, else each process's memory."""

    ttl_s: int = 300
    redis_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> CacheConfig:
        return cls(redis_url=os.environ.get("REDIS_URL") or None)


@dataclass(frozen=True)
class AppConfig:
    sources: dict[str, SourceConfig]
    default_source: str
    path: Path | None = None
    cache: CacheConfig = field(default_factory=CacheConfig.from_env)


def _absolute_file_url(url: str, base: Path) -> str:
    """duckdb:///data/x.duckdb and sqlite:///x.db are relative to the config file."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() in ("duckdb", "sqlite") and parsed.database not in (
            None, "", ":memory:") and not Path(parsed.database).is_absolute():
        return parsed.set(database=str(base / parsed.database)).render_as_string(
            hide_password=False)
    return url


def parse_source(name: str, raw: Any, base: Path) -> SourceConfig:
    where = f"sources.{name}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected url and options, found {type(raw).__name__}")
    unknown = set(raw) - SOURCE_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                          f"allowed: {', '.join(sorted(SOURCE_KEYS))}")
    if not raw.get("url"):
        raise ConfigError(f"{where}.url: missing")
    url = interpolate(str(raw["url"]), f"{where}.url")
    try:
        url = _absolute_file_url(url, base)
    except sa.exc.ArgumentError:
        raise ConfigError(f"{where}.url: not a SQLAlchemy URL: {mask_url(url)}") from None
    mapping = raw.get("mapping")
    try:
        if isinstance(mapping, str):
            mapping = load_mapping(base / mapping)
        elif mapping is not None:
            mapping = parse_mapping(mapping, where=f"{where}.mapping")
    except MappingError as exc:
        raise ConfigError(str(exc)) from None
    try:
        timeout = float(raw.get("statement_timeout_s", 30))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}.statement_timeout_s: not a number") from None
    mode, refresh, extract = parse_extract_options(raw, where, base)
    return SourceConfig(name, url, mapping, bool(raw.get("read_only", True)), timeout,
                        raw.get("label"), mode, refresh, extract)


def parse_extract_options(raw: dict[str, Any], where: str,
                          base: Path) -> tuple[str, str | None, ExtractSettings]:
    """mode, refresh (a cron expression) and the extract: block of a source entry."""
    from croniter import croniter

    mode = str(raw.get("mode", "direct")).strip().lower()
    if mode not in MODES:
        raise ConfigError(f"{where}.mode: {raw.get('mode')!r} is not one of {', '.join(MODES)}")
    refresh = raw.get("refresh")
    if refresh is not None and (not isinstance(refresh, str) or not croniter.is_valid(refresh)):
        raise ConfigError(f"{where}.refresh: not a cron expression: {refresh!r} "
                          f'(e.g. "0 * * * *" for every hour)')
    if (refresh is not None or raw.get("extract") is not None) and mode != "extract":
        raise ConfigError(f"{where}: refresh and extract go with mode: extract")
    spec = raw.get("extract") or {}
    if not isinstance(spec, dict) or set(spec) - {"window_days", "folder", "chunk_rows"}:
        raise ConfigError(f"{where}.extract: expected window_days, folder and/or chunk_rows")
    try:
        window = int(spec.get("window_days", 3))
        chunk = int(spec.get("chunk_rows", 100_000))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}.extract: window_days and chunk_rows are whole "
                          f"numbers") from None
    if not 0 <= window <= 3660 or not 1000 <= chunk <= 5_000_000:
        raise ConfigError(f"{where}.extract: window_days between 0 and 3660, chunk_rows "
                          f"between 1000 and 5000000")
    folder = base / interpolate(str(spec["folder"]), f"{where}.extract.folder") \
        if spec.get("folder") else None
    return mode, refresh, ExtractSettings(window, folder, chunk)


def read_config_file(path: Path | str) -> dict[str, Any]:
    """The config file as a mapping (the sources part is parsed by load_config, the alert
    part by alerts/config.py); ConfigError naming the file otherwise."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top")
    return raw


def load_config(path: Path | str) -> AppConfig:
    path = Path(path)
    raw = read_config_file(path)
    if not isinstance(raw.get("sources"), dict) or not raw["sources"]:
        raise ConfigError(f"{path}: needs a 'sources:' section naming at least one source")
    base = path.resolve().parent
    sources = {str(n): parse_source(str(n), spec, base) for n, spec in raw["sources"].items()}
    default = str(raw.get("default_source") or next(iter(sources)))
    if default not in sources:
        raise ConfigError(f"{path}: default_source {default!r} is not one of the sources "
                          f"({', '.join(sources)})")
    return AppConfig(sources, default, path, parse_cache(raw.get("cache")))


def parse_cache(raw: Any) -> CacheConfig:
    """cache: {ttl_s: 300, redis_url: redis://…}; $REDIS_URL wins over the file."""
    if raw is None:
        return CacheConfig.from_env()
    if not isinstance(raw, dict) or set(raw) - {"ttl_s", "redis_url"}:
        raise ConfigError("cache: expected ttl_s and/or redis_url")
    try:
        ttl = int(raw.get("ttl_s", 300))
    except (TypeError, ValueError):
        raise ConfigError("cache.ttl_s: not a whole number of seconds") from None
    if not 1 <= ttl <= 86400:
        raise ConfigError("cache.ttl_s: between 1 and 86400 seconds")
    url = os.environ.get("REDIS_URL") or (interpolate(str(raw["redis_url"]), "cache.redis_url")
                                          if raw.get("redis_url") else None)
    return CacheConfig(ttl, url)
