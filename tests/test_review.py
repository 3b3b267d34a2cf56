"""The review book: every screen with its buttons, cards and sources, as one self-contained HTML file and a PDF."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from pypdf import PdfReader

from bot.__main__ import main
from bot.engine.program import Program
from bot.review.book import build_book, write_book


def test_every_screen_of_every_flow_is_in_the_book_in_the_diagrams_order(program: Program) -> None:
    book = build_book(program)
    assert [s.flow for s in book][:5] == ["start", "menu", "danger", "stalking", "routing"]
    assert {s.flow for s in book} == set(program.flows.flows)
    shown = {screen.node for section in book for screen in section.screens}
    assert shown == {n.id for n in program.flows.nodes.values() if n.say is not None}


def test_a_screen_that_depends_on_who_it_is_is_shown_for_each_answer(program: Program) -> None:
    routing = next(s for s in build_book(program) if s.flow == "routing")
    either = [s for s in routing.screens if s.node == "routing.either_women"]
    assert {s.variant for s in either} >= {"who: family", "who: unknown"}
    family = next(s for s in either if s.variant == "who: family")
    assert any("family member" in m for m in family.messages)
    assert [c.id for c in family.cards] == ["stalking_women_domestic", "stalking_women_non_domestic"]
    sources = [q for src in family.sources for q in src.quotes]
    assert ("002", "About 40 per cent of people who make a report are being stalked by ex-partners.") in sources


def test_the_html_is_self_contained_and_holds_screens_buttons_cards_and_sources(
    program: Program, tmp_path: Path
) -> None:
    html_path, pdf_path = write_book(program, tmp_path)
    html = html_path.read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|<img|src=|https?://|@import", html)
    national = program.content.templates.render("routing.national", {})
    assert escape(national.splitlines()[1]) in html
    assert "Call 0808 802 0300" in html and "<li>National Stalking Helpline</li>" in html
    assert escape("for advice about your options and safety planning") in html
    assert "No source needed: A question" in html
    assert "In the terminal:" in html  # the welcome's words differ there
    text = "".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert "routing.national" in text and "Sources of routing.national" in text and "0808 802 0300" in text


def test_the_command_writes_both_files(tmp_path: Path, capsys: object) -> None:
    assert main(["review", str(tmp_path / "book")]) == 0
    assert sorted(p.name for p in (tmp_path / "book").iterdir()) == ["guide-review.html", "guide-review.pdf"]
