"""Turn free text into comparable words."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": ""})
_NOT_WORD = re.compile(r"[^\w*]+")


def words(text: str) -> tuple[str, ...]:
    """Return the lower-case words of a text, apostrophes dropped ("he's" -> "hes")."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(w for w in _NOT_WORD.split(folded.replace("_", " ")) if w)
