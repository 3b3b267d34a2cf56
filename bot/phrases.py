"""Phrase patterns written by people: "(a|b) * c", matched against words with bounded gaps."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.words import words

MAX_GAP = 3  # words a "*" may stand for: wide enough for "is this really stalking", not a whole sentence
MAX_FORMS = 512  # spelled-out forms of one phrase, so a typo in a pattern cannot blow up the index
K = TypeVar("K")
_TOKEN = re.compile(r"\(([^()]*)\)|(\*)|([^\s()*]+)")


class PhraseError(ValueError):
    """A phrase that cannot be read, with the reason."""


@dataclass(frozen=True)
class Phrase:
    """A pattern as written, and every form it spells out (words, with "*" for a gap)."""

    text: str
    forms: tuple[tuple[str, ...], ...]
    whole: bool

    def find(self, said: tuple[str, ...]) -> tuple[int, int] | None:
        """Return where the phrase first matches (start, end), or None."""
        found = [span for form in self.forms if (span := _find(form, said, self.whole)) is not None]
        return min(found) if found else None


Reader = Callable[[tuple[str, ...]], tuple[str, ...]]


def compile_phrase(text: str, read: Reader = lambda said: said) -> Phrase:
    """Read a pattern such as "(is|are) outside * (house|flat)"; raise PhraseError when it cannot be read.

    ``read`` turns words as written into words as the bot reads them (text-speak, synonyms), so a phrase
    written "can't talk" matches what a message "cant talk" is read as.
    """
    body = text.strip()
    whole = body.startswith("=")
    body = body[1:].strip() if whole else body
    if "(" in body.replace(")", "") and body.count("(") != body.count(")"):
        raise PhraseError("has an unclosed '('")
    slots: list[list[tuple[str, ...]]] = []
    for group, star, word in _TOKEN.findall(body):
        if star:
            slots.append([("*",)])
        elif word:
            slots.append([words(word)])
        else:
            slots.append([words(choice) for choice in group.split("|")])
    forms: list[tuple[str, ...]] = []
    for combo in itertools.islice(itertools.product(*slots), MAX_FORMS + 1):
        form = _strip_gaps(_read_form(tuple(w for part in combo for w in part), read))
        if form and form not in forms:
            forms.append(form)
    if len(forms) > MAX_FORMS:
        raise PhraseError(f"spells out more than {MAX_FORMS} forms: split it into simpler phrases")
    if not any(w != "*" for form in forms for w in form):
        raise PhraseError("has no words to match")
    return Phrase(text, tuple(forms), whole)


def _strip_gaps(form: tuple[str, ...]) -> tuple[str, ...]:
    """Drop gaps at either end: they match anything, so they only make matching slower."""
    start, end = 0, len(form)
    while start < end and form[start] == "*":
        start += 1
    while end > start and form[end - 1] == "*":
        end -= 1
    return form[start:end]


def _read_form(form: tuple[str, ...], read: Reader) -> tuple[str, ...]:
    """Read each run of words between gaps as the bot reads a message."""
    out: list[str] = []
    run: list[str] = []
    for word in (*form, "*"):
        if word == "*":
            out.extend(read(tuple(run)))
            run = []
            out.append("*")
        else:
            run.append(word)
    return tuple(out[:-1])


class PhraseIndex(Generic[K]):
    """Many phrases, each with a key, found in a message in one pass (forms indexed by first word)."""

    def __init__(self, phrases: Iterable[tuple[K, Phrase]]) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], K, Phrase]]] = defaultdict(list)
        for key, phrase in phrases:
            for form in phrase.forms:
                self._first[form[0]].append((form, key, phrase))

    def find(self, said: tuple[str, ...]) -> list[tuple[K, Phrase, tuple[int, int]]]:
        """Return every phrase that matches, with its first match (start, end), in order of where it starts."""
        found: dict[int, tuple[K, Phrase, tuple[int, int]]] = {}
        for start, word in enumerate(said):
            for form, key, phrase in self._first.get(word, ()):
                if id(phrase) in found or (phrase.whole and start != 0):
                    continue
                end = _match_at(form, said, start)
                if end is not None and (not phrase.whole or end == len(said)):
                    found[id(phrase)] = (key, phrase, (start, end))
        return list(found.values())


def _find(form: tuple[str, ...], said: tuple[str, ...], whole: bool) -> tuple[int, int] | None:
    starts = [0] if whole else range(len(said))
    for start in starts:
        end = _match_at(form, said, start)
        if end is not None and (not whole or end == len(said)):
            return start, end
    return None


def _match_at(form: tuple[str, ...], said: tuple[str, ...], at: int) -> int | None:
    if not form:
        return at
    head, rest = form[0], form[1:]
    if head == "*":
        for skip in range(MAX_GAP + 1):
            if at + skip > len(said):
                break
            end = _match_at(rest, said, at + skip)
            if end is not None:
                return end
        return None
    if at < len(said) and said[at] == head:
        return _match_at(rest, said, at + 1)
    return None
