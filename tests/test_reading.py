"""Reading words as the bot reads them: text-speak, stretched letters, dropped letters, real words left alone."""

from __future__ import annotations

import pytest

from bot.engine.program import Program
from bot.engine.reading import WordReader


@pytest.fixture(scope="module")
def reader(program: Program) -> WordReader:
    return program.understanding.reader


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("hes asleep i dont want to wake him", "he is asleep i do not want to wake him"),  # real words stay
        ("heeelp pleeease", "help please"),  # letters held down
        ("im walkin home", "i am walking home"),  # a dropped g
        ("he pulld up", "he pulled up"),  # a letter left out rather than one too many
        ("hes got a nife", "he is got a knife"),  # as near as "wife": a danger word wins (recall first)
        ("h3s gt a kn1fe", "he is got a knife"),  # digits typed for the letters they look like
        ("flat 10b at 9pm", "flat 10b at 9pm"),  # but a number with letters is left as written
        ("not there anymore", "not there anymore"),  # not "anyone": a real word the word list lacked
    ],
)
def test_spellings_are_read_as_meant_and_real_words_left_alone(reader: WordReader, typed: str, read_as: str) -> None:
    assert " ".join(reader.normalise(typed)) == read_as


def test_words_run_together_are_split_into_words_the_bot_uses(reader: WordReader) -> None:
    assert reader.normalise("cantspeakhesinthehouse") == ("cannot", "speak", "he", "is", "in", "the", "house")


def test_a_long_unknown_word_is_left_as_written(reader: WordReader) -> None:
    assert reader.correct("qzxqzxqzxqzx") == "qzxqzxqzxqzx"


def test_short_text_speak_and_names_are_not_turned_into_other_words(reader: WordReader) -> None:
    assert reader.normalise("lol idk smh") == ("lol", "idk", "smh")  # not "log", "id", "shh"
    assert reader.normalise("rosemarie") == ("rosemarie",)  # never split into single letters
