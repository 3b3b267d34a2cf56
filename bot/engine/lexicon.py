"""What the bot knows about typed text (content/understanding/, read by bot.flows.lexicon_files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from bot.engine.model import Source
from bot.engine.phrases import Phrase
from bot.engine.spelling import WordSet

DANGER_KINDS = ("cannot_speak", "followed_on_foot", "followed_driving", "nearby", "weapon", "threat", "attack")


@dataclass(frozen=True)
class Entry:
    """A phrase and where it was written."""

    phrase: Phrase
    source: Source


@dataclass(frozen=True)
class Topic:
    """Something a message can mean (a danger kind, an intent, a slot value), with its phrases."""

    name: str
    go: str | None
    phrases: tuple[Entry, ...]
    source: Source
    label: str = ""
    weak: bool = False  # an intent taken only when nothing else matched ("I'm not in danger")
    ignore_cues: bool = False  # a danger kind no past or "what if" cue can set aside
    phrase_only: bool = False  # an intent with side effects: taken on a phrase, only offered on a guess
    over: tuple[str, ...] = ()  # broader intents this one wins over when both match ("anonymous" over "report")


@dataclass(frozen=True)
class Example:
    """A labelled message: what a person might type and where it should lead."""

    text: str
    intent: str | None
    danger: str | None
    source: Source


@dataclass(frozen=True)
class Lexicon:
    """Everything in content/understanding/, ready for the understanding module."""

    say_as: Mapping[tuple[str, ...], tuple[str, ...]]
    danger: tuple[Topic, ...]
    not_now: Mapping[str, tuple[Entry, ...]]
    driving_words: frozenset[str]
    intents: Mapping[str, Topic]
    slots: Mapping[str, tuple[Topic, ...]]
    examples: tuple[Example, ...] = field(default=())
    development: tuple[Example, ...] = field(default=())  # learned by the linear models only, never looked up
    english: WordSet = field(default_factory=WordSet)  # correct spellings, never corrected to a known word

    @cached_property
    def firsts(self) -> frozenset[str]:
        """Return the words a say_as key can start with."""
        return frozenset(k[0] for k in self.say_as)

    @cached_property
    def longest(self) -> int:
        """Return the most words a say_as key has."""
        return max((len(k) for k in self.say_as), default=1)

    def read(self, said: tuple[str, ...]) -> tuple[str, ...]:
        """Replace text-speak and synonyms with the words the phrases are written in (longest first)."""
        if self.firsts.isdisjoint(said):
            return said
        out: list[str] = []
        i = 0
        longest = self.longest
        while i < len(said):
            for size in range(min(longest, len(said) - i), 0, -1):
                replacement = self.say_as.get(said[i : i + size])
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(said[i])
                i += 1
        return tuple(out)
