"""What the understanding learns, as plain data: marshal keeps it, and restoring it gives the same tables."""

from __future__ import annotations

import marshal

from bot.engine.learned import Tables, learn, restore
from bot.engine.program import Program


def test_restored_tables_are_the_tables_learned(program: Program) -> None:
    lexicon = program.content.lexicon
    tables = learn(lexicon).tables()
    kept = Tables(*marshal.loads(marshal.dumps(tuple(tables))))
    assert kept == tables
    assert restore(lexicon, kept).tables() == tables
    assert set(tables.tries) >= {"danger", "intents", "weak", "cue past", "cue in_a_note"}
