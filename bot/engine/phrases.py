"""Phrase patterns written by people: "(a|b) * c", matched against words with bounded gaps."""

from __future__ import annotations

import functools
import itertools
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.engine.words import words

MAX_GAP = 3  # words a "*" may stand for: wide enough for "is this really stalking", not a whole sentence
MAX_FORMS = 2048  # spelled-out forms of one phrase, so a typo in a pattern cannot blow up the index
K = TypeVar("K")
Match = tuple[K, "Phrase", tuple[int, int]]
_TOKEN = re.compile(r"\(([^()]*)\)|(\*)|([^\s()*]+)")


class PhraseError(ValueError):
    """A phrase that cannot be read, with the reason."""


@dataclass(frozen=True)
class Phrase:
    """A pattern as written, and every form it spells out (words, with "*" for a gap)."""

    text: str
    spelt: str  # the forms, a line each: one string takes a third of the memory of tens of thousands of tuples
    whole: bool
    keyword: bool = False  # one word or one list of alternatives, such as "(camera|cctv)": a clue, not proof

    @property
    def forms(self) -> tuple[tuple[str, ...], ...]:
        """Return every form, as words."""
        return tuple(tuple(map(sys.intern, line.split(" "))) for line in self.spelt.split("\n"))


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
    forms: dict[tuple[str, ...], None] = {}  # in order, each once
    read = functools.lru_cache(maxsize=None)(read)  # the same runs of words recur in many forms
    for combo in itertools.islice(itertools.product(*slots), MAX_FORMS + 1):
        form = _strip_gaps(_read_form(tuple(w for part in combo for w in part), read))
        if form:
            forms[form] = None
    if len(forms) > MAX_FORMS:
        raise PhraseError(f"spells out more than {MAX_FORMS} forms: split it into simpler phrases")
    if not any(w != "*" for form in forms for w in form):
        raise PhraseError("has no words to match")
    return Phrase(text, "\n".join(" ".join(f) for f in forms), whole, keyword=not whole and len(slots) == 1)


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


V = TypeVar("V")
T = TypeVar("T")
Table = dict[str, V] | tuple[str, V] | None  # a table of one word is kept as a pair: most are, and a dict is 4x


def _get(table: Table[V], word: str) -> V | None:
    """Return what a word leads to in a table, or None."""
    if table is None:
        return None
    if isinstance(table, tuple):
        return table[1] if table[0] == word else None
    return table.get(word)


def _packed(table: Table[V]) -> Table[V]:
    return next(iter(table.items())) if isinstance(table, dict) and len(table) == 1 else table


Ends = tuple[int, ...]  # the phrases that end at a word, as their places in the index's list
# A built trie node is plain data (the words that may come next, the phrases that end with a next word, what
# a gap leads to), so the learned tables can be kept and read back whole (bot.engine.learned).
Trie = tuple["Table[Trie]", "Table[Ends]", "Trie | None"]


class _Node:
    """One step of the phrase trie while it is built: phrases that end with a next word are kept without a
    node of their own (most forms end in a list of alternatives)."""

    __slots__ = ("gap", "last", "next")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        self.last: dict[str, Ends] = {}
        self.gap: _Node | None = None

    def child(self, word: str) -> _Node:
        """Return the node after a word, making it if needed."""
        found = self.next.get(word)
        if found is None:
            found = self.next[word] = _Node()
        return found

    def end(self, word: str, end: int) -> None:
        """Record a phrase that ends with this word after this node."""
        before = self.last.get(word)
        if before is None:
            self.last[word] = (end,)
        elif end not in before:
            self.last[word] = (*before, end)

    def frozen(self, tables: dict[object, object]) -> Trie:
        """Return this node and those below as a trie, each table of one word as a pair, equal tables once.

        "outside (my|the|our) (house|flat|…)" ends in the same table after "my", "the" and "our".
        """
        last = {word: _once(tables, ends) for word, ends in self.last.items()}
        after = {word: node.frozen(tables) for word, node in self.next.items()}
        gap = self.gap.frozen(tables) if self.gap is not None else None
        return (_packed(after or None), _once(tables, _packed(last or None)), gap)


def _once(tables: dict[object, object], value: T) -> T:
    """Return the one copy of an equal value kept so far (tables and lists of ends recur across the trie)."""
    key = tuple(sorted(value.items())) if isinstance(value, dict) else value
    return tables.setdefault(key, value)  # type: ignore[return-value]


class PhraseIndex(Generic[K]):
    """Many phrases, each with a key, found in a message in one pass over a trie of their forms."""

    def __init__(self, phrases: Iterable[tuple[K, Phrase]], trie: Trie | None = None) -> None:
        """Index phrases; ``trie``: the trie built before from the same phrases, in the same order."""
        self._ends = list(phrases)
        self.trie = trie if trie is not None else self._built()

    def _built(self) -> Trie:
        root = _Node()
        for index, (_, phrase) in enumerate(self._ends):
            for form in phrase.forms:
                node = root
                for word in form[:-1]:
                    if word == "*":
                        node.gap = node.gap or _Node()
                        node = node.gap
                    else:
                        node = node.child(word)
                node.end(form[-1], index)
        return root.frozen({})

    def find(self, said: tuple[str, ...], every: bool = False) -> list[tuple[K, Phrase, tuple[int, int]]]:
        """Return every phrase that matches, with its first match (start, end), in order of where it starts;
        ``every``: each of its matches ("no knife but he has got a bat" matches the weapons twice)."""
        found: dict[object, Match[K]] = {}
        for start in range(len(said)):
            self._step(self.trie, said, start, start, found, every)
        return list(found.values())

    def _step(
        self, node: Trie, said: tuple[str, ...], start: int, at: int, found: dict[object, Match[K]], every: bool
    ) -> None:
        """Follow the word at ``at`` from this node: a phrase may end with it, or go on after it."""
        if at >= len(said):
            return
        word = said[at]
        after, last, gap = node
        for end in _get(last, word) or ():
            key, phrase = self._ends[end]
            seen: object = (id(phrase), start, at + 1) if every else id(phrase)
            if seen not in found and (not phrase.whole or (start == 0 and at + 1 == len(said))):
                found[seen] = (key, phrase, (start, at + 1))
        step = _get(after, word)
        if step is not None:
            self._step(step, said, start, at + 1, found, every)
        if gap is not None and at > start:
            for skip in range(MAX_GAP + 1):
                self._step(gap, said, start, at + skip, found, every)
