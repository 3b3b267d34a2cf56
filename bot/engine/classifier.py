"""A small, explainable topic classifier: TF-IDF of words, word pairs and letter groups; nearest examples.

scikit-learn would do this too, but it takes 0.9 s and 110 MB to import (docs/understanding.md); this is
the same arithmetic over a few thousand features, learned at start-up from content/understanding/examples.
"""

from __future__ import annotations

import heapq
import itertools
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Self

COMMON = 0.08  # features in more than this share of examples ("i", "my") are not indexed: they say little
NEAREST = 3  # a topic's score is the mean similarity of its this-many closest examples
LETTERS = 3  # groups of three letters inside words catch endings and spellings the corrector left
# What was learned as plain data: feature ids, then the packed tables as bytes, then labels and texts.
State = tuple[dict[str, int], bytes, bytes, bytes, bytes, list[tuple[str, ...]], list[str]]


def _is_pair(feature: str) -> bool:
    return " " in feature and not feature.startswith("#")


def features(said: tuple[str, ...]) -> Counter[str]:
    """Return the features of a message's words: each word, each pair of words, and letter groups."""
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(said)]
    padded = [f"# {word} " for word in said]
    letters = [p[:1] + p[i : i + LETTERS] for p in padded for i in range(1, len(p) - LETTERS + 1)]
    return Counter([*said, *pairs, *letters])


@dataclass(frozen=True)
class Score:
    """How close a message is to one topic, and the example that is closest."""

    topic: str
    score: float
    example: str


class Classifier:
    """Labels a message with the topics of the labelled examples most like it (cosine of TF-IDF vectors).

    Each example may carry several labels (a topic, and whether it is danger): one comparison serves them all.
    """

    def __init__(self, labelled: Iterable[tuple[tuple[str, ...], tuple[str, ...], str]]) -> None:
        """Learn from examples given as (words, labels, the example's text); an empty label is no topic."""
        rows = list(labelled)
        frequency: Counter[str] = Counter()
        for said, _, _ in rows:  # features are made twice rather than kept: it halves the memory at start-up
            frequency.update(features(said).keys())
        limit = max(2.0, COMMON * len(rows))
        # A pair of words seen in one example only is left out: pairs are most of the features, and such
        # a pair adds little to the words it is made of (cross-validated: accuracy the same, 1 MB less).
        kept = [(f, df) for f, df in frequency.items() if df <= limit and (df > 1 or not _is_pair(f))]
        # Every example holding a feature, as one packed table: its rows start[i]..start[i + 1] of example
        # and weight. A dict of lists of tuples would take ten times the memory, which counts when idle.
        self._ids = {f: i for i, (f, _) in enumerate(kept)}
        self._idf = array("f", (math.log((len(rows) + 1) / (df + 1)) + 1 for _, df in kept))
        self._start = array("I", itertools.accumulate((df for _, df in kept), initial=0))
        self._example = array("I", bytes(4 * self._start[-1]))
        self._weight = array("f", bytes(4 * self._start[-1]))
        cursor = self._start[:-1]
        for index, (said, _, _) in enumerate(rows):
            for feature, weight in self._vector(features(said)).items():
                self._example[cursor[feature]] = index
                self._weight[cursor[feature]] = weight
                cursor[feature] += 1
        self._labels = [labels for _, labels, _ in rows]
        self._texts = [text for _, _, text in rows]

    def state(self) -> State:
        """Return what was learned, as plain data."""
        idf, start, example, weight = (a.tobytes() for a in (self._idf, self._start, self._example, self._weight))
        return self._ids, idf, start, example, weight, self._labels, self._texts

    @classmethod
    def restore(cls, state: State) -> Self:
        """Return a classifier that learned before, from its ``state()``."""
        found = cls.__new__(cls)
        found._ids, idf, start, example, weight, found._labels, found._texts = state
        found._idf, found._start = array("f", idf), array("I", start)
        found._example, found._weight = array("I", example), array("f", weight)
        return found

    def _vector(self, row: Counter[str]) -> dict[int, float]:
        ids, idf = self._ids, self._idf
        vector = {ids[f]: (1.0 if n == 1 else 1 + math.log(n)) * idf[ids[f]] for f, n in row.items() if f in ids}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def scores(self, found: Counter[str], columns: int = 1) -> list[list[Score]]:
        """Return, for each label column, the topics close to a message (given as its features), best first."""
        similarity: dict[int, float] = defaultdict(float)
        for feature, weight in self._vector(found).items():
            start, end = self._start[feature], self._start[feature + 1]
            for index, other in zip(self._example[start:end], self._weight[start:end], strict=True):
                similarity[index] += weight * other
        nearest = heapq.nlargest(NEAREST * 24, similarity.items(), key=itemgetter(1))
        return [self._rank(nearest, column) for column in range(columns)]

    def _rank(self, nearest: list[tuple[int, float]], column: int) -> list[Score]:
        best: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for index, value in nearest:
            topic = self._labels[index][column]
            if topic and len(best[topic]) < NEAREST:
                best[topic].append((value, index))
        ranked = [
            Score(topic, sum(v for v, _ in found) / NEAREST, self._texts[found[0][1]]) for topic, found in best.items()
        ]
        return sorted(ranked, key=lambda s: (-s.score, s.topic))
