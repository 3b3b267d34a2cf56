"""A small, explainable topic classifier: TF-IDF of words, word pairs and letter groups; nearest examples.

scikit-learn would do this too, but it takes 0.9 s and 110 MB to import (docs/understanding.md); this is
the same arithmetic over a few thousand features, learned at start-up from content/understanding/examples.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

COMMON = 0.08  # features in more than this share of examples ("i", "my") are not indexed: they say little
NEAREST = 3  # a topic's score is the mean similarity of its this-many closest examples
LETTERS = 3  # groups of three letters inside words catch endings and spellings the corrector left


def features(said: tuple[str, ...]) -> Counter[str]:
    """Return the features of a message's words: each word, each pair of words, and letter groups."""
    found: Counter[str] = Counter(said)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(said))
    for word in said:
        padded = f" {word} "
        found.update(f"#{padded[i : i + LETTERS]}" for i in range(len(padded) - LETTERS + 1))
    return found


@dataclass(frozen=True)
class Score:
    """How close a message is to one topic, and the example that is closest."""

    topic: str
    score: float
    example: str


class Classifier:
    """Labels a message with the topics of the labelled examples most like it (cosine of TF-IDF vectors)."""

    def __init__(self, labelled: Iterable[tuple[tuple[str, ...], str, str]]) -> None:
        rows = [(features(said), topic, text) for said, topic, text in labelled]
        frequency: Counter[str] = Counter(f for row, _, _ in rows for f in row)
        limit = max(2.0, COMMON * len(rows))
        self._idf = {f: math.log((len(rows) + 1) / (df + 1)) + 1 for f, df in frequency.items() if df <= limit}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, (row, _, _) in enumerate(rows):
            for f, weight in self._vector(row).items():
                self._postings[f].append((index, weight))
        self._labels = [(topic, text) for _, topic, text in rows]
        self.topics = frozenset(topic for topic, _ in self._labels)

    def _vector(self, row: Counter[str]) -> dict[str, float]:
        vector = {f: (1 + math.log(n)) * self._idf[f] for f, n in row.items() if f in self._idf}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {f: v / norm for f, v in vector.items()}

    def scores(self, said: tuple[str, ...]) -> list[Score]:
        """Return the topics close to a message, best first, each with its closest example."""
        similarity: dict[int, float] = defaultdict(float)
        for f, weight in self._vector(features(said)).items():
            for index, other in self._postings.get(f, ()):
                similarity[index] += weight * other
        best: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for index, value in sorted(similarity.items(), key=lambda item: -item[1]):
            topic = self._labels[index][0]
            if len(best[topic]) < NEAREST:
                best[topic].append((value, index))
        ranked = [
            Score(topic, sum(v for v, _ in found) / NEAREST, self._labels[found[0][1]][1])
            for topic, found in best.items()
        ]
        return sorted(ranked, key=lambda s: (-s.score, s.topic))
