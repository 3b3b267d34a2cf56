"""Correct a misspelt word to the nearest known one (SymSpell's deletion neighbourhoods, optimal string
alignment distance). rapidfuzz did this too, but loading it added 4.4 MB to idle memory (docs/understanding.md).
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Self


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _listed(found: str | tuple[str, ...]) -> tuple[str, ...]:
    return (found,) if isinstance(found, str) else found


def distance(a: str, b: str) -> int:
    """Return the optimal string alignment distance: insertions, deletions, substitutions, swaps of neighbours."""
    previous, current = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, previous = previous, current
    return previous[len(b)]


class Speller:
    """Known words, most common first; ``correct`` finds the closest within a distance."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._rank: dict[str, int] = {}
        # Most variants belong to one word: kept as that word, not a list of one (a megabyte less when idle).
        self._near: dict[str, str | tuple[str, ...]] = {}
        for word in vocabulary:
            if word in self._rank:
                continue
            self._rank[word] = len(self._rank)
            for variant in {word} | _deletions(word):
                before = self._near.get(variant)
                self._near[variant] = word if before is None else (*_listed(before), word)

    def __contains__(self, word: object) -> bool:
        return word in self._rank

    def state(self) -> tuple[dict[str, int], dict[str, str | tuple[str, ...]]]:
        """Return the known words and their variants, as plain data."""
        return self._rank, self._near

    @classmethod
    def restore(cls, state: tuple[dict[str, int], dict[str, str | tuple[str, ...]]]) -> Self:
        """Return a speller made before, from its ``state()``."""
        found = cls.__new__(cls)
        found._rank, found._near = state
        return found

    def correct(self, word: str, limit: int) -> str | None:
        """Return the most common known word within ``limit`` edits (1 or 2), or None."""
        variants = {word} | _deletions(word)
        if limit > 1:
            variants |= {d for v in list(variants) for d in _deletions(v)}
        candidates = {known for v in variants for known in _listed(self._near.get(v, ()))}
        # On a tie, a word with a letter left out ("pulld") is likelier than one with a letter too many.
        scored = [(distance(word, known), len(known) < len(word), self._rank[known], known) for known in candidates]
        best = min((s for s in scored if s[0] <= limit), default=None)
        return best[3] if best else None


class WordSet:
    """Many words in little memory, as their sorted CRC-32s: 40,000 words take 160 KB, not 3 MB.

    An unknown word is taken for one of them about once in 100,000: it is then left as written.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._codes = array("I", sorted({zlib.crc32(w.encode()) for w in words}))

    def state(self) -> bytes:
        """Return the words' codes, as bytes."""
        return self._codes.tobytes()

    @classmethod
    def restore(cls, state: bytes) -> Self:
        """Return a set made before, from its ``state()``."""
        found = cls()
        found._codes = array("I", state)
        return found

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        code = zlib.crc32(word.encode())
        at = bisect_left(self._codes, code)
        return at < len(self._codes) and self._codes[at] == code

    def __len__(self) -> int:
        return len(self._codes)
