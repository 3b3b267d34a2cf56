"""The log's export: a PDF laid out as the booklet's table and a CSV, one row per incident."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from pypdf import PdfReader

from bot.engine.program import Program
from bot.log.csv_file import export_csv
from bot.log.notebook import Entry, Evidence, Note
from bot.log.pdf import export_pdf
from bot.log.views import LogLabels

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def make_notes(count: int) -> list[Note]:
    notes = []
    for number in range(count):
        at = NOW - timedelta(hours=9 * number)
        answers = {"where": Entry("where", at, f"place-{number}"), "police": Entry("police", at, "101, ref 4471")}
        notes.append(Note(f"n{number}", at, at, f"incident-{number:04d} he was there again", answers))
    return notes


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_has_a_header_the_columns_and_one_row_per_incident(program: Program) -> None:
    notes = make_notes(40)
    text = pdf_text(export_pdf(notes, [], program.content.templates, NOW))
    assert text.startswith("Incident log\n40 incidents, from ")
    assert "Made Sat 21 Nov 2026, 12:00 (UK time)" in text
    for heading in ("Date and time", "Location", "What happened", "Evidence", "Impact on", "Witnesses"):
        assert heading in text
    for number in range(40):
        assert text.count(f"incident-{number:04d} he was there again") == 1
    places = [text.index(f"incident-{number:04d}") for number in reversed(range(40))]
    assert places == sorted(places)  # oldest first
    assert text.count("not stated — written at") == 40  # no time was given: the time written is marked as such


def test_a_note_longer_than_a_page_is_kept_whole_across_pages(program: Program) -> None:
    long = " ".join(f"word{i}" for i in range(6000))
    note = Note("n", NOW, NOW, long)
    reader = PdfReader(io.BytesIO(export_pdf([note], [], program.content.templates, NOW)))
    assert len(reader.pages) > 2
    words = " ".join(page.extract_text() for page in reader.pages).split()
    assert [w for w in words if w.startswith("word")] == long.split()


def test_amendments_and_files_are_in_the_row_with_their_times(program: Program) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(picture, "PNG")
    note = Note(
        "n",
        NOW,
        NOW,
        "he waited by the gate",
        amendments=(Entry("text", NOW + timedelta(hours=1), "it was the back gate"),),
        evidence=(Evidence("e", "n", NOW, NOW, "photo", "image/png", "", "the gate", 10),),
    )
    files = [Evidence("e", "n", NOW, NOW, "photo", "image/png", "", "the gate", 10, picture.getvalue())]
    data = export_pdf([note], files, program.content.templates, NOW)
    text = pdf_text(data)
    assert "[Added Sat 21 Nov 2026, 13:00] it was the back gate" in " ".join(text.split())
    assert "Files kept as evidence: 1" in text and "Photo, Sat 21 Nov 2026, 12:00: the gate" in text
    assert b"/Subtype /Image" in data
    broken = [Evidence("e", "n", NOW, NOW, "photo", "image/jpeg", "", "", 3, b"\xff\xd8\xff\xe0 not a picture")]
    assert "could not be shown here" in pdf_text(export_pdf([note], broken, program.content.templates, NOW))


def test_any_script_and_control_characters_do_not_break_the_pdf(program: Program) -> None:
    text = "Він стояв біля дверей \u202eevil\u202c 他在门口 \x00\x07 tab\there 🙂 =cmd|' /C calc'!A0"
    data = export_pdf([Note("n", NOW, NOW, text)], [], program.content.templates, NOW)
    assert "Він стояв біля дверей" in pdf_text(data)


def test_the_csv_has_the_columns_one_row_per_incident_and_no_formulas(program: Program) -> None:
    notes = [*make_notes(3), Note("x", NOW, NOW, '=HYPERLINK("http://x")')]
    rows = list(
        csv.reader(io.StringIO(export_csv(notes, LogLabels.render(program.content.templates)).decode("utf-8-sig")))
    )
    assert rows[0][:4] == ["#", "Date and time", "Location", "What happened"]
    assert len(rows) == 5 and [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert rows[1][2] == "place-2" and rows[1][5] == "101, ref 4471"
    assert rows[4][3] == '\'=HYPERLINK("http://x")'


def test_the_pdf_says_when_it_happened_and_when_it_was_written(program: Program) -> None:
    written = NOW - timedelta(hours=2)
    stated = Note(
        "a",
        written,
        written,
        "he was at the gate",
        {"when": Entry("when", written, "2026-11-19T17:00:00+00:00 (thu 5pm)")},
    )
    unstated = Note("b", written, written, "he rang twice")
    text = " ".join(pdf_text(export_pdf([stated, unstated], [], program.content.templates, NOW)).split())
    assert "Written at (UK time)" in text
    assert "Thu 19 Nov 2026, 17:00 (thu 5pm)" in text
    assert "not stated — written at Sat 21 Nov 2026, 10:00" in text and text.count("Sat 21 Nov 2026, 10:00") >= 3


def test_emoji_are_printed_as_their_names_never_dropped(program: Program) -> None:
    note = Note("n", NOW, NOW, "he sent 🔪🔪 and 👍🏽 then ཀ")
    text = " ".join(pdf_text(export_pdf([note], [], program.content.templates, NOW)).split())
    assert "he sent [kitchen knife][kitchen knife] and [thumbs up medium skin tone] then [tibetan letter ka]" in text


def test_arabic_and_urdu_are_shaped_and_read_right_to_left(program: Program) -> None:
    arabic, urdu = "كان ينتظرني خارج العمل", "وہ میرے گھر کے باہر کھڑا تھا"
    data = export_pdf([Note("a", NOW, NOW, arabic), Note("u", NOW, NOW, urdu)], [], program.content.templates, NOW)
    text = pdf_text(data)
    assert "ينتظرني" in text and "العمل" in text  # in reading order: unshaped, they come out reversed
    assert "کھڑا" in text and "تھا" in text  # Urdu letters only the shipped Noto Sans Arabic has
    assert "ينتظرني"[::-1] not in text


# Nottinghamshire's commonest languages after English and Urdu/Arabic: Chinese (simplified, and traditional
# with Cantonese's own characters), Punjabi (Gurmukhi), Bengali, Gujarati and Hindi (Devanagari).
SCRIPTS = {
    "NotoSansGurmukhi": "ਉਹ ਮੇਰੇ ਘਰ ਦੇ ਬਾਹਰ ਖੜ੍ਹਾ ਸੀ",
    "NotoSansBengali": "সে আমার বাড়ির বাইরে দাঁড়িয়ে ছিল",
    "NotoSansGujarati": "તે મારા ઘરની બહાર ઊભો હતો",
    "NotoSansDevanagari": "वह मेरे घर के बाहर खड़ा था",
    "DroidSansFallback": "他每天在我家外面等我",
    "Cantonese": "佢成日喺我屋企外面",
}


def test_chinese_and_indic_scripts_are_printed_shaped_never_as_names(program: Program) -> None:
    notes = [Note(font, NOW, NOW, text) for font, text in SCRIPTS.items()]
    page = PdfReader(io.BytesIO(export_pdf(notes, [], program.content.templates, NOW))).pages[0]
    # pypdf spaces some clusters oddly (tabs, control characters between Bengali ones); the letters are what count.
    text = "".join(c for c in page.extract_text() if c.isprintable() and not c.isspace())
    assert all("".join(words.split()) in text for words in SCRIPTS.values())
    assert "[" not in text  # no character printed as its name
    fonts = {str(f["/BaseFont"]).split("+")[1]: f for f in page["/Resources"]["/Font"].values()}
    assert set(SCRIPTS) - {"Cantonese"} <= set(fonts)
    # Shaped by HarfBuzz: one glyph for two characters (the nukta in खड़ा, the subjoined ha in ਖੜ੍ਹਾ).
    assert "<0921093C>" in fonts["NotoSansDevanagari"]["/ToUnicode"].get_data().decode()
    assert "<0A4D0A39>" in fonts["NotoSansGurmukhi"]["/ToUnicode"].get_data().decode()


def test_the_large_cjk_font_is_loaded_only_for_a_log_that_needs_it(program: Program) -> None:
    page = PdfReader(io.BytesIO(export_pdf(make_notes(3), [], program.content.templates, NOW))).pages[0]
    assert not any("Droid" in str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values())


def test_no_heading_is_left_alone_at_the_foot_of_a_page(program: Program) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(picture, "PNG")
    stranded = []
    for count in range(8, 40, 3):
        notes = make_notes(count)
        files = [Evidence("e", notes[0].id, NOW, NOW, "photo", "", "", "", 10, picture.getvalue())]
        reader = PdfReader(io.BytesIO(export_pdf(notes, files, program.content.templates, NOW)))
        for page in reader.pages:
            lines = [line for line in page.extract_text().splitlines() if not line.startswith("Incident log, page")]
            if lines and (lines[-1].startswith("Files kept as evidence") or lines[-1].startswith("# Date and time")):
                stranded.append((count, lines[-1]))
    assert stranded == []
