"""Text as the PDF's fonts can print it: emoji as their names, anything no font has named, nothing dropped.

DejaVu Sans draws Latin, Greek, Cyrillic, Hebrew and most Arabic; Noto Sans Arabic (a fallback) the rest of
Arabic and Urdu. Lines in a right-to-left script, or that need the fallback, are shaped by HarfBuzz.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container

import emoji

RIGHT_TO_LEFT = frozenset({"R", "AL"})
ASCII_CONTROLS = {code: None for code in (*range(32), 127) if code != ord("\n")}
INVISIBLE = frozenset({"\u200d", "\ufe0e", "\ufe0f"})  # joiners and variation selectors left after emoji


def drawable(text: str, glyphs: Container[int]) -> str:
    """Return text the fonts can print: controls dropped (line breaks kept), emoji and unknown characters named."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if text.isascii():  # most notes: no emoji, nothing a font lacks
        return text.translate(ASCII_CONTROLS)
    text = emoji.replace_emoji(text, replace=_emoji_name)
    return "".join(_char(c, glyphs) for c in text if c == "\n" or c.isprintable())


def _emoji_name(chars: str, data: dict[str, str]) -> str:
    return "[" + data["en"].strip(":").replace("_", " ") + "]"


def _char(c: str, glyphs: Container[int]) -> str:
    if c == "\n" or c == " " or ord(c) in glyphs:
        return c
    if c in INVISIBLE:
        return ""
    return "[" + unicodedata.name(c, f"U+{ord(c):04X}").lower() + "]"


def needs_shaping(line: str, plain: Container[int]) -> bool:
    """Tell whether a line must be shaped: a right-to-left script, or characters only the fallback font has."""
    if line.isascii():
        return False
    return any(unicodedata.bidirectional(c) in RIGHT_TO_LEFT or ord(c) not in plain for c in line if c != " ")


def right_to_left(line: str) -> bool:
    """Tell whether a line's first strong character is right-to-left (it is then aligned right)."""
    for c in line:
        kind = unicodedata.bidirectional(c)
        if kind in RIGHT_TO_LEFT:
            return True
        if kind == "L":
            return False
    return False
