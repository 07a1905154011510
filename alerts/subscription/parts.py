"""What a subscription message is made of: the period, the key figures, each tile's
result, the subject (board or view) it is about, and how many rows each part shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.boards.view_spec import ViewSpec
from components.filters.filter_state import BoardFilters
from components.kit.kpi_card import BOARD_CARD_METRICS, BOARD_CARDS

# The executive board's cards: which metric each shows, which one judges its status, and
# its note (components/kit/kpi_card.py, shared with the board page).
KPI_CARDS, KPI_METRICS = BOARD_CARDS, BOARD_CARD_METRICS


TEXT_ROWS = 10  # rows of a tile in the text and HTML parts
MARKDOWN_ROWS = 5  # … and in the markdown summary
TABLE_IMAGE_ROWS = 15  # rows of a table tile's image
DATA_ROWS = 200  # rows of a tile in `data` (the CSV and Excel files hold them all)
MARKDOWN_LIMIT = 4096  # bytes: WeCom's limit for a markdown message (the tightest robot)


@dataclass(frozen=True)
class Period:
    preset: str
    start: date
    end: date
    previous: tuple[date, date] | None  # None: the data does not cover the previous period

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Kpi:
    metric: str
    value: float | None
    status: str | None  # good / warn / bad; None: no thresholds or no value
    value_text: str
    change_text: str | None  # "▲ 3.1%"; None: no comparable previous value
    note: str  # "Annualized 3.6×", "¥2.1M of inventory value", …


@dataclass
class TileResult:
    index: int
    title: str
    hint: str
    view_id: int | None
    spec: ViewSpec | None = None
    frame: pd.DataFrame | None = None
    problem: str | None = None  # why the tile shows no rows (deleted view, failed query …)
    figure: go.Figure | None = None
    png: bytes | None = None
    files: dict[str, str] = field(default_factory=dict)  # kind → attachment file name


@dataclass(frozen=True)
class Subject:
    kind: str  # "board" or "view"
    ident: int
    name: str
    filters: BoardFilters  # the period preset and the standard filters
    kpi_where: dict[str, list[str]]
    board: BoardFilters | None  # a board's filter bar, applied over each tile's view
    # per tile: its title, view id, spec and problem (why it has no spec)
    tiles: tuple[tuple[str, int | None, ViewSpec | None, str | None], ...]
