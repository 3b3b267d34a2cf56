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


class _Node(Generic[K]):
    """One step of the phrase trie: the words that may come next, phrases that end with a next word (kept
    without a node of their own: most forms end in a list of alternatives), and what a gap leads to."""

    __slots__ = ("gap", "last", "next")

    def __init__(self) -> None:
        self.next: Table[_Node[K]] = None
        self.last: Table[tuple[tuple[K, Phrase], ...]] = None
        self.gap: _Node[K] | None = None

    def child(self, word: str) -> _Node[K]:
        """Return the node after a word, making it if needed."""
        assert not isinstance(self.next, tuple)  # tables are packed only once the trie is built
        if self.next is None:
            self.next = {}
        found = self.next.get(word)
        if found is None:
            found = self.next[word] = _Node()
        return found

    def end(self, word: str, end: tuple[K, Phrase], alone: tuple[tuple[K, Phrase]]) -> None:
        """Record a phrase that ends with this word after this node."""
        assert not isinstance(self.last, tuple)
        if self.last is None:
            self.last = {}
        before = self.last.get(word)
        if before is None or before is alone:
            self.last[word] = alone
        elif end not in before:
            self.last[word] = (*before, end)

    def pack(self) -> None:
        """Keep each table of one word as a pair, and equal tables of last words once, here and below.

        "outside (my|the|our) (house|flat|…)" ends in the same table after "my", "the" and "our".
        """
        stack: list[_Node[K]] = [self]
        tables: dict[tuple[tuple[str, int], ...], Table[tuple[tuple[K, Phrase], ...]]] = {}
        while stack:
            node = stack.pop()
            children = list(node.next.values()) if isinstance(node.next, dict) else []
            stack.extend([*children, *([node.gap] if node.gap is not None else [])])
            node.next = _packed(node.next)
            if isinstance(node.last, dict):
                same = tuple(sorted((word, id(ends)) for word, ends in node.last.items()))
                node.last = tables.setdefault(same, _packed(node.last))


class PhraseIndex(Generic[K]):
    """Many phrases, each with a key, found in a message in one pass over a trie of their forms."""

    def __init__(self, phrases: Iterable[tuple[K, Phrase]]) -> None:
        self._root: _Node[K] = _Node()
        for key, phrase in phrases:
            end = (key, phrase)  # shared by every form, and so is a list of it alone: forms run to tens of thousands
            alone = (end,)
            for form in phrase.forms:
                node = self._root
                for word in form[:-1]:
                    if word == "*":
                        node.gap = node.gap or _Node()
                        node = node.gap
                    else:
                        node = node.child(word)
                node.end(form[-1], end, alone)
        self._root.pack()

    def find(self, said: tuple[str, ...]) -> list[tuple[K, Phrase, tuple[int, int]]]:
        """Return every phrase that matches, with its first match (start, end), in order of where it starts."""
        found: dict[int, Match[K]] = {}
        for start in range(len(said)):
            self._step(self._root, said, start, start, found)
        return list(found.values())

    def _step(self, node: _Node[K], said: tuple[str, ...], start: int, at: int, found: dict[int, Match[K]]) -> None:
        """Follow the word at ``at`` from this node: a phrase may end with it, or go on after it."""
        if at >= len(said):
            return
        word = said[at]
        for key, phrase in _get(node.last, word) or ():
            if id(phrase) not in found and (not phrase.whole or (start == 0 and at + 1 == len(said))):
                found[id(phrase)] = (key, phrase, (start, at + 1))
        after = _get(node.next, word)
        if after is not None:
            self._step(after, said, start, at + 1, found)
        if node.gap is not None and at > start:
            for skip in range(MAX_GAP + 1):
                self._step(node.gap, said, start, at + skip, found)
