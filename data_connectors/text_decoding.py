"""Turning a file's bytes into text with the encoding its mapping names, or a clear reason why not.

Chinese Excel saves CSV as GBK (GB18030 is its superset), everything else mostly as UTF-8 with
or without a byte-order mark. `auto` tries UTF-8, then GB18030. A file that does not decode
gives one message naming the line, the byte position and the bytes, and — when another usual
encoding reads the file — which `encoding:` to set, because "invalid start byte" alone helps
nobody.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

AUTO = "auto"
_UTF8 = "utf-8-sig"  # UTF-8, with or without a byte-order mark
_LABELS = {"utf-8": "UTF-8", "gbk": "GBK", "gb18030": "GB18030", "gb2312": "GB2312"}


@dataclass(frozen=True)
class Decoded:
    """The text (None if undecodable), the codec used, and else the line and reason."""

    text: str | None
    encoding: str = ""
    line: int | None = None
    reason: str = ""
    note: str = ""  # a remark for the report, e.g. that auto fell back to GB18030


def decode(data: bytes, encoding: str = AUTO) -> Decoded:
    """Decode `data` as `encoding` ("auto", or any Python codec name such as gbk)."""
    if encoding.strip().lower() == AUTO:
        return _decode_auto(data)
    try:
        name = codecs.lookup(encoding.strip()).name
    except LookupError:
        return Decoded(None, reason=f"unknown encoding {encoding!r} in the mapping "
                                    "(use auto, utf-8, gbk, gb18030, latin-1, …)")  # fmt: skip
    codec = _UTF8 if name == "utf-8" else name
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError as err:
        return _explain(data, name, err)


def _decode_auto(data: bytes) -> Decoded:
    try:
        return Decoded(data.decode(_UTF8), _UTF8)
    except UnicodeDecodeError as err:
        utf8_error = err
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        line = _line_of(data, utf8_error.start)
        return Decoded(None, line=line,
                       reason=f"not valid UTF-8 text (at byte offset {utf8_error.start})")
    return Decoded(text, "gb18030", note="not valid UTF-8, so read as GBK/GB18030")


def _explain(data: bytes, name: str, err: UnicodeDecodeError) -> Decoded:
    """One reason naming the bytes, their offset and (if found) the encoding that works."""
    label = _LABELS.get(name, name)
    shown = " ".join(f"0x{b:02x}" for b in data[err.start : max(err.end, err.start + 2)][:4])
    reason = f"bytes {shown} at byte offset {err.start} are not valid {label}"
    guess = _guess(data, name)
    if guess:
        reason += f" — the file looks like {guess[0]}; set `encoding: {guess[1]}` in the mapping"
    return Decoded(None, line=_line_of(data, err.start), reason=reason)


def _guess(data: bytes, tried: str) -> tuple[str, str] | None:
    """(what the file looks like, the encoding to set), if a usual encoding reads it."""
    candidates = (("utf-8", _UTF8, "UTF-8", "utf-8"), ("gbk", "gbk", "GBK/GB18030", "gbk"),
                  ("gb18030", "gb18030", "GB18030", "gb18030"))  # fmt: skip
    for name, codec, label, setting in candidates:
        if name == tried:
            continue
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return label, setting
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
