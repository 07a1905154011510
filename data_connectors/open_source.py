"""Open a source: its engine (pooled, read-only, with a statement timeout) and its
canonical relations — through a mapping, or by the canonical table names.

Every failure is a SourceError with one clear line and no password in it.
"""

from __future__ import annotations

import sqlalchemy as sa

from data_connectors.config import SourceConfig
from data_connectors.db_mapping import mapped_relations
from data_connectors.engines import create_source_engine, describe_db_error
from data_connectors.extract_files import open_extract
from data_connectors.rollups import rollup_relations
from data_connectors.source import Source, SourceError, open_duckdb, relations_for_engine


def open_configured(cfg: SourceConfig) -> Source:
    """The source as pages read it: an extract-mode source is its current local copy
    (data_connectors/extract_files.py), every other the database itself."""
    if cfg.is_extract:
        return open_extract(cfg)
    try:
        url = sa.engine.make_url(cfg.url)
    except sa.exc.ArgumentError as exc:
        raise SourceError(describe_db_error(exc, cfg.url)) from exc
    if url.get_backend_name() == "duckdb" and cfg.mapping is None and url.database:
        source = open_duckdb(url.database, read_only=cfg.read_only)
        source.name = cfg.name
        return source
    try:
        engine = create_source_engine(cfg.url, read_only=cfg.read_only,
                                      statement_timeout_s=cfg.statement_timeout_s)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise SourceError(describe_db_error(exc, cfg.url)) from exc
    rollups = {}
    try:
        if cfg.mapping is not None:
            relations, missing = mapped_relations(engine, cfg.mapping)
        else:  # canonical tables: a copy of a StockLens file may carry its rollups too
            relations, missing = relations_for_engine(engine)
            rollups = rollup_relations(engine)
    except SourceError:
        engine.dispose()
        raise
    except (sa.exc.DBAPIError, ImportError) as exc:
        engine.dispose()
        raise SourceError(describe_db_error(exc, cfg.url)) from exc
    return Source(cfg.name, engine, relations, missing, rollups)


def open_url(url: str) -> Source:
    """A database whose tables already carry the canonical names and columns."""
    try:
        given = sa.engine.make_url(url)
        name = given.database or given.get_backend_name()
    except sa.exc.ArgumentError:
        name = "source"
    return open_configured(SourceConfig(str(name), url))
