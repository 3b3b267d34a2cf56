"""The log as a PDF laid out like the booklet's table, with a summary, a per-week chart and the files kept."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import ResourceAccessPolicy

from bot.engine.templates import TemplateLibrary
from bot.flows.content import COLUMNS
from bot.log.evidence import OPAQUE, identify, is_picture
from bot.log.notebook import Evidence, Note
from bot.log.pattern import incident_time, summarise
from bot.log.pdf_text import Glyphs, drawable, needs_shaping, right_to_left, wide_script
from bot.log.pictures import thumbnail
from bot.log.rows import by_incident_time, file_text, row, written_text
from bot.log.views import LogLabels, PdfWords

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"
# Widths in mm of '#' and the columns, filling a landscape A4 page inside 10 mm margins (277 mm).
# Widths in mm of '#', when it happened, when it was written, and the booklet's other columns.
WIDTHS = (8, 28, 20, 22, 58, 26, 26, 24, 22, 21, 22)
# What DejaVu lacks, in the order fpdf2 tries them: Arabic and Urdu, then the Indic scripts Nottinghamshire
# speaks most (Hindi, Bengali, Punjabi, Gujarati). A few milliseconds each to load.
FALLBACKS = {
    "arabic": "NotoSansArabic-Regular.ttf",
    "devanagari": "NotoSansDevanagari-Regular.ttf",
    "bengali": "NotoSansBengali-Regular.ttf",
    "gurmukhi": "NotoSansGurmukhi-Regular.ttf",
    "gujarati": "NotoSansGujarati-Regular.ttf",
}
# Chinese (simplified and traditional, Cantonese's own characters too), Japanese and Korean: 4 MB and half a
# second to load, so only for a PDF whose text has them (see docs/reliability.md for the choice of font).
WIDE = ("cjk", "DroidSansFallbackFull.ttf")


def prepare(pdf: FPDF, text: str = "") -> None:
    """Give a new PDF our fonts (the CJK one if ``text`` needs it) and shaping, and forbid it to fetch any file
    or address (for every PDF we make)."""
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSansCondensed.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSansCondensed-Bold.ttf"))
    fallbacks = {**FALLBACKS, **(dict([WIDE]) if wide_script(text) else {})}
    for name, file in fallbacks.items():
        pdf.add_font(name, "", str(FONT_DIR / file))
    pdf.set_fallback_fonts(list(fallbacks), exact_match=False)
    pdf.set_text_shaping(True)  # HarfBuzz: Arabic and Urdu joined, Indic clusters formed, right-to-left in order
    pdf.resource_access_policy = ResourceAccessPolicy.NONE  # no file or address is ever fetched for the PDF


def glyphs(pdf: FPDF) -> Glyphs:
    """Return the characters the PDF's fonts can draw: DejaVu first, then each fallback in fpdf2's order."""
    fonts: Any = pdf.fonts
    return Glyphs([fonts[FONT.lower()], *(fonts[name] for name in (*FALLBACKS, WIDE[0]) if name in fonts)])


CHART_WEEKS = 52
CHART_HEIGHT = 30
THUMB_MM = 45
THUMB_PIXELS = 480
TABLE_PT = 7
LINE_MM = 3.1
PAD = 1.0
HEADING_ROWS = 6  # a table heading needs room for itself and a few lines of the first row under it
FRESH_PAGE_LINES = 50  # a row no longer than this is moved whole to the next page rather than split

# Both would log which characters the text uses (missing glyphs, subset glyph names): that is note text.
for _library in ("fpdf", "fontTools"):
    logging.getLogger(_library).setLevel(logging.ERROR)


class _LogPdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, size=7)
        self.cell(0, 5, f"{self.footer_text} {self.page_no()}/{{nb}}", align="C")


def export_pdf(notes: Sequence[Note], files: Sequence[Evidence], templates: TemplateLibrary, now: datetime) -> bytes:
    """Return the log as PDF bytes, in this process: files are given with their bytes, thumbnails made here."""
    thumbnails = {f.id: thumbnail(f.data, THUMB_PIXELS) for f in files if is_picture(identify(f.data))}
    described = [replace(f, data=b"", detected=identify(f.data) if f.data else f.detected) for f in files]
    return layout_pdf(notes, described, PdfWords.render(templates, notes, len(files), now), now, thumbnails)


def layout_pdf(
    notes: Sequence[Note],
    files: Sequence[Evidence],
    words: PdfWords,
    now: datetime,
    thumbnails: Mapping[str, bytes | None],
) -> bytes:
    """Lay out the PDF: header, pattern and chart, the table (one row per incident), the files with thumbnails.

    ``thumbnails`` holds the JPEGs made by ``pictures.thumbnail``: no file as a person sent it reaches fpdf2.
    """
    labels = words.labels
    ordered = by_incident_time(list(notes))
    pattern = summarise((incident_time(n) for n in ordered), now)
    pdf = _LogPdf(orientation="landscape", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=14)
    prepare(pdf, printed(notes, files))
    pdf.footer_text = words.footer
    pdf.set_title(words.title)
    pdf.set_creation_date(now)
    pdf.add_page()
    _heading(pdf, words.title)
    _paragraph(pdf, words.header)
    if words.pattern.strip():
        _paragraph(pdf, words.pattern)
    _chart(pdf, pattern.weeks[-CHART_WEEKS:])
    _table(pdf, ordered, labels)
    _files(pdf, ordered, files, words, thumbnails)
    return bytes(pdf.output())


def printed(notes: Sequence[Note], files: Sequence[Evidence]) -> str:
    """Return the person's own words the PDF prints: what decides which fonts it needs."""
    entries = [e.text for n in notes for e in (*n.answers.values(), *n.amendments)]
    return " ".join([*(n.text for n in notes), *entries, *(f"{f.name} {f.caption}" for f in files)])


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(0, 4.5, text.strip(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _chart(pdf: FPDF, weeks: Sequence[tuple[object, int]]) -> None:
    """Draw incidents per week as bars, oldest week on the left."""
    if not weeks:
        return
    if pdf.will_page_break(CHART_HEIGHT + 12):
        pdf.add_page()
    most = max(count for _, count in weeks) or 1
    width = min(8.0, (pdf.epw - 10) / len(weeks))
    top, left = pdf.get_y(), pdf.l_margin + 8
    pdf.set_font(FONT, size=6)
    pdf.set_fill_color(90, 90, 140)
    pdf.text(pdf.l_margin, top + 3, str(most))
    pdf.text(pdf.l_margin, top + CHART_HEIGHT, "0")
    for index, (week, count) in enumerate(weeks):
        height = CHART_HEIGHT * count / most
        x = left + index * width
        if count:
            pdf.rect(x + 0.5, top + CHART_HEIGHT - height, width - 1, height, style="F")
        if index % max(1, len(weeks) // 13) == 0:
            pdf.text(x, top + CHART_HEIGHT + 4, getattr(week, "strftime", str)("%d/%m"))
    pdf.set_y(top + CHART_HEIGHT + 8)


def _table(pdf: FPDF, notes: Sequence[Note], labels: LogLabels) -> None:
    table = _Table(pdf, ["#", labels.columns["when"], labels.written, *(labels.columns[c] for c in COLUMNS[1:])])
    for number, note in enumerate(notes, start=1):
        cells = row(note, labels.added, labels.kinds, labels.not_stated)
        table.row([str(number), cells["when"], written_text(note), *(cells[c] for c in COLUMNS[1:])])


class _Table:
    """Lay out the log's table: wrapped cells, rows split across pages when they must be, headings repeated.

    fpdf2's own table() does this too, but its pure-Python line breaking takes about 5 ms a row; widths here
    come straight from the font's width table, cached per word, so 1,000 incidents export in well under 2 s.
    """

    def __init__(self, pdf: FPDF, headings: list[str]) -> None:
        self.pdf = pdf
        self.headings = headings
        self.x = [pdf.l_margin + sum(WIDTHS[:i]) for i in range(len(WIDTHS))]
        self.words: dict[tuple[str, str], float] = {}
        self.glyphs = glyphs(pdf)
        self.plain = self.glyphs.fonts[0].cmap
        self.pdf.set_font(FONT, size=TABLE_PT)
        if pdf.will_page_break(HEADING_ROWS * LINE_MM + 4 * PAD):
            pdf.add_page()  # never a heading row alone at the foot of a page
        self._heading_row()

    def row(self, cells: list[str], bold: bool = False) -> None:
        """Draw one row, continuing on the next page (under the headings again) when it does not fit."""
        style = "B" if bold else ""
        self.pdf.set_font(FONT, style, TABLE_PT)
        lines = [self.wrap(text, width - 2 * PAD, style) for text, width in zip(cells, WIDTHS, strict=True)]
        total, start = max(len(cell) for cell in lines), 0
        while start < total:
            room = int((self.pdf.page_break_trigger - self.pdf.get_y() - 2 * PAD) // LINE_MM)
            fits_a_page = total - start <= FRESH_PAGE_LINES
            if not bold and (room < min(2, total - start) or (fits_a_page and room < total - start)):
                self.new_page()
                continue
            chunk = min(room, total - start)
            self._draw([cell[start : start + chunk] for cell in lines], chunk, fill=bold)
            start += chunk
            if start < total:
                self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self._heading_row()

    def _heading_row(self) -> None:
        self.row(self.headings, bold=True)
        self.pdf.set_font(FONT, size=TABLE_PT)

    def _draw(self, cells: list[list[str]], count: int, fill: bool) -> None:
        pdf, top = self.pdf, self.pdf.get_y()
        height = count * LINE_MM + 2 * PAD
        pdf.set_fill_color(225, 225, 235)
        for x, width, lines in zip(self.x, WIDTHS, cells, strict=True):
            pdf.rect(x, top, width, height, style="DF" if fill else "D")
            for index, line in enumerate(lines):
                if needs_shaping(line, self.plain):  # shaped and placed by fpdf2 with HarfBuzz: slower, rarer
                    pdf.set_xy(x + PAD, top + PAD + index * LINE_MM)
                    pdf.cell(width - 2 * PAD, LINE_MM, line, align="R" if right_to_left(line) else "L")
                else:
                    pdf.text(x + PAD, top + PAD + (index + 0.78) * LINE_MM, line)
        pdf.set_y(top + height)

    def wrap(self, text: str, width: float, style: str) -> list[str]:
        """Break text into lines no wider than ``width`` mm, at spaces where possible."""
        lines: list[str] = []
        space = self.width(" ", style)
        for paragraph in drawable(text, self.glyphs).split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                size = self.width(word, style)
                if line and used + space + size <= width:
                    line, used = f"{line} {word}", used + space + size
                    continue
                if line:
                    lines.append(line)
                while size > width:  # a word longer than the column is broken where it must be
                    cut = self.fit(word, width, style)
                    lines.append(word[:cut])
                    word = word[cut:]
                    size = self.width(word, style)
                line, used = word, size
            lines.append(line)
        return lines

    def width(self, word: str, style: str) -> float:
        cached = self.words.get((word, style))
        if cached is None:
            font: Any = self.pdf.fonts[f"{FONT.lower()}{style}"]
            units = sum(font.cw[ord(c)] if ord(c) in self.plain else self.glyphs.width(ord(c)) for c in word)
            cached = self.words[(word, style)] = units * TABLE_PT / 1000 * 25.4 / 72
        return cached

    def fit(self, word: str, width: float, style: str) -> int:
        used = 0.0
        for index, char in enumerate(word):
            used += self.width(char, style)
            if used > width:
                return max(index, 1)
        return len(word)


def _files(
    pdf: FPDF, notes: Sequence[Note], files: Sequence[Evidence], words: PdfWords, thumbnails: Mapping[str, bytes | None]
) -> None:
    """List every kept file by time and kind, with the incident it belongs to; pictures as thumbnails."""
    numbers = {note.id: number for number, note in enumerate(notes, start=1)}
    drawn = glyphs(pdf)
    pdf.ln(4)
    ordered = sorted(files, key=lambda f: f.sent_at or f.saved_at)
    if ordered and pdf.will_page_break(20 + (THUMB_MM if is_picture(ordered[0].detected) else 0)):
        pdf.add_page()  # the heading goes with at least its first file
    _heading(pdf, words.files)
    pdf.set_font(FONT, size=8)
    for item in ordered:
        detected = item.detected or OPAQUE
        kind = drawable(file_text(item, words.labels.kinds), drawn)
        line = f"#{numbers.get(item.note_id, '?')} · {kind} · {detected} · {item.size:,} B"
        if pdf.will_page_break(THUMB_MM + 8 if is_picture(detected) else 6):
            pdf.add_page()
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        if is_picture(detected):
            small = thumbnails.get(item.id)  # only JPEGs made by pictures.thumbnail reach fpdf2
            if small is not None:
                pdf.image(io.BytesIO(small), h=THUMB_MM, keep_aspect_ratio=True)
            else:
                pdf.multi_cell(0, 4.5, words.no_thumbnail, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
