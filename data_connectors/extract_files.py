"""Where an extract-mode source's local copies live, and which one is current.

Each refresh writes a complete new DuckDB file (extract-<time>-<id>.duckdb) in the source's
extract folder and then points the text file CURRENT at it with one os.replace, so a reader
opens either the old copy or the new one, never a half-written one; a refresh that fails
leaves CURRENT (and so the copy being served) untouched. The registry compares a served
copy with CURRENT (at most every POINTER_CHECK_S) and reopens when another process has
published a newer one. The previous copy is kept for readers still on it; older ones go.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from data_connectors import paths
from data_connectors.config import SourceConfig
from data_connectors.meta import META_TABLE
from data_connectors.source import Source, SourceError, open_duckdb

POINTER = "CURRENT"
PREFIX = "extract-"
POINTER_CHECK_S = 1.0
EXTRACTED_AT_KEY = "extracted_at"
_checked: dict[Path, tuple[float, Path | None]] = {}


def extract_folder(cfg: SourceConfig) -> Path:
    """The source's own folder: extract.folder in the config, else <data dir>/extracts/NAME."""
    return cfg.extract.folder or paths.DATA_DIR / "extracts" / cfg.name


def current_file(folder: Path) -> Path | None:
    """The copy CURRENT names, if there is one and it exists."""
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    return path if name and path.exists() else None


def new_version_path(folder: Path) -> Path:
    """A fresh file name that sorts after every earlier version."""
    return folder / f"{PREFIX}{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:6]}.duckdb"


def publish(folder: Path, path: Path) -> None:
    """Make `path` the current copy in one atomic step, then remove all but it and the
    copy it replaces."""
    previous = current_file(folder)
    tmp = folder / f"{POINTER}.{uuid.uuid4().hex[:6]}.tmp"
    with tmp.open("w", encoding="utf-8") as out:
        out.write(path.name)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, folder / POINTER)
    _checked.pop(folder, None)
    keep = {path.name, previous.name if previous else ""}
    for old in folder.glob(f"{PREFIX}*.duckdb"):
        if old.name not in keep and old.name < path.name:
            remove_copy(old)


def remove_copy(path: Path) -> None:
    """Delete a copy, its write-ahead log and DuckDB's spill folder (a reader that still
    has the copy open keeps reading it: the file goes when it is closed)."""
    for part in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


def open_extract(cfg: SourceConfig) -> Source:
    """The current copy of an extract-mode source, as that source."""
    folder = extract_folder(cfg)
    path = current_file(folder)
    if path is None:
        raise SourceError(f"source {cfg.name!r} is in extract mode and has no extract yet: "
                          f"run `python app.py extract refresh --source {cfg.name}`")
    source = open_duckdb(path, read_only=True)
    source.name = cfg.name
    source.extract_file = path
    source.extracted_at = _extracted_at(source.engine)
    return source


def _extracted_at(engine: sa.Engine) -> datetime | None:
    meta = sa.table(META_TABLE, sa.column("key"), sa.column("value"))
    with engine.connect() as con:
        value = con.execute(sa.select(meta.c.value).where(
            meta.c.key == EXTRACTED_AT_KEY)).scalar_one_or_none()
    return datetime.fromisoformat(value) if value else None


def superseded(source: Source, cfg: SourceConfig) -> bool:
    """Whether a newer copy than the one `source` reads has been published (looked at no
    more than every POINTER_CHECK_S per folder: one small file read)."""
    if source.extract_file is None:
        return False
    folder = extract_folder(cfg)
    now = time.monotonic()
    seen = _checked.get(folder)
    if seen is None or now - seen[0] >= POINTER_CHECK_S:
        seen = _checked[folder] = (now, current_file(folder))
    return seen[1] is not None and seen[1] != source.extract_file
