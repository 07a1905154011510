"""The health of each configured source, for the Sources page: reachable or not (and why,
in one line), rows per entity, the data's date range, latest snapshot and data version.

An administrator's question about the whole source, so it runs for all data: only a
principal that may see everything may ask (a scoped manager would learn row counts of
regions she may not see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from app_state.extracts import ExtractState
from canonical.model import ENTITIES
from data_connectors.db_errors import describe_db_error
from data_connectors.source import SourceError
from service import extracts, sources
from service.execute import fetch, mapped_errors
from service.principal import Principal, require
from service.queries import as_date


@dataclass(frozen=True)
class SourceHealth:
    """What the Sources page shows for one source."""

    name: str
    label: str
    url: str  # password masked
    reachable: bool
    error: str | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    first_date: date | None = None
    last_date: date | None = None
    latest_snapshot: date | None = None
    data_version: str | None = None
    mode: str = "direct"  # or "extract": read from a local copy (service/extracts.py)
    extract: ExtractState | None = None  # its refresh state (None: never refreshed)
    extracted_at: datetime | None = None  # the served copy's "data as of"


def source_health(principal: Principal, name: str) -> SourceHealth:
    """Open (or reuse) the source and read its figures; a failure is the answer, not an
    exception."""
    if not require(principal).all_data:
        raise PermissionError("source health is for principals that may see all data")
    registry = sources.registry()
    cfg = registry.configs[name]
    base = {"name": name, "label": registry.label(name), "url": cfg.safe_url,
            "mode": cfg.mode, "extract": extracts.state(name) if cfg.is_extract else None}
    try:
        source = registry.get(name)
        counts = fetch(source, source.row_counts_statement(), "row counts").iloc[0]
        span = fetch(source, source.date_range_statement(), "date range").iloc[0]
        with mapped_errors(source):
            version = source.data_version()
    except SourceError as exc:
        return SourceHealth(**base, reachable=False, error=str(exc))
    except sa.exc.DBAPIError as exc:  # opening the source itself failed
        return SourceHealth(**base, reachable=False, error=describe_db_error(exc, cfg.url))
    return SourceHealth(**base, reachable=True,
                        row_counts={e: int(counts[e]) for e in ENTITIES},
                        first_date=as_date(span.iloc[0]), last_date=as_date(span.iloc[1]),
                        latest_snapshot=as_date(counts["latest_snapshot"]),
                        data_version=version, extracted_at=source.extracted_at)
