"""A subscription message's files: per tile its chart as PNG and its rows as CSV and
.xlsx (formula-like text neutralised by exports/spreadsheet.py).
"""

from __future__ import annotations

import re
import unicodedata

from alerts.message import Attachment
from alerts.subscription.parts import TileResult
from components.grids.metric_grid import column_label
from components.grids.metric_grid_callbacks import number_formats
from exports.spreadsheet import csv_bytes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:48]


def attachments_of(tiles: list[TileResult], lang: str) -> list[Attachment]:
    files = []
    for tile in tiles:
        if tile.frame is None or tile.spec is None or tile.frame.empty:
            continue
        stem = f"stocklens-{tile.index:02d}-{_slug(tile.title) or 'tile'}"
        frame = tile.frame
        headers = {c: column_label(str(c), lang) for c in frame.columns}
        if tile.png is not None:
            tile.files["png"] = f"{stem}.png"
            files.append(Attachment(f"{stem}.png", tile.png, "image/png"))
        tile.files["csv"] = f"{stem}.csv"
        files.append(Attachment(f"{stem}.csv",
                                csv_bytes(frame, [headers[c] for c in frame.columns]),
                                "text/csv"))
        tile.files["xlsx"] = f"{stem}.xlsx"
        files.append(Attachment(f"{stem}.xlsx",
                                xlsx_bytes(frame, headers, number_formats(tile.spec.metrics),
                                           sheet=tile.title), XLSX))
    return files
