"""Linear models of topics: linear SVMs over the classifier's features, learned with scikit-learn.

scikit-learn learns them (liblinear, under a second) but is imported only while learning: it takes 0.9 s
and 110 MB to import. What was learned is kept as plain data and read here in pure Python, a few hundred
additions a message, so the bot never holds scikit-learn (bot.flows.learned_cache learns in a child process).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Any

from bot.engine.classifier import Score

TEMPERATURE = 3.0  # margins are turned into shares by softmax(TEMPERATURE * margin): chosen on writers H and I
SMALL = 0.05  # weights nearer zero than this are dropped: a sixth of them kept, accuracy the same
PENALTY = 3.0  # liblinear's C, chosen by accuracy on writers H and I (1: 0.890, 3: 0.898, 10: 0.895)
# One model as plain data: its labels, biases, then each feature's rows start..start+1 of label and weight.
Model = tuple[list[str], bytes, bytes, bytes, bytes]
State = tuple[dict[str, int], bytes, list[Model]]  # feature ids and idf, shared by every column's model


def _vector(ids: dict[str, int], idf: Sequence[float], row: Counter[str]) -> dict[int, float]:
    """Return TF-IDF weights of a message's features (log of counts), scaled to length one."""
    vector = {ids[f]: (1.0 + math.log(n)) * idf[ids[f]] for f, n in row.items() if f in ids}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {f: v / norm for f, v in vector.items()}


def _fitted(matrix: Any, labels: list[str], features: int) -> Model:
    """Learn one column's labels (an empty label: not in this column); fewer than two labels, or no feature
    seen twice, learn nothing."""
    import numpy  # only while learning: see the module's docstring
    from sklearn.svm import LinearSVC

    rows = [i for i, label in enumerate(labels) if label]
    if len({labels[i] for i in rows}) < 2 or not features:
        return [], b"", array("I", [0] * (features + 1)).tobytes(), b"", b""
    model = LinearSVC(C=PENALTY, random_state=0).fit(matrix[rows], [labels[i] for i in rows])
    names = [str(label) for label in model.classes_]
    weights, bias = model.coef_, model.intercept_
    if len(names) == 2:  # two labels are learned as one margin: the first label's is its opposite
        weights, bias = numpy.vstack([-weights, weights]), numpy.concatenate([-bias, bias])
    feature, label = numpy.nonzero(numpy.abs(weights.T) >= SMALL)  # by feature, then label
    start = array("I", accumulate(numpy.bincount(feature, minlength=features).tolist(), initial=0))
    packed = (
        array("f", bias.tolist()),
        start,
        array("B", label.tolist()),
        array("f", weights.T[feature, label].tolist()),
    )
    bias_bytes, start_bytes, label_bytes, weight_bytes = (a.tobytes() for a in packed)
    return names, bias_bytes, start_bytes, label_bytes, weight_bytes


class Linear:
    """Scores topics in one or more label columns as shares that sum to one; learn once, or restore."""

    def __init__(self, rows: Iterable[tuple[Counter[str], tuple[str, ...]]], columns: int = 1) -> None:
        """Learn from (features, labels) rows; features seen in one message only are left out."""
        from scipy.sparse import csr_matrix  # only while learning

        found = list(rows)
        frequency = Counter(f for row, _ in found for f in row)
        kept = sorted(f for f, df in frequency.items() if df > 1)
        self._ids = {f: i for i, f in enumerate(kept)}
        self._idf = array("f", (math.log((len(found) + 1) / (frequency[f] + 1)) + 1 for f in kept))
        vectors = [_vector(self._ids, self._idf, row) for row, _ in found]
        values, columns_of = [v for r in vectors for v in r.values()], [f for r in vectors for f in r]
        starts = [0, *accumulate(map(len, vectors))]
        matrix = csr_matrix((values, columns_of, starts), shape=(len(found), len(kept)))
        self._models = [
            self._unpacked(_fitted(matrix, [labels[c] for _, labels in found], len(kept))) for c in range(columns)
        ]

    @staticmethod
    def _unpacked(model: Model) -> tuple[list[str], array[float], array[int], array[int], array[float]]:
        names, bias, start, label, weight = model
        return names, array("f", bias), array("I", start), array("B", label), array("f", weight)

    def state(self) -> State:
        """Return what was learned, as plain data."""
        models = [(n, b.tobytes(), s.tobytes(), k.tobytes(), w.tobytes()) for n, b, s, k, w in self._models]
        return self._ids, self._idf.tobytes(), models

    @classmethod
    def restore(cls, state: State) -> Linear:
        """Return models that learned before, from their ``state()``."""
        found = cls.__new__(cls)
        found._ids, idf, models = state
        found._idf = array("f", idf)
        found._models = [cls._unpacked(model) for model in models]
        return found

    def vector(self, found: Counter[str]) -> dict[int, float]:
        """Return a message's features (as ``classifier.features`` gives them) weighed as the models read them."""
        return _vector(self._ids, self._idf, found)

    def shares(self, vector: dict[int, float], column: int) -> list[Score]:
        """Return every topic's share in one column for a message's ``vector()``, best first."""
        names, bias, start, label, weight = self._models[column]
        if not names:
            return []
        margin = list(bias)
        for feature, value in vector.items():
            for i in range(start[feature], start[feature + 1]):
                margin[label[i]] += value * weight[i]
        top = max(margin)
        shares = [math.exp(TEMPERATURE * (m - top)) for m in margin]
        total = sum(shares)
        ranked = sorted(zip(shares, names, strict=True), key=lambda p: (-p[0], p[1]))
        return [Score(name, share / total, "") for share, name in ranked]

    def scores(self, found: Counter[str]) -> list[list[Score]]:
        """Return, for each column, every topic's share for a message (given as its features), best first."""
        vector = self.vector(found)
        return [self.shares(vector, column) for column in range(len(self._models))]
