"""Phrase patterns: groups, bounded gaps, whole messages, keywords, and what cannot be read."""

from __future__ import annotations

import pytest

from bot.engine.phrases import MAX_GAP, PhraseError, PhraseIndex, compile_phrase
from bot.engine.words import words


def find(pattern: str, text: str) -> tuple[int, int] | None:
    found = PhraseIndex([("key", compile_phrase(pattern))]).find(words(text))
    return found[0][2] if found else None


def test_groups_spell_out_every_form_and_may_be_left_out() -> None:
    phrase = compile_phrase("(is|are) outside (my|) (house|flat)")
    assert ("is", "outside", "house") in phrase.forms and ("are", "outside", "flat") in phrase.forms
    assert len(phrase.forms) == 8
    assert find("(is|are) outside (my|) (house|flat)", "he is outside the flat") is None
    assert find("(is|are) outside (my|) (house|flat)", "he is outside flat") == (1, 4)


def test_a_gap_stands_for_a_few_words_not_a_sentence() -> None:
    assert find("is * stalking", "is this really stalking") == (0, 4)
    far = "is there a helpline in the city for stalking"
    assert len(words(far)) - 2 > MAX_GAP and find("is * stalking", far) is None


def test_a_whole_phrase_must_be_the_whole_message() -> None:
    assert find("= help", "help") == (0, 1)
    assert find("= help", "who can help") is None


def test_the_first_match_of_each_phrase_is_reported_in_order() -> None:
    index = PhraseIndex([("a", compile_phrase("knife")), ("b", compile_phrase("outside"))])
    found = index.find(words("outside with a knife and another knife"))
    assert [(key, span) for key, _, span in found] == [("b", (0, 1)), ("a", (3, 4))]


def test_every_match_of_each_phrase_and_form_can_be_asked_for() -> None:
    index = PhraseIndex([("a", compile_phrase("(knife|bat)")), ("b", compile_phrase("(i am|am) home (now|)"))])
    found = index.find(words("no knife but a bat, i am home now"), every=True)
    spans = [("a", (1, 2)), ("a", (4, 5)), ("b", (5, 8)), ("b", (5, 9)), ("b", (6, 8)), ("b", (6, 9))]
    assert [(key, span) for key, _, span in found] == spans


def test_a_single_word_or_list_of_alternatives_is_a_keyword() -> None:
    assert compile_phrase("(camera|cctv)").keyword and compile_phrase("spyware").keyword
    assert not compile_phrase("ring doorbell camera").keyword and not compile_phrase("= help").keyword


def test_phrases_are_read_as_messages_are() -> None:
    phrase = compile_phrase("can't talk", lambda said: tuple("cannot" if w == "cant" else w for w in said))
    assert phrase.forms == (("cannot", "talk"),)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("(unclosed", "unclosed"), ("=", "no words"), ("*", "no words"), ("(a|b|c|d|e|f|g|h) " * 4, "forms")],
)
def test_what_cannot_be_read_says_why(pattern: str, problem: str) -> None:
    with pytest.raises(PhraseError, match=problem):
        compile_phrase(pattern)
