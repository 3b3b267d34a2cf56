"""The plan as a one-page PDF (fpdf2): a neutral title, then each section; smaller print before a second page."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF

from bot.log.pdf import FONT, glyphs, prepare
from bot.log.pdf_text import drawable

SIZES = (10.0, 9.0, 8.0, 7.0, 6.0)  # points: the first that fits on one page is used
SHORTENED = (400, 200, 100, 50)  # characters a line is cut to, in turn, if even the smallest print does not fit

for _library in ("fpdf", "fontTools"):
    logging.getLogger(_library).setLevel(logging.ERROR)  # they would log which characters the plan uses


def plan_pdf(title: str, made: str, sections: Sequence[tuple[str, Sequence[str]]], now: datetime) -> bytes:
    """Return the plan on one A4 page: each section's heading and lines, shrunk (then shortened) to fit."""
    for limit in (None, *SHORTENED):
        shown = [(heading, [_cut(line, limit) for line in lines]) for heading, lines in sections]
        for size in SIZES:
            pdf = _layout(title, made, shown, now, size)
            if pdf.pages_count == 1:
                return bytes(pdf.output())
    return bytes(pdf.output())  # unreachable in practice: eight sections of 50 characters fit


def _cut(line: str, limit: int | None) -> str:
    return line if limit is None or len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _layout(title: str, made: str, sections: Sequence[tuple[str, Sequence[str]]], now: datetime, size: float) -> FPDF:
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=12)
    prepare(pdf, " ".join(line for _, lines in sections for line in lines))
    pdf.set_title(title)
    pdf.set_creation_date(now)
    pdf.add_page()
    drawn = glyphs(pdf)
    pdf.set_font(FONT, "B", size + 6)
    pdf.multi_cell(0, (size + 6) * 0.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", size - 1)
    pdf.multi_cell(0, size * 0.45, made, align="L", new_x="LMARGIN", new_y="NEXT")
    for heading, lines in sections:
        pdf.ln(size * 0.3)
        pdf.set_font(FONT, "B", size + 1)
        pdf.multi_cell(0, size * 0.5, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", size)
        for line in lines:
            pdf.multi_cell(0, size * 0.45, drawable(line, drawn), align="L", new_x="LMARGIN", new_y="NEXT")
    return pdf
