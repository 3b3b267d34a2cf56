"""The nearest-examples classifier: close messages take the label of their examples; labels in columns."""

from __future__ import annotations

from bot.engine.classifier import Classifier, features
from bot.engine.words import words

EXAMPLES = [
    ("how do i report him to the police", ("report", "safe")),
    ("where do i report stalking", ("report", "safe")),
    ("can i report it online", ("report", "safe")),
    ("i feel anxious all the time", ("wellbeing", "safe")),
    ("i cant sleep and feel on edge", ("wellbeing", "safe")),
    ("im so anxious i cant eat", ("wellbeing", "safe")),
    ("hes outside my house", ("", "nearby")),
    ("hes outside the flat now", ("", "nearby")),
    ("someone is outside my door", ("", "nearby")),
]


def classifier() -> Classifier:
    return Classifier((words(text), labels, text) for text, labels in EXAMPLES)


def test_a_message_takes_the_topic_of_the_examples_most_like_it() -> None:
    intents, dangers = classifier().scores(features(words("how can i report this")), columns=2)
    assert intents[0].topic == "report" and intents[0].example in {t for t, _ in EXAMPLES}
    assert dangers[0].topic == "safe"


def test_an_empty_label_is_no_topic() -> None:
    intents, dangers = classifier().scores(features(words("he is outside my house right now")), columns=2)
    assert dangers[0].topic == "nearby"
    assert all(score.topic for score in intents)


def test_features_catch_spellings_by_their_letters() -> None:
    found = features(("anxous",))
    assert "anxous" in found and "# an" in found
    intents = classifier().scores(features(words("so anxous")))[0]
    assert intents[0].topic == "wellbeing"


def test_nothing_in_common_scores_nothing() -> None:
    assert classifier().scores(features(words("zzz qqq")))[0] == []
