"""Read a typed message: danger now (and its kind), what the person asks for, or the best guesses.

Pure and synchronous like the engine: rules and phrases from content/understanding/, misspellings
corrected against the words those files use, the nearest labelled examples, and linear models learned
from the labelled messages (bot.engine.linear).
Every decision can be explained (``python -m bot explain "TEXT"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.engine.classifier import Score, features
from bot.engine.learned import CUES, SAFE, Likely, Tables, entries, learn, restore
from bot.engine.lexicon import Example, Lexicon, Topic
from bot.engine.phrases import Phrase

# Danger kinds in order of what must be shown first: not being able to speak changes how to call 999.
KIND_ORDER = ("cannot_speak", "followed_driving", "followed_on_foot", "weapon", "threat", "nearby", "attack")
NEGATION_WINDOW = 3  # words before a match that can deny it ("is not", "no")
CLAUSE_STARTS = frozenset({"he", "she", "they", "i", "someone", "somebody", "there", "and", "but", "it", "my", "ex"})
DANGER_LIKENESS = 0.20  # a danger kind this close to a message, and ahead of "safe", is taken as danger
DANGER_SHARE = 0.2  # or the linear model gives danger kinds together this share (chosen on writers J, K and L)
DANGER_SHARE_CUED = 0.9  # and this share despite a past or "what if" cue (chosen on writers Q and R)
DANGER_SHARE_SHORT = 0.5  # for a message of a word or two, like many examples by chance ("message 10")
KEYWORD = 0.15  # weight a one-word phrase adds to its intent's share
SURE = 0.21  # a share taken as the answer; below it, "Did you mean" (on writers H and I: 0.901 of intents
# right and 6 asked, against 0.908 and 1 asked at 0.10: asking is kept when a message is only loosely like any)
SURE_SHORT = 0.5
SHORT = 2  # words
CLEARLY = 0.35  # a share this high beats a weak intent's phrase ("not in danger, just scared all the time")
GUESS = 0.12  # a best share worth offering as "Did you mean" (below SURE)
ALSO = 0.05  # a runner-up's share worth offering beside it: shares spread thin over 34 intents
MAX_GUESSES = 3
MAX_CHARS = 4096  # read for meaning (a Telegram message's limit); a longer note is still kept whole
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


def _boosted(scores: list[Score], keywords: set[str]) -> list[Score]:
    """Add a keyword's weight to its intent's similarity score."""
    found = {s.topic: s for s in scores}
    for name in keywords - set(found):
        found[name] = Score(name, 0.0, "")
    boosted = [Score(s.topic, s.score + KEYWORD * (s.topic in keywords), s.example) for s in found.values()]
    return sorted(boosted, key=lambda s: (-s.score, s.topic))


def _reading(
    said: tuple[str, ...], kind: Topic | None, intent: Topic | None, because: list[str], **rest: Any
) -> Reading:
    """Make a reading of the danger kind and intent found, with where each leads."""
    return Reading(
        said,
        danger=kind.name if kind else None,
        danger_go=kind.go if kind else None,
        intent=intent.name if intent else None,
        go=intent.go if intent else None,
        because=tuple(because),
        **rest,
    )


class Understanding:
    """Reads typed messages with one lexicon; build once at start-up."""

    def __init__(self, lexicon: Lexicon, tables: Tables | None = None) -> None:
        """Learn from a lexicon, or take ``tables`` learned before from the same lexicon (``tables()``)."""
        self.lexicon = lexicon
        self._learned = restore(lexicon, tables) if tables is not None else learn(lexicon)
        self.reader = self._learned.reader
        self.normalise = self.reader.normalise
        self.normalise_label = self.reader.normalise_label
        self.correct = self.reader.correct
        # A message written exactly as a labelled example goes where that example says: staff can rely on it.
        self._exact = dict(zip(self._learned.exact, lexicon.examples, strict=True))
        negations = lexicon.not_now.get("negations", ())
        self._negations = frozenset(f[0] for e in negations for f in e.phrase.forms if len(f) == 1)
        topics, names = self._learned.topics, self._learned.names
        self._danger_phrases, self._intents, self._weak = topics["danger"], topics["intents"], topics["weak"]
        self._slot_indexes = {slot: names[f"slot {slot}"] for slot in lexicon.slots}
        self._cues = {name: names[f"cue {name}"] for name in CUES}
        self._where = {id(e.phrase): e.source for e in entries(lexicon)}
        self._in_a_note = [e.phrase for e in lexicon.not_now.get("in_a_note", ())]

    def tables(self) -> Tables:
        """Return what was learned, as plain data to keep and give back."""
        return self._learned.tables()

    def danger_now(self, text: str) -> str | None:
        """Return the kind of danger a message describes now, or None (danger only: cheap for flood checks)."""
        sentences = [s for s in (self.normalise(part) for part in _SENTENCE.split(text[:MAX_CHARS])) if s]
        hit, _, _ = self._danger(sentences, [], noting=False)
        return hit[0].name if hit else None

    def read(self, text: str, noting: bool = False) -> Reading:
        """Understand one message; ``noting``: it answers a note's question, so it is about what happened."""
        text = text[:MAX_CHARS]
        sentences = [s for s in (self.normalise(part) for part in _SENTENCE.split(text)) if s]
        said = tuple(w for s in sentences for w in s)
        because = [f"read as: {' '.join(said)}"] if said else ["nothing to read"]
        example = self._exact.get(" ".join(said))
        if example is not None and not noting:
            return self._as_example(said, example, because)
        danger, past, set_aside = self._danger(sentences, because, noting)
        kind = danger[0] if danger else None
        likely = Likely(self._learned, features(said[:MAX_WORDS]))
        if kind is None and not noting and (past or not set_aside) and not self._denies(said, because):
            cued = past or self._not_now(said) is not None
            kind = self._danger_by_likeness(likely, because, len(said) <= SHORT, cued)
        kind = self._driving(kind, said, because)
        clauses = [c for part in _CLAUSE.split(text) if (c := self.normalise(part))]
        intent, guesses = self._intent(clauses, likely, because, short=len(said) <= SHORT)
        slots = self._slots(sentences, because)
        by_phrase = any(line.startswith("intent:") and ", phrase " in line for line in because)
        return _reading(
            said, kind, intent, because, past_danger=past, by_phrase=by_phrase, guesses=guesses, slots=slots
        )

    def _driving(self, kind: Topic | None, said: tuple[str, ...], because: list[str]) -> Topic | None:
        """Read being followed as being followed while driving when a car is mentioned."""
        if kind is None or kind.name != "followed_on_foot" or not self.lexicon.driving_words & set(said):
            return kind
        because.append("a car is mentioned, so: followed while driving")
        return next((k for k in self.lexicon.danger if k.name == "followed_driving"), kind)

    def _as_example(self, said: tuple[str, ...], example: Example, because: list[str]) -> Reading:
        because.append(f"the labelled example '{example.text}' ({example.source})")
        kind = next((k for k in self.lexicon.danger if k.name == example.danger), None)
        intent = self.lexicon.intents.get(example.intent or "")
        slots = self._slots([said], because)
        return _reading(said, kind, intent, because, by_phrase=intent is not None, slots=slots)

    def _danger(
        self, sentences: list[tuple[str, ...]], because: list[str], noting: bool
    ) -> tuple[tuple[Topic, Phrase] | None, bool, bool]:
        """Return the danger phrase that counts, whether one was about the past, and whether any was set aside."""
        hits: list[tuple[Topic, Phrase]] = []
        past = set_aside = False
        for sentence in sentences:
            cue = self._not_now(sentence)
            if cue is None and noting and self._in_a_note and not self._cues["in_a_note"].find(sentence):
                cue = self._in_a_note[0]
            for topic, phrase, span in self._danger_phrases.find(sentence, every=True):
                said = " ".join(sentence[span[0] : span[1]])
                if self._denied(sentence, span[0]):
                    because.append(f"not danger: '{said}' is denied just before it")
                    set_aside = True
                elif cue is not None and not topic.ignore_cues:
                    why = "no word of now in a note" if noting and cue in self._in_a_note else f"'{cue.text}'"
                    because.append(f"not danger now: '{said}', but {why} in that sentence")
                    past = set_aside = True
                else:
                    hits.append((topic, phrase))
        hits.sort(key=lambda h: KIND_ORDER.index(h[0].name) if h[0].name in KIND_ORDER else len(KIND_ORDER))
        for topic, phrase in hits[:1]:
            because.append(f"danger: {topic.name}, phrase '{phrase.text}' ({self._where[id(phrase)]})")
        return (hits[0] if hits else None), past, set_aside

    def _danger_by_likeness(self, likely: Likely, because: list[str], short: bool, cued: bool) -> Topic | None:
        """Return the danger kind nearest examples or the linear model find like the message (recall first);
        ``cued``: a past or "what if" cue set danger aside, which only a near-certain model overrules."""
        scores = [] if cued else likely.nearest[1]
        if scores and scores[0].topic != SAFE and scores[0].score >= DANGER_LIKENESS:
            best = scores[0]
            because.append(f"danger: {best.topic}, by likeness ({best.score:.2f}; closest example: '{best.example}')")
        else:
            kinds = [s for s in likely.shares(1) if s.topic != SAFE]
            share = sum(s.score for s in kinds)
            if share < (DANGER_SHARE_CUED if cued else DANGER_SHARE_SHORT if short else DANGER_SHARE):
                return None
            best = kinds[0]
            because.append(
                f"danger: {best.topic}, by the linear model (danger {share:.2f}, {best.topic} the likeliest)"
            )
        return next((k for k in self.lexicon.danger if k.name == best.topic), None)

    def _not_now(self, sentence: tuple[str, ...]) -> Phrase | None:
        """Return the cue that makes a sentence not about now: past (unless a present cue or tense says now),
        or "what if" and habits (unless a present cue says now); cues inside a not-now cue do not count."""
        found = {name: self._cues[name].find(sentence, every=True) for name in CUES}
        covered = {i for name in ("past", "hypothetical") for _, _, span in found[name] for i in range(*span)}

        def now(name: str) -> bool:
            return any(not set(range(*span)) <= covered for _, _, span in found[name])

        if found["hypothetical"] and not now("present"):
            return found["hypothetical"][0][1]
        if found["past"] and not now("present") and not now("present_tense"):
            return found["past"][0][1]
        return None

    def _intent(
        self, clauses: list[tuple[str, ...]], likely: Likely, because: list[str], short: bool
    ) -> tuple[Topic | None, tuple[str, ...]]:
        """Take the first clause a phrase matches (a narrower intent over a broader one, then the longest
        phrase); else the linear model's likeliest. A one-word phrase is a keyword: it weighs, not decides,
        unless it names an intent narrower than a phrase in its clause ("report it anonymously")."""
        keywords: set[str] = set()
        for clause in clauses:
            found = self._intents.find(clause)
            keywords |= {topic.name for topic, phrase, _ in found if phrase.keyword}
            chosen = self._in_clause(found)
            if chosen is not None:
                topic, phrase = chosen
                because.append(f"intent: {topic.name}, phrase '{phrase.text}' ({self._where[id(phrase)]})")
                return topic, ()
        scores = likely.intents
        if keywords:
            because.append(f"keywords for: {', '.join(sorted(keywords))}")
            scores = _boosted(scores, keywords)
        # A weak intent is taken when it is most of what was said ("I'm not in danger"), or nothing is clearer.
        weak = [h for clause in clauses for h in self._weak.find(clause)]
        mostly = sum(h[2][1] - h[2][0] for h in weak) * 2 >= sum(len(c) for c in clauses)
        if weak and (mostly or (not keywords and (not scores or scores[0].score < CLEARLY))):
            topic, phrase, _ = weak[0]
            because.append(f"intent: {topic.name}, phrase '{phrase.text}' ({self._where[id(phrase)]})")
            return topic, ()
        return self._by_similarity(scores, keywords, because, short)

    @staticmethod
    def _in_clause(found: list[tuple[Topic, Phrase, tuple[int, int]]]) -> tuple[Topic, Phrase] | None:
        beaten = {name for topic, _, _ in found for name in topic.over}
        phrases = [h for h in found if not h[1].keyword and h[0].name not in beaten]
        if phrases:
            topic, phrase, _ = min(phrases, key=lambda h: (h[2][0] - h[2][1], h[2][0]))
            return topic, phrase
        broader = {topic.name for topic, phrase, _ in found if not phrase.keyword}
        narrower = [(topic, phrase) for topic, phrase, _ in found if phrase.keyword and set(topic.over) & broader]
        return narrower[0] if narrower else None

    def _by_similarity(
        self, scores: list[Score], keywords: set[str], because: list[str], short: bool
    ) -> tuple[Topic | None, tuple[str, ...]]:
        if not scores or scores[0].score < GUESS:
            because.append("no intent: nothing close enough")
            return None, ()
        best = scores[0]
        shown = ", ".join(f"{s.topic} {s.score:.2f}" for s in scores[:3])
        # A message of a word or two is like many examples by chance: taken on likeness only when very like one.
        sure = best.score >= (SURE_SHORT if short else SURE)
        clue = best.topic in keywords  # an action done at once needs more than likeness: one of its words too
        if sure and (clue or not self.lexicon.intents[best.topic].phrase_only):
            because.append(f"intent: {best.topic}, by the linear model ({shown}; closest example: '{best.example}')")
            return self.lexicon.intents[best.topic], ()
        guesses = (best.topic, *(s.topic for s in scores[1:MAX_GUESSES] if s.score >= ALSO))
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

    def _denies(self, said: tuple[str, ...], because: list[str]) -> bool:
        """Return whether a "what if" cue that counts says no ("he is not outside"): a denial is never overruled."""
        if self._not_now(said) is None:
            return False
        for _, phrase, (start, end) in self._cues["hypothetical"].find(said, every=True):
            if self._negations & set(said[start:end]):
                because.append(f"not danger: '{' '.join(said[start:end])}' denies it ('{phrase.text}')")
                return True
        return False

    def _denied(self, sentence: tuple[str, ...], start: int) -> bool:
        # A match that starts its own clause ("no voice please, he will hear") is not denied by the one before.
        window = range(max(0, start - NEGATION_WINDOW), start + (sentence[start] in CLAUSE_STARTS))
        for at in reversed(window):
            word = sentence[at]
            if word in self._negations and not "".join(sentence[at + 1 : at + 2]).isdigit():  # "no 12": a number
                return True
            if word in CLAUSE_STARTS:
                return False
        return False
