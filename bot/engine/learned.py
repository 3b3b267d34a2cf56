"""What the understanding learns from a lexicon at start-up, kept as plain data, and makes of a message.

Plain data (dicts, lists, tuples, strings, numbers, bytes) so a cache can keep it in a format that is not
pickle (bot.flows.learned_cache) and give it back: the understanding then reads exactly as if it had learned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from bot.engine.classifier import Classifier, Score, State, features
from bot.engine.lexicon import Entry, Example, Lexicon, Topic
from bot.engine.linear import Linear
from bot.engine.linear import State as LinearState
from bot.engine.phrases import Phrase, PhraseIndex, Trie
from bot.engine.reading import WordReader
from bot.engine.spelling import Speller
from bot.engine.words import words

SAFE = "safe"  # the danger classifier's label for examples that are not danger now
CUES = ("past", "hypothetical", "present", "present_tense", "in_a_note")


class Tables(NamedTuple):
    """Everything learned from a lexicon, as plain data; valid only with that same lexicon."""

    speller: tuple[dict[str, int], dict[str, str | tuple[str, ...]]]
    classifier: State
    exact: list[str]  # each example's words as read, in the lexicon's order
    tries: dict[str, Trie]
    linear: LinearState


@dataclass(frozen=True)
class Learned:
    """The reader, the classifier and the phrase indexes built from one lexicon."""

    reader: WordReader
    classifier: Classifier
    exact: list[str]
    topics: dict[str, PhraseIndex[Topic]]  # danger, intents, weak
    names: dict[str, PhraseIndex[str]]  # "slot NAME" and "cue NAME"
    linear: Linear  # two columns: intents, and danger kinds or SAFE; from examples/ and development/

    def tables(self) -> Tables:
        """Return what was learned, as plain data."""
        tries = {name: index.trie for name, index in self.topics.items()}
        tries.update({name: index.trie for name, index in self.names.items()})
        return Tables(self.reader.speller.state(), self.classifier.state(), self.exact, tries, self.linear.state())


def entries(lexicon: Lexicon) -> list[Entry]:
    """Return every phrase of a lexicon with where it was written, in the same order each time."""
    topics = [*lexicon.danger, *lexicon.intents.values(), *(t for ts in lexicon.slots.values() for t in ts)]
    return [*(e for t in topics for e in t.phrases), *(e for es in lexicon.not_now.values() for e in es)]


def learn(lexicon: Lexicon) -> Learned:
    """Learn the known words, the labelled examples and the phrase indexes of a lexicon."""
    raw = [lexicon.read(words(e.text)) for e in lexicon.examples]
    reader = WordReader(lexicon, [form for e in entries(lexicon) for form in e.phrase.forms], raw)
    said = [reader.corrected(r) for r in raw]
    # One comparison with the labelled examples gives both the intent and danger by likeness.
    classifier = Classifier((s, _labels(lexicon, e), e.text) for s, e in zip(said, lexicon.examples, strict=True))
    # The linear models learn from the development messages too: unlike the nearest examples, they gain by it.
    rows = [*zip(said, lexicon.examples, strict=True), *((reader.normalise(e.text), e) for e in lexicon.development)]
    linear = Linear(((features(s), _labels(lexicon, e)) for s, e in rows), columns=2)
    return _indexed(lexicon, reader, classifier, [" ".join(s) for s in said], {}, linear)


def restore(lexicon: Lexicon, tables: Tables) -> Learned:
    """Return what ``learn(lexicon).tables()`` gave before, ready to use again."""
    reader = WordReader.restore(lexicon, Speller.restore(tables.speller))
    linear = Linear.restore(tables.linear)
    return _indexed(lexicon, reader, Classifier.restore(tables.classifier), tables.exact, tables.tries, linear)


def _labels(lexicon: Lexicon, example: Example) -> tuple[str, str]:
    intent = example.intent if example.intent is not None and example.intent in lexicon.intents else ""
    return intent, example.danger or SAFE


def _indexed(
    lexicon: Lexicon,
    reader: WordReader,
    classifier: Classifier,
    exact: list[str],
    tries: dict[str, Trie],
    linear: Linear,
) -> Learned:
    intents = lexicon.intents.values()
    topics: dict[str, list[tuple[Topic, Phrase]]] = {
        "danger": [(t, e.phrase) for t in lexicon.danger for e in t.phrases],
        "intents": [(t, e.phrase) for t in intents if not t.weak for e in t.phrases],
        "weak": [(t, e.phrase) for t in intents if t.weak for e in t.phrases],
    }
    names: dict[str, list[tuple[str, Phrase]]] = {
        **{f"slot {s}": [(t.name, e.phrase) for t in ts for e in t.phrases] for s, ts in lexicon.slots.items()},
        **{f"cue {name}": [(name, e.phrase) for e in lexicon.not_now.get(name, ())] for name in CUES},
    }
    return Learned(
        reader,
        classifier,
        exact,
        {name: PhraseIndex(pairs, tries.get(name)) for name, pairs in topics.items()},
        {name: PhraseIndex(pairs, tries.get(name)) for name, pairs in names.items()},
        linear,
    )


class Likely:
    """What the learned models make of one message, each part worked out only when it is needed."""

    def __init__(self, learned: Learned, found: Counter[str]) -> None:
        self._learned, self._found = learned, found

    @cached_property
    def nearest(self) -> list[list[Score]]:
        """Return the nearest examples' intents and danger kinds."""
        return self._learned.classifier.scores(self._found, columns=2) if self._found else [[], []]

    @cached_property
    def _vector(self) -> dict[int, float]:
        return self._learned.linear.vector(self._found)

    def shares(self, column: int) -> list[Score]:
        """Return the linear model's shares in a column (0: intents, 1: danger kinds and safe)."""
        return self._learned.linear.shares(self._vector, column) if self._found else []

    @cached_property
    def intents(self) -> list[Score]:
        """Return the intents' shares, each with its closest labelled example."""
        closest = {s.topic: s.example for s in self.nearest[0]}
        return [Score(s.topic, s.score, closest.get(s.topic, "")) for s in self.shares(0)]
