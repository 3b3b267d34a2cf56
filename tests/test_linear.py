"""The linear model: shares of topics learned from labelled messages, kept as plain data and read back the same."""

from __future__ import annotations

import marshal

import pytest

from bot.engine.classifier import features
from bot.engine.linear import Linear
from bot.engine.words import words

EXAMPLES = [
    ("how do i report him to the police", "report"),
    ("where do i report stalking", "report"),
    ("can i report it online", "report"),
    ("report it to the police please", "report"),
    ("i feel anxious all the time", "wellbeing"),
    ("i cant sleep and feel on edge", "wellbeing"),
    ("im so anxious i cant eat", "wellbeing"),
    ("feel anxious and cant sleep", "wellbeing"),
    ("can i get a court order", "orders"),
    ("how do i get an order against him", "orders"),
    ("what court order can stop him", "orders"),
]


@pytest.fixture(scope="module")
def model() -> Linear:
    return Linear((features(words(text)), (label,)) for text, label in EXAMPLES)


@pytest.mark.parametrize(
    ("text", "topic"),
    [("how do i report this", "report"), ("so anxious i cant sleep", "wellbeing"), ("a court order", "orders")],
)
def test_a_message_takes_the_topic_of_the_messages_like_it(model: Linear, text: str, topic: str) -> None:
    [shares] = model.scores(features(words(text)))
    assert shares[0].topic == topic
    assert sum(s.score for s in shares) == pytest.approx(1.0)
    assert shares[0].score > shares[1].score


def test_what_was_learned_is_plain_data_and_reads_back_the_same(model: Linear) -> None:
    again = Linear.restore(marshal.loads(marshal.dumps(model.state())))
    for text, _ in EXAMPLES:
        found = features(words(text))
        assert again.scores(found) == model.scores(found)


def test_each_column_learns_its_own_labels_and_an_empty_label_is_left_out() -> None:
    rows = [(features(words(t)), (label, "danger" if label == "report" else "safe")) for t, label in EXAMPLES]
    rows.append((features(words("he is outside now")), ("", "danger")))
    topics, danger = Linear(rows, columns=2).scores(features(words("i want to report him")))
    assert topics[0].topic == "report" and {s.topic for s in topics} == {"report", "wellbeing", "orders"}
    assert [s.topic for s in danger] == ["danger", "safe"]


def test_one_label_alone_tells_nothing_apart() -> None:
    assert Linear([(features(words("hello there")), ("about",))]).scores(features(words("hello"))) == [[]]
    assert Linear([]).scores(features(words("hello"))) == [[]]


def test_messages_with_nothing_in_common_teach_nothing() -> None:
    rows = [(features(words("hi")), ("about",)), (features(words("x")), ("report",))]
    assert Linear(rows).scores(features(words("hi"))) == [[]]


def test_words_never_seen_score_only_what_the_labels_are_in_general(model: Linear) -> None:
    [shares] = model.scores(features(words("zzz qqq")))
    assert len(shares) == 3 and all(0 < s.score < 1 for s in shares)
