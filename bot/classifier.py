"""A small, explainable topic classifier: TF-IDF of words, word pairs and letter groups; nearest examples.

scikit-learn would do this too, but it takes 0.9 s and 110 MB to import (docs/understanding.md); this is
the same arithmetic over a few thousand features, learned at start-up from content/understanding/examples.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

COMMON = 0.08  # features in more than this share of examples ("i", "my") are not indexed: they say little
NEAREST = 3  # a topic's score is the mean similarity of its this-many closest examples
LETTERS = 3  # groups of three letters inside words catch endings and spellings the corrector left


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

    def __init__(self, labelled: Iterable[tuple[Counter[str], tuple[str, ...], str]]) -> None:
        """Learn from examples given as (features, labels, the example's text); an empty label is no topic."""
        rows = list(labelled)
        frequency: Counter[str] = Counter()
        for row, _, _ in rows:
            frequency.update(row.keys())
        limit = max(2.0, COMMON * len(rows))
        self._idf = {f: math.log((len(rows) + 1) / (df + 1)) + 1 for f, df in frequency.items() if df <= limit}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, (row, _, _) in enumerate(rows):
            for f, weight in self._vector(row).items():
                self._postings[f].append((index, weight))
        self._labels = [labels for _, labels, _ in rows]
        self._texts = [text for _, _, text in rows]

    def _vector(self, row: Counter[str]) -> dict[str, float]:
        idf = self._idf
        vector = {f: idf[f] if n == 1 else (1 + math.log(n)) * idf[f] for f, n in row.items() if f in idf}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def scores(self, found: Counter[str], columns: int = 1) -> list[list[Score]]:
        """Return, for each label column, the topics close to a message (given as its features), best first."""
        similarity: dict[int, float] = defaultdict(float)
        for f, weight in self._vector(found).items():
            for index, other in self._postings.get(f, ()):
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
