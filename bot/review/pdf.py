"""The review book as a PDF (fpdf2), screen by screen, with the same fonts as the log's export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF

from bot.flows.screen_checks import card_text
from bot.log.pdf import FONT, FONT_DIR
from bot.log.pdf_text import drawable
from bot.review.book import Screen, Section


def render_pdf(book: Sequence[Section]) -> bytes:
    """Return the book as PDF bytes: a section per flow, each screen with its cards, buttons and sources."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSansCondensed.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSansCondensed-Bold.ttf"))
    font: Any = pdf.fonts[FONT.lower()]
    glyphs = font.cmap
    for section in book:
        pdf.add_page()
        _text(pdf, glyphs, f"Flow: {section.flow}", 16, "B")
        _text(pdf, glyphs, f"Diagram: {section.diagram}. {len(section.screens)} screens.", 9)
        for screen in section.screens:
            _screen(pdf, glyphs, screen)
        pdf.ln(4)
        _text(pdf, glyphs, "Reviewed by: ______________  Role: __________  Date: ________  Changes: ____________", 9)
    return bytes(pdf.output())


def _screen(pdf: FPDF, glyphs: Any, screen: Screen) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()  # a screen's heading never alone at the foot of a page
    pdf.ln(3)
    title = f"{screen.node} ({screen.variant})" if screen.variant else screen.node
    _text(pdf, glyphs, title, 11, "B")
    for message in screen.messages:
        _text(pdf, glyphs, message, 10)
    for card in screen.cards:
        _text(pdf, glyphs, "Card: " + card_text(card).replace("\n", " · "), 9, "B")
    if screen.buttons:
        _text(pdf, glyphs, "Buttons: " + " | ".join(screen.buttons), 9)
    if screen.terminal:
        _text(pdf, glyphs, "In the terminal: " + "\n".join(screen.terminal), 8)
    for source in screen.sources:
        if source.quotes:
            quotes = "; ".join(f'{file}: "{quote}"' for file, quote in source.quotes)
            _text(pdf, glyphs, f"Sources of {source.template}: {quotes}", 8)
        else:
            why = source.why or "Not an informational screen."
            _text(pdf, glyphs, f"{source.template}: no source needed. {why}", 8)
    for card_source in screen.card_sources:
        _text(pdf, glyphs, f"Card from the directory: {card_source}", 8)


def _text(pdf: FPDF, glyphs: Any, text: str, size: int, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.5, drawable(text, glyphs), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
