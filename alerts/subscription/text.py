"""The plain-text part of a subscription message: key figures and each tile's first rows
as aligned columns (wide characters count two).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from alerts.subscription.clean import one_line
from alerts.subscription.parts import TEXT_ROWS, Kpi, Period, TileResult
from alerts.subscription.phrases import (
    charts_line,
    period_text,
    status_word,
    tile_problem,
    vs_previous,
)
from alerts.subscription.rows import rows_note, shown_metrics, tile_table
from i18n import t
from metrics.registry import METRICS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _columns(rows: Sequence[Sequence[str]], right: Callable[[int], bool]) -> list[str]:
    """Rows of cells as aligned text columns (wide characters count two)."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [(" " * (w - _width(c)) + c) if right(i) else (c + " " * (w - _width(c)))
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return lines


def text_part(name: str, kind_label: str, period: Period | None, kpis: list[Kpi],
              tiles: list[TileResult], charts_error: str | None, for_line: str,
              lang: str) -> str:
    lines = [t("subscription.heading", lang, kind=kind_label, name=one_line(name)),
             period_text(period, lang)]
    if for_line:
        lines.append(for_line)
    if period is None:
        return "\n".join([*lines, "", t("subscription.no_data", lang)]) + "\n"
    lines += ["", t("subscription.key_figures", lang)]
    rows = []
    for kpi in kpis:
        extra = t("subscription.note", lang, note=kpi.note) if kpi.note else ""
        rows.append([METRICS[kpi.metric].label(lang), kpi.value_text,
                     status_word(kpi.status, lang), vs_previous(kpi, period, lang) + extra])
    lines += _columns(rows, lambda i: i == 1)
    for tile in tiles:
        lines += ["", f"{tile.index}. {one_line(tile.title)}"
                  + (f" — {one_line(tile.hint)}" if tile.hint else "")]
        problem = tile_problem(tile, lang)
        if problem is not None or tile.frame is None or tile.spec is None:
            lines.append(one_line(problem or ""))
            continue
        headers, body = tile_table(tile.spec, tile.frame, lang, TEXT_ROWS)
        first_metric = len(headers) - len(shown_metrics(tile.spec, tile.frame))
        lines += _columns([headers, *body], lambda i, f=first_metric: i >= f)
        note = rows_note(tile.spec, len(tile.frame), len(body), lang)
        if note:
            lines.append(note)
    lines += ["", charts_line(tiles, charts_error, lang)]
    if any(tile.files for tile in tiles):
        lines.append(t("subscription.attachments", lang))
    return "\n".join(lines) + "\n"
