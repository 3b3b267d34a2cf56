"""The plan as a one-page PDF: opened and read back, in the terminal (a 0600 file) and for a plan at its longest."""

from __future__ import annotations

import io
import stat
from datetime import UTC, datetime

from pypdf import PdfReader

from bot.flows.plan_parts import SECTIONS, TICKS
from bot.log.plan_pdf import plan_pdf
from bot.platforms.terminal.chat import EXPORTS_DIR
from bot.service import ChatService
from tests.transcript import replay

BUDDY = "canary-wagtail Sam, my sister: text by 6pm"
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def pdf_text(data: bytes) -> tuple[int, str, str]:
    """Return the number of pages, the text and the title of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    title = str(reader.metadata.title) if reader.metadata else ""
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages), title


async def test_the_terminal_writes_the_plan_as_a_one_page_pdf_only_its_owner_can_read(service: ChatService) -> None:
    inputs = ["/plan", "Go through it step by step", BUDDY, "Skip", "Skip", "Skip", "Privacy settings checked"]
    replies = await replay(service, [*inputs, "Next", "Skip", "Skip", "Victim CARE", "Skip", "Next", "Print it (PDF)"])
    assert replies[-1].startswith("My plan, as one page to print or keep.")
    [path] = (service.store.path.parent / EXPORTS_DIR).iterdir()
    assert path.name.startswith("my-plan-") and path.suffix == ".pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pages, text, title = pdf_text(path.read_bytes())
    assert (pages, title) == (1, "My plan")
    flat = " ".join(text.split())
    assert flat.startswith("My plan")
    assert BUDDY in flat and "✓ Privacy settings checked" in flat
    assert "My helpline: Nottinghamshire Victim CARE, 0800 304 7575" in flat
    assert "Where I would go: (not filled in yet)" in flat


def test_a_plan_at_its_longest_still_fits_on_one_page() -> None:
    long = "He waits by the gate most mornings, so I leave by the back. " * 66  # about 4,000 characters
    sections = [(name, [f"{item}: {long}" for item in items if item not in TICKS]) for name, items in SECTIONS.items()]
    pages, text, _ = pdf_text(plan_pdf("My plan", "Made today.", sections, NOW))
    assert pages == 1 and "He waits by the gate" in text and "…" in text


def test_emoji_and_right_to_left_words_are_printed_not_dropped() -> None:
    sections = [("My people", ["My buddy: Sam 😊", "People I have told: مريم"])]
    pages, text, _ = pdf_text(plan_pdf("My plan", "Made today.", sections, NOW))
    assert pages == 1 and "[smiling face with smiling eyes]" in text and "Sam" in text
