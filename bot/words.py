"""Turn free text into comparable words, and match word patterns against it."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "", "\u2018": "", "'": "", "`": ""})
_NOT_WORD = re.compile(r"[^\w*]+")


def words(text: str) -> tuple[str, ...]:
    """Return the lower-case words of a text, apostrophes dropped ("he's" -> "hes")."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return tuple(w for w in _NOT_WORD.split(folded.replace("_", " ")) if w)


def matches(pattern: tuple[str, ...], text: tuple[str, ...]) -> bool:
    """Tell whether the pattern's words occur in order and together in the text; ``*`` is any words."""
    if not pattern:
        return False
    return any(_match_at(pattern, text, start) for start in range(len(text)))


def _match_at(pattern: tuple[str, ...], text: tuple[str, ...], at: int) -> bool:
    if not pattern:
        return True
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(_match_at(rest, text, i) for i in range(at, len(text) + 1))
    return at < len(text) and text[at] == head and _match_at(rest, text, at + 1)


def contains(pattern: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """Tell whether every text matching the pattern must contain the phrase."""
    literal_runs: list[tuple[str, ...]] = []
    run: list[str] = []
    for word in (*pattern, "*"):
        if word == "*":
            if run:
                literal_runs.append(tuple(run))
            run = []
        else:
            run.append(word)
    return any(matches(phrase, chunk) for chunk in literal_runs)
