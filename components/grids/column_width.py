"""How wide a grid column must be so neither its header nor its cells are cut off.

AG Grid's own autosize (`autoSizeStrategy: fitCellContents`) measures rendered cells only:
rows outside the virtualised viewport, and grids that are hidden when they are built (an
empty notice, a closed tab), come out too narrow, and autosized columns no longer fill the
grid. So the width is measured here from the texts the column shows (all rows, header
included) and given as the column's `minWidth`; `flex` then shares any space left, and a
grid wider than its box scrolls sideways instead of cutting a value.
"""

from __future__ import annotations

from collections.abc import Iterable

CELL_PX = 13.0  # the grid's font size (components/grids/metric_grid.py THEME)
HEADER_PX = 12.5
CELL_PADDING = 30  # left and right cell padding, plus rounding of the estimate
HEADER_PADDING = 58  # padding, sort arrow and column-menu icon of a header
NAME_CAP = 300  # long names beyond this wrap and show in full on hover


def char_width(char: str, size: float) -> float:
    """A character's advance in a sans-serif font of `size` px (wide for CJK)."""
    if ord(char) >= 0x2E80:
        return size
    if char in "ilI.,:;|!'` ":
        return size * 0.32
    if char.isupper() or char in "MW¥%—…@#&×":
        return size * 0.7
    if char.isdigit():
        return size * 0.6
    return size * 0.56


def text_width(text: str, size: float = CELL_PX) -> float:
    """The estimated rendered width of `text` in px."""
    return sum(char_width(c, size) for c in text)


def header_width(label: str) -> float:
    """The header needs its longest word on one line (headers wrap between words, and
    between CJK characters, so a Chinese header needs only two of them per line)."""
    words = label.split() or [""]
    widest = max(text_width(w, HEADER_PX) for w in words)
    if any(ord(c) >= 0x2E80 for c in label):
        widest = max(widest, text_width(label, HEADER_PX) / 2)
    return widest + HEADER_PADDING


def column_min_width(label: str, texts: Iterable[object], floor: int = 90,
                     cap: int | None = None) -> int:
    """The narrowest width that shows the header and the widest of `texts` uncut;
    `cap` limits name columns (their cells wrap and carry a tooltip)."""
    shown = [str(v) for v in texts if v is not None]
    longest = sorted(shown, key=len, reverse=True)[:40]  # the widest is among the longest
    cells = max((text_width(v) for v in longest), default=0.0) + CELL_PADDING
    width = max(float(floor), cells)
    if cap is not None:
        width = min(width, float(cap))
    return int(max(width, header_width(label)) + 0.5)
