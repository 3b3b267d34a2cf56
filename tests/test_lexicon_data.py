"""A lexicon as plain data: marshal keeps it, and it comes back equal."""

from __future__ import annotations

import marshal

from bot.engine.lexicon_data import lexicon_data, lexicon_from_data
from bot.engine.program import Program


def test_the_shipped_lexicon_comes_back_equal(program: Program) -> None:
    lexicon = program.content.lexicon
    again = lexicon_from_data(marshal.loads(marshal.dumps(lexicon_data(lexicon))))
    assert (again.say_as, again.danger, again.not_now, again.driving_words) == (
        lexicon.say_as,
        lexicon.danger,
        lexicon.not_now,
        lexicon.driving_words,
    )
    assert (again.intents, again.slots, again.examples) == (lexicon.intents, lexicon.slots, lexicon.examples)
    assert again.english.state() == lexicon.english.state() and "outside" in again.english
