"""Turn free text into comparable words."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": ""})
# Words, and pictographs as words of their own: "🆘" and "🔪" say as much as "sos" and "knife" (words.yaml).
_WORD = re.compile(r"[\w*]+|[\u2600-\u27bf\U0001f000-\U0001faff]")


def words(text: str) -> tuple[str, ...]:
    """Return the lower-case words of a text, apostrophes dropped ("he's" -> "hes")."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(_WORD.findall(folded.replace("_", " ")))
