"""The speller's pieces: the nearest known word, and a compact set of correctly spelt words."""

from __future__ import annotations

from pathlib import Path

from bot.engine.diagnostics import Diagnostic
from bot.engine.spelling import Speller, WordSet
from bot.flows.lexicon_files import load_english


def test_the_nearest_known_word_prefers_a_letter_left_out() -> None:
    speller = Speller(["pull", "pulled", "stalking"])
    assert speller.correct("pulld", 1) == "pulled"
    assert speller.correct("stalkng", 1) == "stalking"
    assert speller.correct("zzzz", 1) is None


def test_a_word_set_holds_its_words_and_not_others() -> None:
    english = WordSet(["wake", "asleep", "bins"])
    assert "wake" in english and "bins" in english
    assert "take" not in english and "outsid" not in english and 3 not in english
    assert len(english) == 3


def test_the_english_list_reports_a_bad_line_with_its_number(tmp_path: Path) -> None:
    listed = tmp_path / "english-words.txt"
    listed.write_text("# a comment\nwake\nTwo Words\n\nasleep\n", encoding="utf-8")
    problems: list[Diagnostic] = []
    english = load_english(listed, problems)
    assert "wake" in english and "asleep" in english
    assert [(p.source.line, p.code) for p in problems] == [(3, "SCHEMA")]
