"""What the compiler compiles over: the protocol a source implements for metrics/.

metrics/ is a pure compiler: it turns a MetricQuery into one SQLAlchemy statement and
executes nothing. It needs from a source only the relations that expose the canonical
columns (canonical/model.py) and the rollups that may answer a query right now; the
connector (data_connectors/source.py) decides how those are built and whether its rollups
are current. Declaring the protocol here keeps metrics/ free of data_connectors/.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import sqlalchemy as sa


class Relations(Protocol):
    """One relation per canonical entity, plus the pre-aggregated facts usable now."""

    def relation(self, entity: str) -> sa.FromClause:
        """The entity's rows with canonical column names (absent optional columns NULL)."""
        ...

    def current_rollups(self) -> Mapping[str, sa.FromClause]:
        """Rollups by fact ("sales", "receipts", "inventory", "active") that were built
        from the data as it is now and are switched on; empty when none may be used."""
        ...
