"""What a webhook receives of a tile: its rows as JSON values (dates as ISO text, missing
numbers as null), at most DATA_ROWS of them.
"""

from __future__ import annotations

from datetime import date, datetime

from alerts.subscription.parts import DATA_ROWS, TileResult
from alerts.subscription.phrases import tile_problem
from components.kit.formatting import is_missing
from exports.spreadsheet import plain


def json_value(value: object) -> object:
    value = plain(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and is_missing(value):
        return None
    return value


def tile_data(tile: TileResult, lang: str) -> dict[str, object]:
    frame = tile.frame
    rows = [] if frame is None else [
        {str(c): json_value(v) for c, v in zip(frame.columns, record, strict=True)}
        for record in frame.head(DATA_ROWS).itertuples(index=False, name=None)]
    return {"title": tile.title, "hint": tile.hint, "view_id": tile.view_id,
            "chart": tile.spec.chart if tile.spec is not None else None,
            "metrics": list(tile.spec.metrics) if tile.spec is not None else [],
            "columns": [] if frame is None else [str(c) for c in frame.columns],
            "row_count": 0 if frame is None else len(frame), "rows": rows,
            "problem": tile_problem(tile, lang), "files": dict(tile.files)}
