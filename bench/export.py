"""Export a log of 1,000 incidents to PDF and CSV, through the real encrypted store; target: well under 2 s."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.flows.program import load_program
from bot.log.effects import export
from bot.log.notebook import Notebook
from bot.settings import PROJECT_ROOT
from bot.store.crypto import Vault, load_master_key
from bot.store.notes import NoteStore
from bot.store.sqlite import Store

INCIDENTS = 1000
RUNS = 5
TARGET_SECONDS = 2.0
TEXT = "He was waiting outside my work again when I left at half five. He followed me to the bus stop and said "
ANSWERS = {
    "where": "Outside the office on Station Street, then the bus stop",
    "police": "Called 101 the next morning; they gave me a reference number",
    "impact": "I could not sleep and I was scared to go into work the next day",
    "witnesses": "My colleague saw him by the door",
}


async def fill(book: Notebook, key: str, count: int, now: datetime) -> None:
    """Write ``count`` notes with answers and one amendment each, as a person would over months."""
    for number in range(count):
        at = now - timedelta(hours=6 * number)
        note = await book.add(key, f"{TEXT}something about my sister ({number}).", at, now=at)
        await book.answer(key, note.id, "when", f"{at.isoformat()} (about half five)", now=at)
        for field, answer in ANSWERS.items():
            await book.answer(key, note.id, field, answer, now=at)
        await book.amend(key, note.id, "He had a different coat on, dark green.", now=at + timedelta(hours=1))


async def measure(count: int = INCIDENTS, runs: int = RUNS) -> dict[str, float]:
    """Return the median seconds to export ``count`` incidents (reading and decrypting them included)."""
    program = load_program(PROJECT_ROOT / "flows", PROJECT_ROOT / "content")
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        store = await Store.open(data_dir)
        book = Notebook(NoteStore(store), Vault(load_master_key(data_dir)))
        try:
            await fill(book, "bench", count, now)
            timings, sizes = [], {}
            for _ in range(runs):
                started = time.perf_counter()
                documents = await export(book, "bench", program.content.templates, now)
                timings.append(time.perf_counter() - started)
                sizes = {d.filename.rsplit(".", 1)[1]: len(d.data) for d in documents}
        finally:
            await store.close()
    return {"seconds": statistics.median(timings), "pdf_bytes": sizes["pdf"], "csv_bytes": sizes["csv"]}


def main() -> None:
    """Print the export figure and whether it meets its target."""
    result = asyncio.run(measure())
    verdict = "meets" if result["seconds"] < TARGET_SECONDS else "MISSES"
    print(
        f"export of {INCIDENTS} incidents (PDF + CSV, decrypting included): median {result['seconds']:.2f} s "
        f"of {RUNS} runs; PDF {result['pdf_bytes'] / 1e6:.1f} MB, CSV {result['csv_bytes'] / 1e6:.1f} MB; "
        f"{verdict} the target of {TARGET_SECONDS:.0f} s"
    )


if __name__ == "__main__":
    main()
