"""Read a typed message: danger now (and its kind), what the person asks for, or the best guesses.

Pure and synchronous like the engine: rules and phrases from content/understanding/, misspellings
corrected against the words those files use, and a small classifier learned from the labelled examples.
Every decision can be explained (``python -m bot explain "TEXT"``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from bot.classifier import Classifier, Score
from bot.lexicon import Entry, Lexicon, Topic
from bot.phrases import Phrase, PhraseIndex
from bot.words import words

# Danger kinds in order of what must be shown first: not being able to speak changes how to call 999.
KIND_ORDER = ("cannot_speak", "followed_driving", "followed_on_foot", "weapon", "threat", "nearby", "attack")
NEGATION_WINDOW = 3  # words before a match that can deny it ("is not", "no")
CLAUSE_STARTS = frozenset({"he", "she", "they", "i", "someone", "somebody", "there", "and", "but", "it", "my", "ex"})
SURE = 0.20  # classifier score taken as the answer (when the next is far enough behind)
MARGIN = 0.02
GUESS = 0.16  # scores worth offering as "Did you mean"
MAX_GUESSES = 3
MAX_WORDS = 80  # only the start of a long message is read for intents: the question usually comes early
_SENTENCE = re.compile(r"[.!?;\n]+")
_CLAUSE = re.compile(r"[.!?;,\n]+")


@dataclass(frozen=True)
class Reading:
    """What a message was understood to mean, and why."""

    said: tuple[str, ...]
    danger: str | None = None  # the kind of danger now
    danger_go: str | None = None
    past_danger: bool = False  # danger words about the past, a "what if", or denied
    intent: str | None = None
    go: str | None = None
    by_phrase: bool = False  # the intent was named by a phrase, not guessed by similarity
    guesses: tuple[str, ...] = ()  # intents to offer when unsure, best first
    slots: Mapping[str, str] = field(default_factory=dict)
    because: tuple[str, ...] = ()


CUES = ("past", "hypothetical", "present", "in_a_note")


@dataclass(frozen=True)
class _Hit:
    topic: Topic
    phrase: Phrase
    sentence: int
    span: tuple[int, int]


def _entries(lexicon: Lexicon) -> list[Entry]:
    topics = [*lexicon.danger, *lexicon.intents.values(), *(t for ts in lexicon.slots.values() for t in ts)]
    return [*(e for t in topics for e in t.phrases), *(e for es in lexicon.not_now.values() for e in es)]


class Understanding:
    """Reads typed messages with one lexicon; build once at start-up."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        phrases = [form for e in _entries(lexicon) for form in e.phrase.forms]
        counts: Counter[str] = Counter(w for form in phrases for w in form if w != "*")
        counts.update(w for key in lexicon.say_as for w in key)
        seen: Counter[str] = Counter(w for e in lexicon.examples for w in set(lexicon.read(words(e.text))))
        counts.update({w: n for w, n in seen.items() if n > 2})  # a rarer word may be a misspelling
        self._vocabulary = [w for w, _ in counts.most_common()]
        self._known = frozenset(self._vocabulary)
        self.correct = lru_cache(maxsize=8192)(self._correct)
        self.normalise_label = lru_cache(maxsize=1024)(self.normalise)  # button labels: few, read every turn
        self.classifier = Classifier(
            (self.normalise(e.text), e.intent, e.text)
            for e in lexicon.examples
            if e.intent is not None and e.intent in lexicon.intents
        )
        negations = lexicon.not_now.get("negations", ())
        self._negations = frozenset(f[0] for e in negations for f in e.phrase.forms if len(f) == 1)
        self._danger_phrases = PhraseIndex((t, e.phrase) for t in lexicon.danger for e in t.phrases)
        intents = lexicon.intents.values()
        self._intents = PhraseIndex((t, e.phrase) for t in intents if not t.weak for e in t.phrases)
        self._weak = PhraseIndex((t, e.phrase) for t in intents if t.weak for e in t.phrases)
        self._slot_indexes = {
            slot: PhraseIndex((t.name, e.phrase) for t in values for e in t.phrases)
            for slot, values in lexicon.slots.items()
        }
        self._cues = {name: PhraseIndex((name, e.phrase) for e in lexicon.not_now.get(name, ())) for name in CUES}
        self._where = {id(e.phrase): e.source for e in _entries(lexicon)}
        self._in_a_note = [e.phrase for e in lexicon.not_now.get("in_a_note", ())]

    def normalise(self, text: str) -> tuple[str, ...]:
        """Return the words of a text as the bot reads them: text-speak replaced, misspellings corrected."""
        said = self.lexicon.read(words(text))
        return self.lexicon.read(tuple(self.correct(w) for w in said))

    def _correct(self, word: str) -> str:
        if word in self._known or len(word) < 4 or not word.isalpha():
            return word
        limit = 1 if len(word) <= 8 else 2  # wider only for long words: "pulled" is not "pull"
        found = extractOne(word, self._vocabulary, scorer=OSA.distance, score_cutoff=limit)
        return str(found[0]) if found else word

    def danger_now(self, text: str) -> str | None:
        """Return the kind of danger a message describes now, or None (danger only: cheap for flood checks)."""
        sentences = [s for s in (self.normalise(part) for part in _SENTENCE.split(text)) if s]
        hit, _ = self._danger(sentences, [], noting=False)
        return hit.topic.name if hit else None

    def read(self, text: str, noting: bool = False) -> Reading:
        """Understand one message; ``noting``: it answers a note's question, so it is about what happened."""
        sentences = [s for s in (self.normalise(part) for part in _SENTENCE.split(text)) if s]
        said = tuple(w for s in sentences for w in s)
        because = [f"read as: {' '.join(said)}"] if said else ["nothing to read"]
        danger, past = self._danger(sentences, because, noting)
        kind = danger.topic if danger else None
        if kind is not None and kind.name == "followed_on_foot" and self.lexicon.driving_words & set(said):
            kind = next((k for k in self.lexicon.danger if k.name == "followed_driving"), kind)
            because.append("a car is mentioned, so: followed while driving")
        clauses = [c for part in _CLAUSE.split(text) if (c := self.normalise(part))]
        intent, guesses = self._intent(clauses, said[:MAX_WORDS], because)
        slots = self._slots(sentences, because)
        return Reading(
            said,
            danger=kind.name if kind else None,
            danger_go=kind.go if kind else None,
            past_danger=past,
            intent=intent.name if intent else None,
            go=intent.go if intent else None,
            by_phrase=any(line.startswith("intent:") and ", phrase " in line for line in because),
            guesses=guesses,
            slots=slots,
            because=tuple(because),
        )

    def _danger(self, sentences: list[tuple[str, ...]], because: list[str], noting: bool) -> tuple[_Hit | None, bool]:
        hits, past = [], False
        for index, sentence in enumerate(sentences):
            cue = self._not_now(sentence)
            if cue is None and noting and self._in_a_note and not self._cues["in_a_note"].find(sentence):
                cue = self._in_a_note[0]
            for topic, phrase, span in self._danger_phrases.find(sentence):
                said = " ".join(sentence[span[0] : span[1]])
                if self._denied(sentence, span[0]):
                    because.append(f"not danger: '{said}' is denied just before it")
                elif cue is not None and not topic.ignore_cues:
                    why = "no word of now in a note" if noting and cue in self._in_a_note else f"'{cue.text}'"
                    because.append(f"not danger now: '{said}', but {why} in that sentence")
                    past = True
                else:
                    hits.append(_Hit(topic, phrase, index, span))
        hits.sort(key=lambda h: KIND_ORDER.index(h.topic.name) if h.topic.name in KIND_ORDER else len(KIND_ORDER))
        for hit in hits[:1]:
            because.append(f"danger: {hit.topic.name}, phrase '{hit.phrase.text}' ({self._where[id(hit.phrase)]})")
        return (hits[0] if hits else None), past

    def _not_now(self, sentence: tuple[str, ...]) -> Phrase | None:
        """Return the past or "what if" cue of a sentence, unless a present cue outside it keeps it now."""
        cues = [*self._cues["past"].find(sentence), *self._cues["hypothetical"].find(sentence)]
        if not cues:
            return None
        covered = {i for _, _, (start, end) in cues for i in range(start, end)}
        present = [span for _, _, span in self._cues["present"].find(sentence) if not covered & set(range(*span))]
        return None if present else cues[0][1]

    def _intent(
        self, clauses: list[tuple[str, ...]], said: tuple[str, ...], because: list[str]
    ) -> tuple[Topic | None, tuple[str, ...]]:
        """Take the first clause that a phrase matches, and in it the longest phrase; else ask the classifier."""
        for clause in clauses:
            hits = self._intents.find(clause) or self._weak.find(clause)
            if hits:
                topic, phrase, _ = min(hits, key=lambda h: (h[2][0] - h[2][1], h[2][0]))
                because.append(f"intent: {topic.name}, phrase '{phrase.text}' ({self._where[id(phrase)]})")
                return topic, ()
        return self._by_similarity(self.classifier.scores(said) if said else [], because)

    def _by_similarity(self, scores: list[Score], because: list[str]) -> tuple[Topic | None, tuple[str, ...]]:
        if not scores or scores[0].score < GUESS:
            because.append("no intent: nothing close enough")
            return None, ()
        best, runner = scores[0], scores[1] if len(scores) > 1 else None
        shown = ", ".join(f"{s.topic} {s.score:.2f}" for s in scores[:3])
        sure = best.score >= SURE and (runner is None or best.score - runner.score >= MARGIN)
        if sure and not self.lexicon.intents[best.topic].phrase_only:
            because.append(f"intent: {best.topic}, by similarity ({shown}; closest example: '{best.example}')")
            return self.lexicon.intents[best.topic], ()
        guesses = tuple(s.topic for s in scores[:MAX_GUESSES] if s.score >= GUESS)
        because.append(f"unsure: did you mean {', '.join(guesses)}? ({shown})")
        return None, guesses

    def _slots(self, sentences: list[tuple[str, ...]], because: list[str]) -> dict[str, str]:
        said = tuple(w for s in sentences for w in s)
        found = {}
        for slot, index in self._slot_indexes.items():
            hits = index.find(said)
            if hits:
                value, phrase, _ = min(hits, key=lambda h: h[2])
                found[slot] = value
                because.append(f"heard {slot} = {value}: '{phrase.text}' ({self._where[id(phrase)]})")
        return found

    def _denied(self, sentence: tuple[str, ...], start: int) -> bool:
        for word in reversed(sentence[max(0, start - NEGATION_WINDOW) : start]):
            if word in self._negations:
                return True
            if word in CLAUSE_STARTS:
                return False
        return False
