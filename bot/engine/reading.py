"""Read a message's words as the bot reads them: text-speak and synonyms replaced, misspellings mended.

Misspellings are mended against the words the phrases and examples use; correctly spelt English words
(content/understanding/english-words.txt) are left as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Self

from bot.engine.lexicon import Lexicon
from bot.engine.spelling import Speller
from bot.engine.words import words

LONGEST_WORD = 24  # longer "words" are not words: never corrected (correcting them costs seconds)
SPLIT_FROM = 9  # an unknown word this long may be words typed without spaces
_STRETCHED = re.compile(r"(.)\1{2,}")
_LEET = str.maketrans("013457", "oieast")  # "kn1fe", "h3lp": a digit typed for the letter it looks like
_DIGIT_INSIDE = re.compile(r"[a-z][0-9]+[a-z]")


class WordReader:
    """Turns text into the words the bot reads, with one lexicon; build once at start-up."""

    def __init__(self, lexicon: Lexicon, forms: Iterable[tuple[str, ...]], examples: list[tuple[str, ...]]) -> None:
        """Learn the known words from the phrases' forms and the examples' words (already read)."""
        self.lexicon = lexicon
        counts: Counter[str] = Counter(w for form in forms for w in form if w != "*")
        counts.update(w for key in lexicon.say_as for w in key)
        seen: Counter[str] = Counter(w for said in examples for w in dict.fromkeys(said))
        # Words of the examples are known too, unless rare (it may be a misspelling) or a misspelling of a
        # word the phrases use ("harrasment" is common in the examples, and still means "harassment").
        # Between two words as near, a danger word wins: "nife" is read as "knife", not "wife" (recall first).
        danger = {w for t in lexicon.danger for e in t.phrases for form in e.phrase.forms for w in form}
        self._speller = Speller(_by_use(counts, danger))
        counts.update({w: n for w, n in seen.items() if n > 2 and self._correct(w) == w})
        self._speller = Speller(_by_use(counts, danger))
        self._cached()

    @classmethod
    def restore(cls, lexicon: Lexicon, speller: Speller) -> Self:
        """Return a reader with the speller one built before (``speller.state()`` kept and restored)."""
        found = cls.__new__(cls)
        found.lexicon, found._speller = lexicon, speller
        found._cached()
        return found

    @property
    def speller(self) -> Speller:
        """Return the speller of the known words."""
        return self._speller

    def _cached(self) -> None:
        self.correct = lru_cache(maxsize=8192)(self._correct)
        self.normalise_label = lru_cache(maxsize=1024)(self.normalise)  # button labels: few, read every turn

    def normalise(self, text: str) -> tuple[str, ...]:
        """Return the words of a text as the bot reads them: text-speak replaced, misspellings corrected."""
        return self.corrected(self.lexicon.read(words(text)))

    def corrected(self, said: tuple[str, ...]) -> tuple[str, ...]:
        fixed = tuple(part for w in said for part in self.correct(w).split())
        return said if fixed == said else self.lexicon.read(fixed)

    def _correct(self, word: str) -> str:
        if _DIGIT_INSIDE.search(word) and word.translate(_LEET).isalpha():
            plain = self._correct(word.translate(_LEET))
            return plain if plain in self._speller or plain in self.lexicon.english else word
        if word in self._speller or not 3 <= len(word) <= LONGEST_WORD or not word.isalpha():
            return word
        if word in self.lexicon.english:  # "wake" is not a misspelt "take"
            return word
        for plain in dict.fromkeys(_unstretched(word)):  # "heeelp", "pleeease": letters held down in fear
            if plain in self._speller:
                return plain
        if word.endswith("in") and (word + "g" in self._speller or word + "g" in self.lexicon.english):  # "walkin"
            return word + "g"
        if len(word) < 4:  # a short unknown word is more often text-speak ("lol", "idk") than a typo
            return word
        limit = 1 if len(word) <= 6 else 2  # wider only for longer words: "pull" is not "pulled"
        fixed = self._speller.correct(word, limit)
        return fixed or (self._split(word) if len(word) >= SPLIT_FROM else word)

    def _split(self, word: str) -> str:
        """Return a run of known words typed without spaces ("cantspeakhesinthehouse"), or the word."""
        known = self._speller.__contains__
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - LONGEST_WORD), end):
                before, piece = best[start], word[start:end]
                if before is None or len(piece) < 2 or not (known(piece) or piece in self.lexicon.english):
                    continue
                if best[end] is None or _cost([*before, piece], known) < _cost(best[end] or [], known):
                    best[end] = [*before, piece]
        found = best[-1]
        return " ".join(found) if found and len(found) > 1 else word


def _unstretched(word: str) -> list[str]:
    """Return a word with each run of three or more of a letter cut to one, then to two."""
    if not _STRETCHED.search(word):
        return []
    return [_STRETCHED.sub(r"\1", word), _STRETCHED.sub(r"\1\1", word)]


def _cost(pieces: list[str], known: Callable[[str], bool]) -> int:
    """Rank ways to split a word: fewest words, then most of them words the bot uses ("hes in", not "he sin")."""
    return 2 * len(pieces) + sum(not known(p) for p in pieces)


def _by_use(counts: Counter[str], first: set[str]) -> list[str]:
    """Return the words of ``first``, then the rest, each most used first, ties in alphabetical order."""
    return [w for w, _ in sorted(counts.items(), key=lambda item: (item[0] not in first, -item[1], item[0]))]
