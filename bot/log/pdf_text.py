"""Text as the PDF's fonts can print it: emoji as their names, anything no font has named, nothing dropped.

DejaVu Sans draws Latin, Greek, Cyrillic, Hebrew and most Arabic; fallbacks the rest of Arabic and Urdu
(Noto Sans Arabic), Devanagari, Bengali, Gurmukhi and Gujarati (Noto Sans), and Chinese, Japanese and Korean
(Droid Sans Fallback). Lines in a right-to-left script, or that need a fallback, are shaped by HarfBuzz.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Sequence
from typing import Any

import emoji

RIGHT_TO_LEFT = frozenset({"R", "AL"})
ASCII_CONTROLS = {code: None for code in (*range(32), 127) if code != ord("\n")}
INVISIBLE = frozenset({"\u200d", "\ufe0e", "\ufe0f"})  # joiners and variation selectors left after emoji
# CJK radicals to Yi, Hangul, compatibility ideographs and forms, fullwidth forms, the supplementary ideographs.
WIDE_BLOCKS: tuple[tuple[int, int], ...] = (
    *((0x2E80, 0xA4CF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F)),
    *((0xFF00, 0xFFEF), (0x20000, 0x3FFFF)),
)


class Glyphs:
    """The characters a PDF's fonts can draw, and how wide the first font that has one draws it."""

    def __init__(self, fonts: Sequence[Any]) -> None:
        self.fonts = fonts

    def __contains__(self, code: object) -> bool:
        return any(code in font.cmap for font in self.fonts)

    def width(self, code: int) -> float:
        """Return a character's advance (thousandths of the size) in the first font that has it."""
        return next((float(font.cw[code]) for font in self.fonts if code in font.cmap), 0.0)


def wide_script(text: str) -> bool:
    """Tell whether text has Chinese, Japanese or Korean characters (the large CJK font is then needed)."""
    if text.isascii():
        return False
    return any(low <= ord(c) <= high for c in text for low, high in WIDE_BLOCKS)


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
