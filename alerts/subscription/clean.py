"""Text that comes from data (names, labels, errors) made safe for where it goes: one line
without control characters, markdown that cannot make links or emphasis, a short error.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def one_line(text: object) -> str:
    """One line of text: no line breaks or control characters (names are data)."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


_MD = str.maketrans({"[": "［", "]": "］", "<": "‹", ">": "›", "`": "'", "*": "∗"})


def md_safe(text: object) -> str:
    """Text from data inside markdown: no links, tags, code or emphasis can be made of it."""
    return one_line(text).translate(_MD)


def short_error(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "…"
